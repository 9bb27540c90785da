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

// levels are the layers of docs/architecture.md, lowest first: a package
// imports only packages of a lower level, and a package's helpers for
// tests (pkg/database/dbtest…) import their parent.
var levels = [][]string{
	{"pkg/target", "pkg/output", "pkg/password", "sql", "internal"},
	{"pkg/database", "pkg/token"},
	{"pkg/audit", "pkg/schema", "pkg/backup"},
	{"pkg/usermigrate", "pkg/integrity", "pkg/metrics", "pkg/notify", "pkg/smoke"},
	{"pkg/migration"},
	{"pkg/config"},
	{"pkg/cli"},
	{"cmd", "bench", ""},
}

// levelOf is the level of the longest directory in levels holding path.
func levelOf(t *testing.T, path string) (level int, dir string) {
	level = -1
	for l, dirs := range levels {
		for _, d := range dirs {
			in := d == "" && path == module || d != "" && under(path, d)
			if in && (level < 0 || len(d) > len(dir)) {
				level, dir = l, d
			}
		}
	}
	if level < 0 {
		t.Fatalf("%s is in no layer of docs/architecture.md: add it to levels", path)
	}
	return level, dir
}

// TestArrowsPointDown holds every package to the layers: no import of a
// package on its own level or above, so pkg/migration is the only writer's
// entry below the CLI and the rule book depends on nothing.
func TestArrowsPointDown(t *testing.T) {
	output := module + "/pkg/output"
	for _, p := range listPackages(t) {
		lp, dir := levelOf(t, p.path)
		for imp := range p.imports {
			if !strings.HasPrefix(imp, module+"/") && imp != module {
				continue
			}
			li, idir := levelOf(t, imp)
			parent := idir == dir && strings.HasPrefix(p.path, imp+"/")
			if li >= lp && !parent {
				t.Errorf("%s (level %d) imports %s (level %d): arrows point down only", p.path, lp, imp, li)
			}
			if imp == output && !under(p.path, "pkg/cli") && !under(p.path, "cmd") {
				t.Errorf("%s imports pkg/output, which serves the CLI only", p.path)
			}
		}
	}
}
