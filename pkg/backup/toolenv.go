package backup

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/dhafnckmcp/dhmig/pkg/database"
)

// toolEnv is the environment of a PostgreSQL client program. Secrets never
// go on its command line, where any local user reads them with ps: the
// password travels in PGPASSWORD, and sslpassword (libpq reads it from no
// variable) in a connection service file of mode 0600 in a private
// directory, named by PGSERVICEFILE. An inline sslkey (lib/pq's sslinline)
// is not passed at all: libpq knows no sslinline. Call cleanup once the
// program has exited.
func toolEnv(t database.Target) (env []string, cleanup func(), err error) {
	cleanup = func() {}
	drop := map[string]bool{}
	var add []string
	if pw := t.EffectivePassword(); pw != "" {
		drop["PGPASSWORD"] = true
		add = append(add, "PGPASSWORD="+pw)
	}
	var service []string
	for k, v := range t.Params {
		if strings.EqualFold(k, "sslpassword") {
			if strings.ContainsAny(v, "\r\n") {
				return nil, cleanup, fmt.Errorf("database URL: parameter %s holds a line break, which PostgreSQL's client tools cannot be given", k)
			}
			service = append(service, strings.ToLower(k)+"="+v)
		}
	}
	if len(service) > 0 {
		dir, err := os.MkdirTemp("", "dhmig-pgservice-") // mode 0700
		if err != nil {
			return nil, cleanup, err
		}
		cleanup = func() { os.RemoveAll(dir) }
		path := filepath.Join(dir, "pg_service.conf")
		body := "[dhmig]\n" + strings.Join(service, "\n") + "\n"
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			cleanup()
			return nil, func() {}, err
		}
		drop["PGSERVICEFILE"], drop["PGSERVICE"] = true, true
		add = append(add, "PGSERVICEFILE="+path, "PGSERVICE=dhmig")
	}
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); !drop[k] {
			env = append(env, kv)
		}
	}
	return append(env, add...), cleanup, nil
}
