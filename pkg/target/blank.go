package target

import "strings"

// Blanks lists every character trimmed from both ends of an email and a
// username: Python's str.strip() set (what the application strips before a
// lookup: Unicode White_Space plus the ASCII separators U+001C–U+001F) and
// the zero-width characters that web forms and copy-paste leave behind.
// A blank inside a value is kept (and makes an email invalid).
var Blanks = []rune{
	'\t', '\n', '\v', '\f', '\r', 0x1C, 0x1D, 0x1E, 0x1F, ' ',
	0x85, 0xA0, 0x1680, 0x180E,
	0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A,
	0x200B, 0x200C, 0x200D, 0x2028, 0x2029, 0x202F, 0x205F, 0x2060, 0x3000, 0xFEFF,
}

// BlankSet is Blanks as one string, the set SQL's trim(x, set) and
// btrim(x, set) take.
var BlankSet = string(Blanks)

// blankSeqs are the UTF-8 encodings of Blanks; blankFirst and blankLast
// mark the bytes such an encoding can start or end with, so that the
// common value (a letter at each end) is settled by one table lookup.
var blankSeqs, blankFirst, blankLast = func() (seqs []string, first, last [256]bool) {
	for _, r := range Blanks {
		s := string(r)
		seqs = append(seqs, s)
		first[s[0]] = true
		last[s[len(s)-1]] = true
	}
	return seqs, first, last
}()

// Trim removes Blanks from both ends of s. It compares encoded bytes, as
// SQLite's trim(x, set) does, so the two agree on any bytes, valid UTF-8
// or not; on valid UTF-8 it is PostgreSQL's btrim(x, set).
func Trim(s string) string {
	for len(s) > 0 && blankFirst[s[0]] {
		n := blankPrefix(s)
		if n == 0 {
			break
		}
		s = s[n:]
	}
	for len(s) > 0 && blankLast[s[len(s)-1]] {
		n := blankSuffix(s)
		if n == 0 {
			break
		}
		s = s[:len(s)-n]
	}
	return s
}

func blankPrefix(s string) int {
	for _, b := range blankSeqs {
		if strings.HasPrefix(s, b) {
			return len(b)
		}
	}
	return 0
}

func blankSuffix(s string) int {
	for _, b := range blankSeqs {
		if strings.HasSuffix(s, b) {
			return len(b)
		}
	}
	return 0
}

// LowerASCII maps A–Z to a–z and leaves every other byte alone: what
// "case-insensitive" means for emails. It is SQLite's lower() and
// PostgreSQL's lower() under the C collation, whatever the database's
// locale; a non-ASCII letter cannot be part of a valid email anyway.
func LowerASCII(s string) string {
	i := 0
	for i < len(s) && (s[i] < 'A' || s[i] > 'Z') {
		i++
	}
	if i == len(s) {
		return s
	}
	b := []byte(s)
	for ; i < len(b); i++ {
		if c := b[i]; c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
