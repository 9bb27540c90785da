package schema

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Migration is one version of the schema: its up and down SQL.
type Migration struct {
	Version  int    `json:"version"`
	Name     string `json:"name"`
	Up       string `json:"-"`
	Down     string `json:"-"`
	UpFile   string `json:"up_file"`
	DownFile string `json:"down_file"`
	// Checksum is the sha256 of the up file with line endings normalised.
	Checksum string `json:"checksum"`
}

var fileRE = regexp.MustCompile(`^(\d{4})_([a-z0-9_]+)\.(up|down)\.sql$`)

// Checksum is the sha256 of SQL text with CRLF and CR line endings turned
// into LF, so a checkout on Windows does not look like drift.
func Checksum(text string) string {
	norm := strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	sum := sha256.Sum256([]byte(norm))
	return hex.EncodeToString(sum[:])
}

// Load reads the migrations of one dialect directory of fsys. Every version
// must have both files and versions must be unique.
func Load(fsys fs.FS, dir string) ([]Migration, string, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, "", fmt.Errorf("read schema files %s: %w", dir, err)
	}
	byVersion := map[int]*Migration{}
	for _, e := range entries {
		m := fileRE.FindStringSubmatch(e.Name())
		if m == nil || e.IsDir() {
			continue
		}
		v, _ := strconv.Atoi(m[1])
		body, err := fs.ReadFile(fsys, dir+"/"+e.Name())
		if err != nil {
			return nil, "", fmt.Errorf("read %s/%s: %w", dir, e.Name(), err)
		}
		mig := byVersion[v]
		if mig == nil {
			mig = &Migration{Version: v, Name: m[2]}
			byVersion[v] = mig
		} else if mig.Name != m[2] {
			return nil, "", fmt.Errorf("schema files %s: version %04d has two names, %q and %q", dir, v, mig.Name, m[2])
		}
		if m[3] == "up" {
			mig.Up, mig.UpFile, mig.Checksum = string(body), dir+"/"+e.Name(), Checksum(string(body))
		} else {
			mig.Down, mig.DownFile = string(body), dir+"/"+e.Name()
		}
	}
	out := make([]Migration, 0, len(byVersion))
	for _, m := range byVersion {
		if m.UpFile == "" || m.DownFile == "" {
			return nil, "", fmt.Errorf("schema files %s: version %04d_%s needs both .up.sql and .down.sql", dir, m.Version, m.Name)
		}
		out = append(out, *m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	history, err := fs.ReadFile(fsys, dir+"/history.sql")
	if errors.Is(err, fs.ErrNotExist) {
		// A target's set shares its engine's history.sql (NewFor).
		return out, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("read %s/history.sql: %w", dir, err)
	}
	return out, string(history), nil
}
