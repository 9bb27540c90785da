package database

import "errors"

// Errors callers check with errors.Is.
var (
	// ErrLockHeld means another dhmig run holds the write lock.
	ErrLockHeld = errors.New("another dhmig run holds the write lock")
	// ErrNoDatabase means the SQLite file named by the URL does not exist.
	ErrNoDatabase = errors.New("database file does not exist")
	// ErrConnect means the database server could not be reached.
	ErrConnect = errors.New("cannot connect to the database")
)
