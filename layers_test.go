package dhmig_test

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/dhafnckmcp/dhmig"

// drivers are the database drivers: pkg/database imports them (cmd/dhmig
// may register one too), so that every engine difference stays behind its
// Dialect and pkg/cli never reaches a driver directly.
var drivers = []string{"github.com/lib/pq", "github.com/mattn/go-sqlite3"}

// listedPackage is one package of `go list`: what it imports directly and
// everything it depends on.
type listedPackage struct {
	path    string
	imports map[string]bool
	deps    map[string]bool
}

func listPackages(t *testing.T) []listedPackage {
	t.Helper()
	out, err := exec.Command("go", "list", "-f",
		`{{.ImportPath}}|{{join .Imports ","}}|{{join .Deps ","}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	set := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, p := range strings.Split(s, ",") {
			if p != "" {
				m[p] = true
			}
		}
		return m
	}
	var pkgs []listedPackage
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "|")
		if len(f) != 3 {
			t.Fatalf("go list line %q", line)
		}
		pkgs = append(pkgs, listedPackage{path: f[0], imports: set(f[1]), deps: set(f[2])})
	}
	if len(pkgs) < 10 {
		t.Fatalf("go list found %d packages", len(pkgs))
	}
	return pkgs
}

func under(path, dir string) bool {
	p := module + "/" + dir
	return path == p || strings.HasPrefix(path, p+"/")
}

// The layers of DESIGN.md, as the compiler sees them: configuration serves
// the CLI only, the database package (its test helpers included) depends
// on no configuration, and drivers are registered by pkg/database alone.
func TestLayers(t *testing.T) {
	config := module + "/pkg/config"
	pkgs := listPackages(t)
	seen := map[string]bool{}
	for _, p := range pkgs {
		seen[p.path] = true
	}
	for _, want := range []string{"pkg/cli", "pkg/config", "pkg/database", "pkg/database/dbtest", "cmd/legacygen", "bench"} {
		if !seen[module+"/"+want] {
			t.Fatalf("go list did not list %s: the rules below would hold vacuously", want)
		}
	}
	for _, p := range pkgs {
		mayUseConfig := under(p.path, "pkg/cli") || under(p.path, "pkg/config") ||
			(under(p.path, "cmd") && !under(p.path, "cmd/legacygen"))
		if p.deps[config] && !mayUseConfig {
			t.Errorf("%s depends on pkg/config: only pkg/cli and the commands may", p.path)
		}
		mayUseDriver := (under(p.path, "pkg/database") && !under(p.path, "pkg/database/dbtest")) || under(p.path, "cmd/dhmig")
		for _, d := range drivers {
			if p.imports[d] && !mayUseDriver {
				t.Errorf("%s imports the driver %s: only pkg/database and cmd/dhmig may", p.path, d)
			}
		}
	}
}
