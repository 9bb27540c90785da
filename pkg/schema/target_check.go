package schema

import (
	"errors"
	"fmt"
)

// ErrOtherTarget means the database holds the schema of another target
// than the one configured: its versions carry other names. Nothing was
// changed.
var ErrOtherTarget = errors.New("the database holds another target's schema")

// sameTarget refuses a history whose versions are named otherwise than
// this migrator's: each target numbers its own files from 0001, so a
// version number alone cannot tell the guide's auth_users from the app's
// users.
func (m *Migrator) sameTarget(applied map[int]AppliedVersion) error {
	for _, mig := range m.migrations {
		if a, ok := applied[mig.Version]; ok && a.Name != mig.Name {
			return fmt.Errorf("%w: version %04d applied here is %q, this target's is %q (check --target)",
				ErrOtherTarget, mig.Version, a.Name, mig.Name)
		}
	}
	return nil
}
