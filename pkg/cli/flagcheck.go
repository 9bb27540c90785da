package cli

import (
	"os"
	"path/filepath"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// Flags are checked in a command's RunE before anything connects: a bad
// value is the operator's mistake (exit 2, naming the flag), not an error
// from inside a copy or a query halfway through a run (exit 1).

// identFlag checks a flag that names a table or column.
func identFlag(flag, value string) error {
	if err := database.ValidateIdent(value); err != nil {
		return usageErrorf("%s: %v", flag, err)
	}
	return nil
}

// outputFileFlag checks a flag naming a file dhmig will write and whose
// directory it does not create (--rejects does): the directory must exist,
// so that a typo does not surface after the work.
func outputFileFlag(flag, path string) error {
	if path == "" {
		return nil
	}
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return usageErrorf("%s %s: directory %s does not exist", flag, path, dir)
	}
	return nil
}
