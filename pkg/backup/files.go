package backup

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
)

// createFile creates a new 0600 file whatever the umask.
func createFile(path string) (*os.File, error) {
	fh, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	if err := fh.Chmod(0o600); err != nil {
		fh.Close()
		return nil, err
	}
	return fh, nil
}

// writeFileSync writes a new 0600 file and flushes it to disk.
func writeFileSync(path string, data []byte) error {
	fh, err := createFile(path)
	if err != nil {
		return err
	}
	if _, err := fh.Write(data); err != nil {
		fh.Close()
		return err
	}
	if err := fh.Sync(); err != nil {
		fh.Close()
		return err
	}
	return fh.Close()
}

// copyInto copies src to a new 0600 file dst, returning its size and sha256.
func copyInto(dst, src string) (int64, string, error) {
	in, err := os.Open(src)
	if err != nil {
		return 0, "", err
	}
	defer in.Close()
	out, err := createFile(dst)
	if err != nil {
		return 0, "", err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return n, hex.EncodeToString(h.Sum(nil)), err
}

// hashFile returns a file's size and sha256.
func hashFile(path string) (int64, string, error) {
	fh, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer fh.Close()
	h := sha256.New()
	n, err := io.Copy(h, fh)
	return n, hex.EncodeToString(h.Sum(nil)), err
}

// mkdirs creates the directories of rel below root, each 0700.
func mkdirs(root, rel string) error {
	dir := root
	for _, part := range splitPath(filepath.Dir(rel)) {
		dir = filepath.Join(dir, part)
		if err := os.Mkdir(dir, 0o700); err != nil && !os.IsExist(err) {
			return err
		}
	}
	return nil
}

func splitPath(p string) []string {
	if p == "." || p == "" {
		return nil
	}
	dir, base := filepath.Split(filepath.Clean(p))
	return append(splitPath(filepath.Clean(dir)), base)
}

func modeString(m fs.FileMode) string { return fmt.Sprintf("%04o", m.Perm()) }

func parseMode(s string) fs.FileMode {
	n, err := strconv.ParseUint(s, 8, 32)
	if err != nil {
		return 0o600
	}
	return fs.FileMode(n).Perm()
}

// copyHashed copies r to w and returns the sha256 of what was copied.
func copyHashed(w io.Writer, r io.Reader) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(w, h), r); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
