// Command readbench runs the baselines that scripts/bench-readside.sh times
// dhmig's read side against, through the same SQLite driver dhmig uses
// (github.com/mattn/go-sqlite3), with no dhmig code in the path:
//
//	readbench guide  DB.db          the guide's two troubleshooting queries
//	readbench backup DB.db OUT.db   SQLite's online backup API, then the
//	                                sha256 of the copy (a checksummed backup)
//
// It prints only what the queries return (nothing on clean data), so that
// its run time is the database's work.
package main

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"os"

	"github.com/mattn/go-sqlite3"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "readbench:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	switch {
	case len(args) == 2 && args[0] == "guide":
		return guide(args[1])
	case len(args) == 3 && args[0] == "backup":
		return backup(args[1], args[2])
	}
	return fmt.Errorf("usage: readbench guide DB | readbench backup DB OUT")
}

// guide runs the migration guide's troubleshooting queries and prints their
// rows, as the sqlite3 shell would.
func guide(path string) error {
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	for _, q := range []string{
		`SELECT email, COUNT(*) FROM auth_users GROUP BY email HAVING COUNT(*) > 1`,
		`SELECT * FROM auth_users WHERE email IS NULL OR username IS NULL`,
	} {
		if err := printRows(db, q); err != nil {
			return err
		}
	}
	return nil
}

func printRows(db *sql.DB, q string) error {
	rows, err := db.Query(q)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		fmt.Println(vals...)
	}
	return rows.Err()
}

// backup copies path to out with the online backup API in one step and
// prints the copy's sha256.
func backup(path, out string) error {
	conns := make(chan *sqlite3.SQLiteConn, 1)
	name := "sqlite3_readbench"
	sql.Register(name, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		conns <- c
		return nil
	}})
	src, err := sql.Open(name, "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer src.Close()
	if err := src.Ping(); err != nil {
		return err
	}
	sc := <-conns
	dst, err := sql.Open(name, "file:"+out+"?mode=rwc")
	if err != nil {
		return err
	}
	defer dst.Close()
	if err := dst.Ping(); err != nil {
		return err
	}
	dc := <-conns
	b, err := dc.Backup("main", sc, "main")
	if err != nil {
		return err
	}
	if _, err := b.Step(-1); err != nil {
		b.Close()
		return err
	}
	if err := b.Finish(); err != nil {
		return err
	}
	fh, err := os.Open(out)
	if err != nil {
		return err
	}
	defer fh.Close()
	h := sha256.New()
	if _, err := io.Copy(h, fh); err != nil {
		return err
	}
	fmt.Println(hex.EncodeToString(h.Sum(nil)))
	return nil
}
