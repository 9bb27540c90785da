package config

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/joho/godotenv"
)

// Parsers quote the text they stumble on, and the rest of a configuration
// file is its secrets; so an error about a file names the file, the line and
// the kind of problem, and never a byte of its text.

// dotEnvError describes why the .env text b does not parse.
func dotEnvError(path string, b []byte, err error) error {
	what := "expected KEY=VALUE, a # comment or a blank line"
	if strings.HasPrefix(err.Error(), "unterminated quoted value") {
		what = "a quoted value is never closed"
	}
	return fmt.Errorf("%w: env file %s: line %d: %s (the file's text is not shown)", ErrInvalid, path, dotEnvBadLine(b), what)
}

// dotEnvBadLine is the line a parse error starts at: the line after the
// longest prefix of whole lines that still parses. (A prefix that ends
// inside a multi-line quoted value fails on its own, so the search runs
// from the end.)
func dotEnvBadLine(b []byte) int {
	text := strings.ReplaceAll(string(b), "\r\n", "\n")
	lines := strings.SplitAfter(text, "\n")
	for n := len(lines); n > 0; n-- {
		if _, err := godotenv.UnmarshalBytes([]byte(strings.Join(lines[:n], ""))); err == nil {
			return n + 1
		}
	}
	return 1
}

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

// yamlError describes why a YAML config file does not parse, keeping only
// the line number from the parser's message.
func yamlError(path string, err error) error {
	where := ""
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		where = "line " + m[1] + ": "
	}
	return fmt.Errorf("%w: config file %s: %snot valid YAML (the file's text is not shown)", ErrInvalid, path, where)
}

var keyNameRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// unknownKeyError names a key only when it looks like one: a typo such as
// databse_url helps, a secret pasted in the wrong place must not show.
func unknownKeyError(path, key string) error {
	if keyNameRE.MatchString(key) {
		return fmt.Errorf("%w: config file %s: unknown key %q", ErrInvalid, path, key)
	}
	return fmt.Errorf("%w: config file %s: an unknown key that is not a setting name (the file's text is not shown)", ErrInvalid, path)
}
