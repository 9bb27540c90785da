// Package backup owns backups: consistent copies of the database with the
// config files, a checksummed manifest, listing, verification and restore.
package backup
