package notify

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// ErrOutboxOpen refuses an outbox directory other local users can enter:
// the letters name every user and address.
var ErrOutboxOpen = errors.New("outbox directory is open to other users")

// OutboxOptions configure writing letters as .eml files instead of sending.
type OutboxOptions struct {
	Dir   string
	From  Sender
	Links Links
	Now   func() time.Time
}

// PrepareOutbox creates the directory (0700) or checks an existing one
// is private; it runs before anything else so a bad path fails early.
func PrepareOutbox(dir string) error {
	st, err := os.Stat(dir)
	switch {
	case os.IsNotExist(err):
		return os.MkdirAll(dir, 0o700)
	case err != nil:
		return err
	case !st.IsDir():
		return fmt.Errorf("%s is not a directory", dir)
	case st.Mode().Perm()&0o077 != 0:
		return fmt.Errorf("%w: %s has mode %04o; use a new directory or chmod 700 it", ErrOutboxOpen, dir, st.Mode().Perm())
	}
	return nil
}

// WriteOutbox writes one RFC 5322 message per recipient as
// <user id>.eml (mode 0600) and returns how many it wrote. It touches no
// database: the ledger records deliveries, and nothing was delivered.
func WriteOutbox(ctx context.Context, tpl *Template, rs []Recipient, o OutboxOptions) (int, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if err := PrepareOutbox(o.Dir); err != nil {
		return 0, err
	}
	n := 0
	for _, r := range rs {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		l, err := tpl.Render(o.Links.fields(r))
		if err != nil {
			return n, err
		}
		m, err := buildMessage(o.From, r, l, newMessageID(o.From), o.Now())
		if err != nil {
			continue // no file for an address no server takes; the count says so
		}
		path := filepath.Join(o.Dir, r.UserID+".eml")
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return n, err
		}
		_, werr := m.WriteTo(f)
		if err := f.Chmod(0o600); err != nil && werr == nil { // an older file may have had another mode
			werr = err
		}
		if err := f.Close(); err != nil && werr == nil {
			werr = err
		}
		if werr != nil {
			return n, fmt.Errorf("write %s: %w", path, werr)
		}
		n++
	}
	return n, nil
}
