#!/usr/bin/env bash
# bench-readside.sh — time dhmig's read side against what the database does
# by itself, on the same data, in one invocation (issue 8's verify, metrics
# and backup targets).
#
#   scripts/bench-readside.sh                      # SQLite, and PostgreSQL when PG_URL is set
#   PG_URL=postgres://postgres@127.0.0.1:5432/vp_big?sslmode=disable scripts/bench-readside.sh
#
# For each engine, RUNS times (default 3), alternating baseline and dhmig:
#   guide    the guide's two troubleshooting queries, by the database's own
#            client: psql; for SQLite scripts/readbench (the driver dhmig
#            uses, same SQLite version) and, for reference, the sqlite3 shell
#   verify   dhmig verify -o json
#   metrics  dhmig metrics -o json
#   backup   dhmig backup   vs   the bare tool it wraps, checksum included:
#            pg_dump -Fc + sha256sum; SQLite's online backup API + sha256
#            (scripts/readbench backup)
# and prints the medians, the ratios dhmig/baseline, and the load average.
#
# DHMIG_BEFORE=/path/to/an/older/dhmig adds that binary's verify, metrics
# and backup to the same alternating runs, for before/after figures.
#
# Fixtures: SQLITE_DB (default /tmp/dhmig-readside/big.db) is built when
# missing with BENCH_ROWS legacy users (default 1000000, all bcrypt), schema
# up and migrate-users --execute. PG_URL must name an existing database; it
# is filled the same way when it has no auth_users table. Nothing is
# dropped: remove the fixtures yourself (rm, dropdb) when done.
set -euo pipefail

cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
ROWS=${BENCH_ROWS:-1000000}
SQLITE_DB=${SQLITE_DB:-/tmp/dhmig-readside/big.db}
WORK=${WORK:-$(dirname "$SQLITE_DB")/work}
DHMIG=${DHMIG:-bin/dhmig}
LEGACYGEN=${LEGACYGEN:-bin/legacygen}
READBENCH=${READBENCH:-bin/readbench}

[ -x "$DHMIG" ] && [ -x "$LEGACYGEN" ] || make build >/dev/null
go build -o "$READBENCH" ./scripts/readbench
mkdir -p "$WORK"

now() { date +%s.%N; }
# elapsed CMD...: runs CMD with stdout and stderr discarded, prints seconds.
elapsed() {
	local t0 t1
	t0=$(now)
	"$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
	t1=$(now)
	printf '%.3f' "$(echo "$t1 - $t0" | bc -l)"
}
median() { tr ' ' '\n' | sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f", m}'; }
ratio() { echo "scale=2; $1 / $2" | bc -l; }

fixture() { # URL
	local url=$1
	if ! "$DHMIG" --database-url "$url" schema status >/dev/null 2>&1 ||
		! "$DHMIG" --database-url "$url" metrics -o json --quiet >/dev/null 2>&1; then
		echo "building the fixture: $ROWS legacy users in $url" >&2
		"$LEGACYGEN" --database-url "$url" --rows "$ROWS" --null-hash-share 0 --replace
		"$DHMIG" --database-url "$url" schema up --quiet
		"$DHMIG" --database-url "$url" migrate-users --execute --quiet --no-progress >/dev/null
	fi
}

declare -A T
# measure ENGINE NAME CMD...: appends one timing.
measure() {
	local key="$1/$2"
	shift 2
	T[$key]="${T[$key]:-} $(elapsed "$@")"
}

backup_dhmig() { # URL [BINARY]
	rm -rf "$WORK/backups"
	"${2:-$DHMIG}" --database-url "$1" backup --backup-dir "$WORK/backups" --quiet
}
backup_bare_sqlite() {
	rm -f "$WORK/bare.db"
	"$READBENCH" backup "$SQLITE_DB" "$WORK/bare.db"
}
backup_bare_pg() {
	pg_dump -Fc --no-password --file="$WORK/bare.dump" --dbname="$PG_URL" && sha256sum "$WORK/bare.dump"
}
guide_psql() {
	psql -X -q --no-psqlrc "$PG_URL" -c 'SELECT email, COUNT(*) FROM auth_users GROUP BY email HAVING COUNT(*) > 1;' \
		-c 'SELECT * FROM auth_users WHERE email IS NULL OR username IS NULL;'
}
guide_sqlite3() {
	sqlite3 "file:$SQLITE_DB?mode=ro" 'SELECT email, COUNT(*) FROM auth_users GROUP BY email HAVING COUNT(*) > 1;' \
		'SELECT * FROM auth_users WHERE email IS NULL OR username IS NULL;'
}

run_engine() { # ENGINE URL
	local e=$1 url=$2
	echo "== $e: $url ($RUNS runs, alternating; load before: $(cut -d' ' -f1-3 /proc/loadavg))"
	"$DHMIG" --database-url "$url" verify -o json --quiet >/dev/null # warm the cache once
	for i in $(seq "$RUNS"); do
		if [ "$e" = sqlite ]; then
			measure "$e" guide "$READBENCH" guide "$SQLITE_DB"
			if command -v sqlite3 >/dev/null; then measure "$e" guide_sqlite3 guide_sqlite3; fi
		else
			measure "$e" guide guide_psql
		fi
		measure "$e" verify "$DHMIG" --database-url "$url" verify -o json --quiet
		measure "$e" metrics "$DHMIG" --database-url "$url" metrics -o json --quiet
		if [ "$e" = sqlite ]; then measure "$e" backup_bare backup_bare_sqlite; else measure "$e" backup_bare backup_bare_pg; fi
		measure "$e" backup backup_dhmig "$url"
		if [ -n "${DHMIG_BEFORE:-}" ]; then
			measure "$e" verify_before "$DHMIG_BEFORE" --database-url "$url" verify -o json --quiet
			measure "$e" metrics_before "$DHMIG_BEFORE" --database-url "$url" metrics -o json --quiet
			measure "$e" backup_before backup_dhmig "$url" "$DHMIG_BEFORE"
		fi
		echo "   run $i done (load $(cut -d' ' -f1-3 /proc/loadavg))"
	done
	local g v m bb b
	g=$(echo "${T[$e/guide]}" | median)
	v=$(echo "${T[$e/verify]}" | median)
	m=$(echo "${T[$e/metrics]}" | median)
	bb=$(echo "${T[$e/backup_bare]}" | median)
	b=$(echo "${T[$e/backup]}" | median)
	echo "   median seconds (every run)"
	printf '   %-8s %-22s\n' guide "$g (${T[$e/guide]# })"
	if [ -n "${T[$e/guide_sqlite3]:-}" ]; then
		printf '   %-8s %-22s\n' "(sqlite3 shell)" "$(echo "${T[$e/guide_sqlite3]}" | median) (${T[$e/guide_sqlite3]# })"
	fi
	printf '   %-8s %-22s ratio %s (target <= 3)\n' verify "$v (${T[$e/verify]# })" "$(ratio "$v" "$g")"
	printf '   %-8s %-22s ratio %s (target <= 1.5)\n' metrics "$m (${T[$e/metrics]# })" "$(ratio "$m" "$g")"
	printf '   %-8s %-22s\n' "bare bkp" "$bb (${T[$e/backup_bare]# })"
	printf '   %-8s %-22s ratio %s (target <= 1.5)\n' backup "$b (${T[$e/backup]# })" "$(ratio "$b" "$bb")"
	if [ -n "${DHMIG_BEFORE:-}" ]; then
		local k x
		for k in verify metrics backup; do
			x=$(echo "${T[$e/${k}_before]}" | median)
			printf '   %-8s %-22s (before: %s)\n' "$k" "$x (${T[$e/${k}_before]# })" "$DHMIG_BEFORE"
		done
	fi
}

fixture "sqlite:///$SQLITE_DB"
run_engine sqlite "sqlite:///$SQLITE_DB"
if [ -n "${PG_URL:-}" ]; then
	fixture "$PG_URL"
	run_engine postgres "$PG_URL"
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
