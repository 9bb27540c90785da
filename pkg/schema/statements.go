package schema

import (
	"regexp"
	"strconv"
	"strings"
)

// statement is one SQL statement of a migration file, with what it creates
// or drops when that is a table or an index.
type statement struct {
	text string
	// op is "create table", "create index", "drop table" or "".
	op   string
	name string
	// on is the table a created index belongs to.
	on string
	// ifNotExists: the file itself expects the object may exist already.
	ifNotExists bool
	// columns are a created table's columns with their declared types.
	columns []targetColumn
}

type targetColumn struct {
	name, typ string
}

var (
	stmtEndRE     = regexp.MustCompile(`;[ \t]*(?:\r?\n|$)`)
	createTableRE = regexp.MustCompile(`(?is)^CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?(\w+)\s*\((.*)\)$`)
	createIndexRE = regexp.MustCompile(`(?is)^CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)\s+ON\s+(\w+)`)
	dropTableRE   = regexp.MustCompile(`(?is)^DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?(\w+)`)
	// A column definition starts a line with a lowercase name and a type;
	// constraint lines start with an upper-case keyword and continuation
	// lines of a DEFAULT expression with a function call.
	columnRE   = regexp.MustCompile(`^\s*([a-z_][a-z0-9_]*)\s+([A-Za-z]+(?:\s*\(\s*\d+\s*\))?(?:\[\])?)`)
	typeSizeRE = regexp.MustCompile(`\(\s*(\d+)\s*\)`)
)

// parseStatements splits a migration file (statements end with ";" at the
// end of a line, which every file under sql/ follows) and recognises the
// tables and indexes it creates or drops.
func parseStatements(sql string) []statement {
	var out []statement
	for _, part := range stmtEndRE.Split(sql, -1) {
		text := stripComments(part)
		if text == "" {
			continue
		}
		s := statement{text: text}
		if m := createTableRE.FindStringSubmatch(text); m != nil {
			s.op, s.ifNotExists, s.name = "create table", m[1] != "", strings.ToLower(m[2])
			for _, line := range strings.Split(m[3], "\n") {
				if c := columnRE.FindStringSubmatch(line); c != nil {
					s.columns = append(s.columns, targetColumn{name: c[1], typ: c[2]})
				}
			}
		} else if m := createIndexRE.FindStringSubmatch(text); m != nil {
			s.op, s.name, s.on = "create index", strings.ToLower(m[1]), strings.ToLower(m[2])
		} else if m := dropTableRE.FindStringSubmatch(text); m != nil {
			s.op, s.name = "drop table", strings.ToLower(m[1])
		}
		out = append(out, s)
	}
	return out
}

func stripComments(s string) string {
	var keep []string
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "--") {
			continue
		}
		keep = append(keep, line)
	}
	return strings.TrimSpace(strings.Join(keep, "\n"))
}

// typeFamily reduces a declared column type, as written in a migration file
// or reported by either engine's catalog, to what dhmig's writes depend on:
// the kind of value and, for text, the longest value the column takes (0:
// unbounded).
func typeFamily(declared string) (family string, size int) {
	t := strings.ToLower(strings.TrimSpace(declared))
	if m := typeSizeRE.FindStringSubmatch(t); m != nil {
		size, _ = strconv.Atoi(m[1])
	}
	switch {
	case strings.HasSuffix(t, "[]"):
		return "text[]", 0
	case t == "uuid":
		return "uuid", 0
	case strings.Contains(t, "bool"):
		return "boolean", 0
	case strings.Contains(t, "int"):
		return "integer", 0
	case strings.Contains(t, "timestamp"), strings.Contains(t, "datetime"):
		return "timestamp", 0
	case strings.Contains(t, "char"), strings.Contains(t, "text"), strings.Contains(t, "clob"):
		return "text", size
	}
	return t, 0
}

// compatibleType reports whether a column of type have takes every value
// dhmig writes into a column of type want.
func compatibleType(have, want string) bool {
	hf, hs := typeFamily(have)
	wf, ws := typeFamily(want)
	if hf != wf {
		return false
	}
	return hs == 0 || ws != 0 && hs >= ws
}
