package usermigrate

import (
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/dhafnckmcp/dhmig/pkg/database"
	"github.com/dhafnckmcp/dhmig/pkg/target"
)

// newUserID makes a user id as the target's application would: UUIDv7
// for the guide (creation order keeps its index appends cheap), UUIDv4
// where the app writes str(uuid4()), spelled by the dialect.
func newUserID(d database.AppValues, f target.IDForm) (string, error) {
	for {
		newUUID := uuid.NewV7
		if f.Random {
			newUUID = uuid.NewRandom
		}
		u, err := newUUID()
		if err != nil {
			return "", fmt.Errorf("user id: %w", err)
		}
		id := d.UserID(u, f.CompactText)
		if !numericLooking(id) {
			return id, nil
		}
	}
}

// numericLooking: 32 hex digits with no letter but e (1 in a few million)
// read as a number to SQLite, whose UUID columns have NUMERIC affinity,
// and would be stored as one. Such an id is drawn again.
func numericLooking(id string) bool {
	return len(id) == 32 && !strings.ContainsAny(id, "abcdf")
}
