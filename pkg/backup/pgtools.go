package backup

import (
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

// Tool is a PostgreSQL client program found on PATH.
type Tool struct {
	Name    string `json:"name"`
	Path    string `json:"path"`
	Version string `json:"version"`
	Major   int    `json:"major"`
}

var toolVersionRE = regexp.MustCompile(`\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?`)

// FindTool locates pg_dump, pg_restore or psql and reads its version.
func FindTool(ctx context.Context, name string) (Tool, error) {
	path, err := exec.LookPath(name)
	if err != nil {
		return Tool{Name: name}, fmt.Errorf("%s not found on PATH: install the PostgreSQL client tools (Debian: apt-get install postgresql-client)", name)
	}
	out, err := exec.CommandContext(ctx, path, "--version").Output()
	if err != nil {
		return Tool{Name: name, Path: path}, fmt.Errorf("%s --version: %w", path, err)
	}
	return parseToolVersion(name, path, string(out))
}

func parseToolVersion(name, path, out string) (Tool, error) {
	m := toolVersionRE.FindStringSubmatch(out)
	if m == nil {
		return Tool{Name: name, Path: path}, fmt.Errorf("%s: cannot read a version from %q", path, strings.TrimSpace(out))
	}
	major, _ := strconv.Atoi(m[1])
	v := m[1]
	if m[2] != "" {
		v += "." + m[2]
	}
	return Tool{Name: name, Path: path, Version: v, Major: major}, nil
}

// ServerMajor reads the major version from SHOW server_version output such
// as "15.20 (Debian 15.20-0+deb12u1)" or "9.6.24".
func ServerMajor(version string) (int, error) {
	f := strings.FieldsFunc(version, func(r rune) bool { return r == '.' || r == ' ' })
	if len(f) == 0 {
		return 0, fmt.Errorf("cannot read server version %q", version)
	}
	n, err := strconv.Atoi(f[0])
	if err != nil {
		return 0, fmt.Errorf("cannot read server version %q", version)
	}
	return n, nil
}

// CheckCompatible refuses a client tool older than the server: pg_dump
// cannot dump a newer server, and pg_restore cannot read its archives.
func CheckCompatible(t Tool, serverMajor int) error {
	if t.Major < serverMajor {
		return fmt.Errorf("%s %s is older than the server (PostgreSQL %d): install PostgreSQL %d client tools or newer", t.Name, t.Version, serverMajor, serverMajor)
	}
	return nil
}
