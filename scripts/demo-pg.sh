#!/usr/bin/env bash
# make demo-pg: the "move to PostgreSQL while migrating" runbook — legacy
# users read from the demo's SQLite file, the auth schema written to a fresh
# PostgreSQL database (dhmig_demo) on DHMIG_TEST_POSTGRES_URL's server. The
# SQLite file is only read: its checksum is the same at the end. Needs
# bin/dhmig, bin/legacygen (make build) and psql.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${DEMO_DIR:-$root/demo-pg}
rows=${DEMO_ROWS:-3000}
admin=${DHMIG_TEST_POSTGRES_URL:?set DHMIG_TEST_POSTGRES_URL to a server where the demo may create a database}
name=${DEMO_PG_DATABASE:-dhmig_demo}
dhmig="$root/bin/dhmig"

# The target: the server's URL with the demo database's name in its path.
base=${admin%%\?*}
query=""
[[ $admin == *\?* ]] && query="?${admin#*\?}"
target="${base%/*}/$name$query"

rm -rf "$dir" && mkdir -p "$dir" && cd "$dir"
export MIGRATION_LOG="$dir/migration.log"

step() { printf '\n$ %s\n' "$*" >&2; }
run() { step "dhmig $*"; "$dhmig" "$@"; }

step "legacygen --rows $rows --dirty-share 0.01   # the legacy DhafnckMCP SQLite file"
"$root/bin/legacygen" --database-url sqlite:///./dhafnck_mcp.db --rows "$rows" --dirty-share 0.01
before=$(sha256sum dhafnck_mcp.db)

step "psql: a fresh, empty PostgreSQL database $name"
psql --no-psqlrc --quiet --dbname="$admin" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" -c "CREATE DATABASE $name"

# Read the legacy table from the file, write everything to PostgreSQL.
export DATABASE_URL="$target" DHMIG_SOURCE_URL="sqlite:///./dhafnck_mcp.db"
run doctor
run backup   # of the empty target: the backup the gate and a rollback use
policies=(--on-conflict skip --unsupported-hash reset --bcrypt-cost 10)
run migrate --dry-run "${policies[@]}"
run migrate --execute "${policies[@]}"
run verify
run metrics
run history

step "sha256sum dhafnck_mcp.db   # the SQLite file was only read"
after=$(sha256sum dhafnck_mcp.db)
echo "$after"
if [[ $before != "$after" ]]; then echo "the source file changed" >&2; exit 1; fi
step "done: users are in PostgreSQL database $name; backups, rejects reports and migration.log are in $dir"
