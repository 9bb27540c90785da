#!/usr/bin/env bash
# make demo: the operator's whole flow on the embedded SQLite default, in a
# scratch directory. Needs bin/dhmig and bin/legacygen (make build).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${DEMO_DIR:-$root/demo}
rows=${DEMO_ROWS:-3000}
dhmig="$root/bin/dhmig"

rm -rf "$dir" && mkdir -p "$dir" && cd "$dir"
export MIGRATION_LOG="$dir/migration.log"

step() { printf '\n$ %s\n' "$*" >&2; }
run() { step "dhmig $*"; "$dhmig" "$@"; }

step "legacygen --rows $rows --dirty-share 0.01   # a legacy DhafnckMCP database with a few dirty rows"
"$root/bin/legacygen" --database-url sqlite:///./dhafnck_mcp.db --rows "$rows" --dirty-share 0.01

run doctor
run backup
run backup list

step "dhmig migrate --dry-run   # default policies: dirty rows stop the run (exit 3), nothing is written"
if "$dhmig" migrate --dry-run --quiet; then echo "unexpected: the dirty rows were not reported" >&2; exit 1; else echo "exit $? (as expected)"; fi

policies=(--on-conflict skip --unsupported-hash reset --bcrypt-cost 10)
run migrate --dry-run "${policies[@]}"
run migrate --execute "${policies[@]}"

step "head -3 dhmig-rejects-*.ndjson   # ids and codes only: no email, hash or password"
head -n 3 dhmig-rejects-*.ndjson | tail -n 3

run verify
run metrics
run history
step "done: the demo database, backups, rejects reports and migration.log are in $dir"
