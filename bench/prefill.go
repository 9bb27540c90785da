package main

import (
	"context"

	"golang.org/x/crypto/bcrypt"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// prefill runs an engine's prefill statement with one real bcrypt hash.
func prefill(ctx context.Context, url, stmt string) error {
	t, err := database.ParseURL(url)
	if err != nil {
		return err
	}
	db, err := database.Open(ctx, t, database.OpenOptions{})
	if err != nil {
		return err
	}
	defer db.Close()
	h, err := bcrypt.GenerateFromPassword([]byte("prefilled-user"), 4)
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, db.Rebind(stmt), string(h))
	return err
}
