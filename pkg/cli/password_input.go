package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/dhafnckmcp/dhmig/pkg/output"
)

// maxPasswordFile bounds a --password-file: a password, not a dump.
const maxPasswordFile = 4096

// readPasswordFile reads a test account's password from a file: its first
// line, without the line break (other blanks are part of the password).
// Neither the password nor the file's content reaches any message.
func readPasswordFile(flag, path string) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, usageErrorf("%s %s: %v", flag, path, errors.Unwrap(err))
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, maxPasswordFile+1))
	switch {
	case err != nil:
		return nil, usageErrorf("%s %s: cannot read it", flag, path)
	case len(b) > maxPasswordFile:
		return nil, usageErrorf("%s %s: longer than %d bytes, so not a password file", flag, path, maxPasswordFile)
	}
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	b = bytes.TrimSuffix(b, []byte("\r"))
	if len(b) == 0 {
		return nil, usageErrorf("%s %s: the first line is empty", flag, path)
	}
	return b, nil
}

// smokePassword finds the test account's password: --password-file, then
// DHMIG_SMOKE_PASSWORD, then a prompt without echo on a terminal. It is
// never a flag value (shell history, the process list).
func (f *Factory) smokePassword(file string) ([]byte, error) {
	if file != "" {
		return readPasswordFile("--password-file", file)
	}
	if v := f.getenv(envSmokePassword); v != "" {
		return []byte(v), nil
	}
	pw, err := f.IO.ReadSecret("Password for the test account: ")
	switch {
	case errors.Is(err, output.ErrNoTerminal):
		return nil, usageErrorf("no password: give --password-file, set %s, or run on a terminal to be asked", envSmokePassword)
	case err != nil:
		return nil, fmt.Errorf("read the password: %w", err)
	case len(pw) == 0:
		return nil, usageErrorf("the password is empty")
	}
	return pw, nil
}

// envSmokePassword carries the test account's password for scripts.
const envSmokePassword = "DHMIG_SMOKE_PASSWORD"
