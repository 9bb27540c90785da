package database

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
)

// RawConn is a connection that lends out its driver connection (*sql.Conn,
// *sqlx.Conn). A transaction begun on it keeps using that connection, so a
// caller that holds both can reach past database/sql while the transaction
// is open: the PostgreSQL inserter writes COPY data that way.
type RawConn interface {
	Raw(f func(driverConn any) error) error
}

// errCopyType says a value has no COPY text form here; the batch then goes
// through database/sql, which knows every type the driver does.
var errCopyType = errors.New("no COPY text form")

// appendCopyRows appends rows in COPY's text format: columns separated by
// tabs, rows by newlines (none after the last), NULL as \N, and backslash,
// newline, carriage return and tab escaped in text. It covers the values
// the copy writes (text, integers, booleans, NULL); anything else returns
// errCopyType. suffix, already COPY text, ends every row.
func appendCopyRows(buf []byte, rows [][]any, suffix ...byte) ([]byte, error) {
	for i, r := range rows {
		if i > 0 {
			buf = append(buf, '\n')
		}
		for j, v := range r {
			if j > 0 {
				buf = append(buf, '\t')
			}
			switch x := v.(type) {
			case nil:
				buf = append(buf, `\N`...)
			case string:
				buf = appendCopyText(buf, x)
			case bool:
				if x {
					buf = append(buf, 't')
				} else {
					buf = append(buf, 'f')
				}
			case int:
				buf = strconv.AppendInt(buf, int64(x), 10)
			case int64:
				buf = strconv.AppendInt(buf, x, 10)
			default:
				return buf, fmt.Errorf("%w: %T", errCopyType, v)
			}
		}
		buf = append(buf, suffix...)
	}
	return buf, nil
}

func appendCopyText(buf []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		var esc byte
		switch s[i] {
		case '\\':
			esc = '\\'
		case '\n':
			esc = 'n'
		case '\r':
			esc = 'r'
		case '\t':
			esc = 't'
		default:
			continue
		}
		buf = append(buf, s[start:i]...)
		buf = append(buf, '\\', esc)
		start = i + 1
	}
	return append(buf, s[start:]...)
}

// copyDataStmt is lib/pq's COPY statement: it takes rows already in COPY's
// text format.
type copyDataStmt interface {
	driver.Stmt
	CopyData(ctx context.Context, line string) (driver.Result, error)
}

// pgRawCopy runs one COPY … FROM STDIN on the driver connection of raw and
// sends data, rows in COPY text format, as it is.
func pgRawCopy(ctx context.Context, raw RawConn, copySQL string, data []byte) error {
	return raw.Raw(func(dc any) error {
		pc, ok := dc.(driver.ConnPrepareContext)
		if !ok {
			return fmt.Errorf("raw COPY: driver connection %T cannot prepare", dc)
		}
		st, err := pc.PrepareContext(ctx, copySQL)
		if err != nil {
			return err
		}
		defer st.Close()
		cd, ok := st.(copyDataStmt)
		if !ok {
			return fmt.Errorf("raw COPY: statement %T takes no COPY data", st)
		}
		if _, err := cd.CopyData(ctx, string(data)); err != nil {
			return err
		}
		// lib/pq ends a COPY with Exec(nil): flush, CopyDone, then the result.
		_, err = cd.Exec(nil)
		return err
	})
}
