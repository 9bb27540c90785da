// Package backup owns backups: consistent copies of the database (SQLite's
// online backup API, pg_dump inside an exported snapshot) together with the
// config files, a checksummed manifest, listing, verification, pruning, the
// backup gate's "latest verified backup" and an all-or-nothing restore.
//
// One backup is one directory under the backup directory, named by a
// sortable UTC id (20261128T010455Z), holding manifest.json and the files it
// lists. It is written under a hidden temporary name and renamed at the end,
// so a directory that looks complete is complete. Directories are 0700,
// files 0600.
package backup
