package usermigrate

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// Fingerprint identifies the legacy rows of a source database at one
// moment: which database and table, how many rows, and a checksum of the
// rows, so that a backup manifest and the audit trail can say what a
// migration read from a database they do not hold.
type Fingerprint struct {
	Kind     database.Kind `json:"kind"`
	Identity string        `json:"identity"`
	Display  string        `json:"display"`
	Table    string        `json:"table"`
	Rows     int64         `json:"rows"`
	SHA256   string        `json:"sha256"`
}

// TakeFingerprint reads the legacy table once through snap. The checksum
// is SHA-256 over the rows in byte order of their columns as text (the id
// first), each column's text as the source renders it, length-prefixed,
// NULL apart from empty: the same rows give the same sum on the same
// database, and any changed, added or removed row changes it.
func TakeFingerprint(ctx context.Context, snap *database.Snapshot, table string, cols Columns) (Fingerprint, error) {
	if table == "" {
		table = "legacy_users"
	}
	if cols == (Columns{}) {
		cols = DefaultColumns()
	}
	if err := database.ValidateIdent(table); err != nil {
		return Fingerprint{}, fmt.Errorf("source table: %w", err)
	}
	if err := cols.validate(); err != nil {
		return Fingerprint{}, err
	}
	d := snap.Dialect
	var exprs, order []string
	for _, f := range cols.fields() {
		e := `CAST(s.` + d.QuoteIdent(*f.col) + ` AS TEXT)`
		exprs = append(exprs, e)
		order = append(order, d.BytewiseSQL(e))
	}
	rows, err := snap.Tx.QueryxContext(ctx, `SELECT `+strings.Join(exprs, ", ")+` FROM `+d.QuoteIdent(table)+
		` s ORDER BY `+strings.Join(order, ", "))
	if err != nil {
		return Fingerprint{}, fmt.Errorf("read %s: %w", table, err)
	}
	defer rows.Close()
	fp := Fingerprint{Kind: snap.Target.Kind, Identity: snap.Target.Identity(), Display: snap.Target.Redacted(), Table: table}
	h := sha256.New()
	vals := make([]sql.NullString, len(exprs))
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var n [9]byte
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return Fingerprint{}, fmt.Errorf("read %s: %w", table, err)
		}
		fp.Rows++
		for _, v := range vals {
			if !v.Valid {
				h.Write([]byte{0})
				continue
			}
			n[0] = 1
			binary.BigEndian.PutUint64(n[1:], uint64(len(v.String)))
			h.Write(n[:])
			h.Write([]byte(v.String))
		}
	}
	if err := rows.Err(); err != nil {
		return Fingerprint{}, fmt.Errorf("read %s: %w", table, err)
	}
	fp.SHA256 = hex.EncodeToString(h.Sum(nil))
	return fp, nil
}
