package config

import (
	"fmt"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// DatabaseTarget is the database to migrate (database_url), parsed.
func (c *Config) DatabaseTarget() (database.Target, error) { return parseURL(c.DatabaseURL()) }

// SourceTarget is the database holding the legacy table (source_url),
// parsed; ok is false when no source URL is set.
func (c *Config) SourceTarget() (t database.Target, ok bool, err error) {
	u := c.SourceURL()
	if u == "" {
		return database.Target{}, false, nil
	}
	t, err = parseURL(u)
	return t, err == nil, err
}

// parseURL is database.ParseURL with its errors marked as configuration
// errors.
func parseURL(raw string) (database.Target, error) {
	t, err := database.ParseURL(raw)
	if err != nil {
		return database.Target{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return t, nil
}
