#!/bin/bash
# make test-load: the backend's mix of calls under load, with the
# maintenance running the whole time, and nothing lost.
#
# In a throwaway cluster (pg_virtualenv; clients connect over loopback TCP,
# localhost only) with the installed extension (make install): a database
# populated by test/load/setup.sql (60 tenants, 20,000 guests registered in
# national, international and WhatsApp spellings, 2,600 users with password
# backlogs and sessions, lock events), then for LOAD_SECONDS (default 60):
#
#   - LOAD_CLIENTS (default 8) pgbench clients as the backend's role
#     (grant_backend_access), running the weighted scripts below; every
#     answer is checked in the script itself (load.expect: a wrong answer is
#     an error);
#   - one pgbench client as the operator's role (grant_backend_access with
#     include_operations) calling run_maintenance() over and over.
#
# It fails unless: pgbench finished with no client aborted (any error but a
# retryable one aborts a client) and no failed transaction; the server log
# shows no error other than 40001 (the documented serialization failure of
# a password change in REPEATABLE READ, retried by pgbench with --max-tries),
# no deadlock, no crash; and test/load/check.sql holds (the password-history
# bound for every user, every lock event and identifier the load wrote is
# there, what the maintenance may delete is gone and nothing else).
# Prints each script's transactions and TPS, the totals, the maintenance
# runs, and the errors by SQLSTATE. Logs: build/load/<LOAD_BUILD>/.
# LOAD_BUILD=extension (default) loads the C build; LOAD_BUILD=script the
# pure-SQL build (make test-load runs both, one after the other).
set -euo pipefail
cd "$(dirname "$0")/../.."
export LC_ALL=C.UTF-8
PG_VERSION=${PG_VERSION:-15}
LOAD_SECONDS=${LOAD_SECONDS:-60}
LOAD_CLIENTS=${LOAD_CLIENTS:-8}
# extension (CREATE EXTENSION, the C build) or script (the pure-SQL build,
# sql/supabase/hotel_agent--<version>.sql, as on Supabase)
LOAD_BUILD=${LOAD_BUILD:-extension}
case "$LOAD_BUILD" in extension | script) ;; *) echo "load: LOAD_BUILD must be extension or script" >&2; exit 2 ;; esac
export LOAD_BUILD
OUT=build/load/$LOAD_BUILD
GUESTS=20000

# The backend's mix, script@weight: per 100 transactions, 40 messages
# resolved, 10 with the hotel's details, 30 session checks, 12 lock
# events, 4 password changes (1 of them in REPEATABLE READ), 4 guests
# registered.
MIX=(resolve_tenant@40 resolve_tenant_info@10 session_is_active@30 lock_event@12
	password_change@3 password_change_rr@1 add_identifier@4)
# The SQLSTATEs a backend must retry, and the only errors allowed in the
# server log: 40001, a password change in REPEATABLE READ whose user's history
# another change committed after the snapshot (README, Password history).
# (The pure-SQL build raises PostgreSQL's own 40001, "could not serialize
# access due to concurrent delete", where the C code raises its message.)
# Every other script runs in READ COMMITTED and is designed to have none:
# the identifiers added are new keys of a range of their own, never one key
# twice nor two spellings of one guest, so 23505 cannot happen.
RETRYABLE='40001'

if [ "${1:-}" != --in-cluster ]; then
	rm -rf "$OUT"
	mkdir -p "$OUT"
	start=$SECONDS
	rc=0
	pg_virtualenv -t -v "$PG_VERSION" -i '--encoding=UTF8 --locale=C.UTF-8' \
		-o TimeZone=UTC -o listen_addresses=localhost \
		bash "$0" --in-cluster || rc=$?
	echo "load: took $((SECONDS - start))s"
	exit $rc
fi

bindir=/usr/lib/postgresql/$PG_VERSION/bin
psql() { "$bindir/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }
log=$(dirname "$PG_CLUSTER_CONF_ROOT")/log/postgresql-$PG_VERSION-regress.log
[ -f "$log" ] || { echo "load: server log not found at $log"; exit 1; }
rc=0
fail() {
	echo "load: FAILED: $*"
	rc=1
}

start=$SECONDS
psql -d postgres -c "ALTER SYSTEM SET log_line_prefix = '%m [%p] %u sqlstate=%e '" \
	-c 'ALTER SYSTEM SET log_lock_waits = on' -c 'SELECT pg_reload_conf()' >/dev/null
psql -d postgres -c 'CREATE DATABASE load'
if [ "$LOAD_BUILD" = script ]; then
	version=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" hotel_agent.control)
	psql -d load -f "sql/supabase/hotel_agent--$version.sql" >/dev/null
else
	psql -d load -c 'CREATE EXTENSION hotel_agent'
fi
echo "load: hotel_agent $(psql -d load -At -c 'SELECT hotel_agent.version() || $$ ($$ || hotel_agent.install_mode() || $$)$$')"
psql -d load -v guests=$GUESTS -v password="$PGPASSWORD" -f test/load/setup.sql >"$OUT/setup.out"
# The set-up checks its own data before the load: no key stored otherwise
# than load.guest says, no spelling resolving otherwise.
grep -qx ' *0' <(sed -n '/wrong_keys/,+2p' "$OUT/setup.out" | tail -n 1) ||
	fail "set-up: keys not stored as expected ($OUT/setup.out)"
grep -qx ' *0' <(sed -n '/wrong_answers/,+2p' "$OUT/setup.out" | tail -n 1) ||
	fail "set-up: spellings not resolving as expected ($OUT/setup.out)"
[ $rc = 0 ] || exit 1
echo "load: set-up $(psql -d load -At -c "SELECT format('%s tenants, %s identifiers, %s users, %s password hashes, %s sessions, %s lock events',
	(SELECT count(*) FROM tenants), (SELECT count(*) FROM tenant_user_identifiers), (SELECT count(*) FROM users),
	(SELECT count(*) FROM password_history), (SELECT count(*) FROM user_sessions), (SELECT count(*) FROM lock_audit))")" \
	"($((SECONDS - start))s)"

scripts=()
for s in "${MIX[@]}"; do
	scripts+=(-f "test/load/${s%@*}.sql@${s#*@}")
done
log_start=$(($(wc -l <"$log") + 1))
# A marker: the log read below is this server's, and it logs.
psql -d load -c "DO \$\$BEGIN RAISE LOG 'load: start of the load'; END\$\$"
echo "load: $LOAD_CLIENTS clients for ${LOAD_SECONDS}s (${MIX[*]}), run_maintenance() in a loop beside them"
# The maintenance in a client of its own, as the operator. pgbench stops a
# client between transactions only: a client stuck in a lock would hang the
# run, so both are cut off two minutes after the end (exit 124).
cap=$((LOAD_SECONDS + 120))
PGUSER=load_ops timeout "$cap" "$bindir/pgbench" -n -c 1 -j 1 -T "$LOAD_SECONDS" \
	-f test/load/maintenance.sql load >"$OUT/maintenance.out" 2>&1 &
maintenance=$!
set +e
PGUSER=load_backend timeout "$cap" "$bindir/pgbench" -n -c "$LOAD_CLIENTS" -j 2 -T "$LOAD_SECONDS" \
	--max-tries=10 --failures-detailed --random-seed=1 -D guests=$GUESTS \
	"${scripts[@]}" load >"$OUT/pgbench.out" 2>&1
mix_rc=$?
wait $maintenance
maintenance_rc=$?
set -e
tail -n +"$log_start" "$log" >"$OUT/server.log"
grep -q 'load: start of the load' "$OUT/server.log" || fail "the server log ($log) is not this server's"

# pgbench exits 0 when every client ran to the end; 2 when a client was
# aborted by an error it does not retry (a wrong answer, any SQLSTATE but
# 40001 and 40P01), with the message on stderr.
[ $mix_rc = 0 ] || { fail "pgbench (the backend's mix) exited with $mix_rc:"; grep -iE 'error|abort' "$OUT/pgbench.out" | head -n 20; }
[ $maintenance_rc = 0 ] || { fail "pgbench (the maintenance) exited with $maintenance_rc:"; grep -iE 'error|abort' "$OUT/maintenance.out" | head -n 20; }

# What pgbench counted: per script, its transactions and TPS; the totals,
# failed transactions and retries.
field() { sed -nE "s/^$1 *[:=] *([0-9.]+).*/\\1/p" "$2" | head -n 1; }
awk '
	/^SQL script [0-9]+:/ { name = $4; sub(/.*\//, "", name); sub(/\.sql$/, "", name) }
	/^ - [0-9]+ transactions/ && name != "" { tx = $2; tps = $0; sub(/.*tps = /, "", tps); sub(/\).*/, "", tps) }
	/^ - number of transactions retried:/ && name != "" {
		printf "load: %-20s %8d transactions  %8.1f tps  %5d retried\n", name, tx, tps, $6
		name = ""
	}' "$OUT/pgbench.out"
total=$(field 'number of transactions actually processed' "$OUT/pgbench.out")
failed=$(field 'number of failed transactions' "$OUT/pgbench.out")
retried=$(field 'number of transactions retried' "$OUT/pgbench.out")
retries=$(field 'total number of retries' "$OUT/pgbench.out")
tps=$(sed -nE 's/^tps = ([0-9.]+) .*/\1/p' "$OUT/pgbench.out" | head -n 1)
maintenance_runs=$(field 'number of transactions actually processed' "$OUT/maintenance.out")
maintenance_failed=$(field 'number of failed transactions' "$OUT/maintenance.out")
echo "load: total ${total:-?} transactions, ${tps:-?} tps; ${retried:-0} retried (${retries:-0} retries), ${failed:-?} failed"
echo "load: run_maintenance(): ${maintenance_runs:-?} runs, ${maintenance_failed:-?} failed"
[ "${failed:-x}" = 0 ] || fail "${failed:-an unknown number of} transactions failed (retries exhausted or not retryable)"
[ -n "${total:-}" ] && [ "$total" -gt 0 ] || fail "pgbench reported no transactions"
[ -n "${maintenance_runs:-}" ] && [ "$maintenance_runs" -gt 0 ] || fail "run_maintenance() never completed"
[ "${maintenance_failed:-x}" = 0 ] || fail "${maintenance_failed:-an unknown number of} runs of run_maintenance() failed"

# The server's view: every error by SQLSTATE (retried ones included), no
# deadlock, no crash.
codes=$(grep -oE 'sqlstate=[0-9A-Z]{5} ERROR:' "$OUT/server.log" | cut -c10-14 | sort | uniq -c | sort -rn || true)
echo "load: errors in the server log by SQLSTATE: $(echo ${codes:-none})"
while read -r n code; do
	[ -z "$code" ] && continue
	if grep -qw "$code" <<<"$RETRYABLE"; then
		# Which retryable error it was, by message.
		sed -nE "s/.* sqlstate=$code ERROR: +//p" "$OUT/server.log" | sort | uniq -c |
			sed -E "s/^ *([0-9]+) /load:   $code x\1: /"
	else
		fail "SQLSTATE $code ($n times) is not a documented retryable error:"
		grep -m 3 -A 2 "sqlstate=$code ERROR:" "$OUT/server.log"
	fi
done <<<"$codes"
grep -q 'deadlock detected' "$OUT/server.log" && fail "deadlocks: $(grep -c 'deadlock detected' "$OUT/server.log")"
grep -qE 'terminated by signal|PANIC:|server process .* exited with exit code [1-9]|was terminated by' "$OUT/server.log" &&
	fail "the server crashed: $(grep -m 1 -E 'terminated by signal|PANIC:|exited with exit code' "$OUT/server.log")"
waits=$(grep -c 'still waiting for' "$OUT/server.log" || true)
echo "load: lock waits over deadlock_timeout (1s): $waits"

# After the load: the bound, and nothing lost.
lock_tx=$(awk '/^SQL script [0-9]+: test\/load\/lock_event.sql/ { f = 1 } f && /^ - [0-9]+ transactions/ { print $2; exit }' "$OUT/pgbench.out")
add_tx=$(awk '/^SQL script [0-9]+: test\/load\/add_identifier.sql/ { f = 1 } f && /^ - [0-9]+ transactions/ { print $2; exit }' "$OUT/pgbench.out")
psql -d load -At -F ' ' -v lock_tx="${lock_tx:-0}" -v add_tx="${add_tx:-0}" -v clients="$LOAD_CLIENTS" -f test/load/check.sql >"$OUT/check.out"
while read -r name verdict detail; do
	echo "load: check $name: $verdict ($detail)"
	[ "$verdict" = ok ] || fail "check $name"
done <"$OUT/check.out"
[ -s "$OUT/check.out" ] || fail "test/load/check.sql printed nothing"

[ $rc = 0 ] && echo "load: ok" || echo "load: FAILED (logs: $OUT/)"
exit $rc
