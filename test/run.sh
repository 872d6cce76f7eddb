#!/bin/bash
# Runs every test suite of hotel_agent and prints one line per stage with its
# time, then the total as "N passed, N failed". Exits non-zero on any failure.
#
# Called by `make test` after the build and `make install`. The suites that
# need a server run inside one throwaway cluster (pg_virtualenv), started with
# pg_cron preloaded; nothing outside that cluster is touched.
#
# SERVER_SUITES_ONLY=1 runs only the suites that need a server (make
# test-sanitize: the scripts check, unit tests and fuzzers do not load the
# library it builds).
set -u
cd "$(dirname "$0")/.."
# The expected outputs are UTF-8: never let an unset LANG make the
# throwaway cluster SQL_ASCII.
export LC_ALL=C.UTF-8
INITDB_OPTS="--encoding=UTF8 --locale=C.UTF-8"

PG_VERSION=${PG_VERSION:-15}
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/$PG_VERSION/bin/pg_config}
LOG_DIR=${LOG_DIR:-build/test-logs}
mkdir -p "$LOG_DIR"

passed=0
failed=0
failed_names=()

# count NAME OK: records one test result.
count() {
	if [ "$2" = ok ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failed_names+=("$1")
	fi
}

# stage NAME COMMAND...: runs a stage, logs it, prints its time.
stage() {
	local name=$1
	shift
	local start=$SECONDS
	local log="$LOG_DIR/$name.log"
	"$@" >"$log" 2>&1
	local rc=$?
	printf '%-28s %s  (%ds, log: %s)\n' "$name" "$([ $rc = 0 ] && echo ok || echo FAILED)" $((SECONDS - start)) "$log"
	[ $rc = 0 ] || tail -n 40 "$log"
	return $rc
}

# Released scripts are frozen (sql/released.sha256); the scripts of the
# version being built must be what sql/src/ assembles to; no other script.
check_sql_scripts() {
	local rc=0 version tmp f from
	version=$(sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" hotel_agent.control)
	if ! sha256sum --check --strict sql/released.sha256; then
		echo "a released script was edited: released scripts are never changed; put the change into sql/src/ and an upgrade script"
		rc=1
	fi
	tmp=$(mktemp)
	for f in sql/hotel_agent--*.sql sql/supabase/hotel_agent--*.sql; do
		local target=extension
		[[ "$f" == sql/supabase/* ]] && target=supabase
		if grep -q "  $f\$" sql/released.sha256; then
			continue
		elif [ "$f" = "${f%/*}/hotel_agent--$version.sql" ]; then
			sh tools/assemble-sql.sh install "$version" $target >"$tmp" || rc=1
		elif [[ "$f" == *"--$version.sql" ]]; then
			from=${f#*/hotel_agent--}
			from=${from%--"$version".sql}
			sh tools/assemble-sql.sh upgrade "$from" "$version" $target >"$tmp" || rc=1
		else
			echo "$f is neither released (sql/released.sha256) nor built for $version"
			rc=1
			continue
		fi
		if ! diff -u "$f" "$tmp"; then
			echo "$f is stale: run make and commit it"
			rc=1
		fi
	done
	rm -f "$tmp"
	[ -f "sql/hotel_agent--$version.sql" ] || { echo "no install script for $version"; rc=1; }
	[ -f "sql/supabase/hotel_agent--$version.sql" ] || { echo "no pure-SQL install script for $version"; rc=1; }
	return $rc
}
SERVER_SUITES_ONLY=${SERVER_SUITES_ONLY:-}
if [ -z "$SERVER_SUITES_ONLY" ]; then
	stage sql-scripts check_sql_scripts && count sql-scripts ok || count sql-scripts fail
fi

# The packaging metadata says the version being built: META.json (PGXN)
# and debian/changelog (the Debian package's upstream version) follow
# default_version; debian/control is debian/control.in for the versions of
# debian/pgversions (pg_buildext updatecontrol writes it).
check_package_metadata() {
	local rc=0 version changelog pg
	version=$(sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" hotel_agent.control)
	python3 - "$version" <<-'PY' || rc=1
		import json, os, sys
		version = sys.argv[1]
		meta = json.load(open("META.json"))
		errors = []
		for key in ("name", "abstract", "version", "maintainer", "license", "provides", "meta-spec"):
		    if key not in meta:
		        errors.append(f"META.json has no {key}")
		if meta.get("name") != "hotel_agent":
		    errors.append(f"META.json: name is {meta.get('name')!r}, not 'hotel_agent'")
		if meta.get("meta-spec", {}).get("version") != "1.0.0":
		    errors.append("META.json: meta-spec version is not 1.0.0")
		ext = meta.get("provides", {}).get("hotel_agent", {})
		for where, got in (("version", meta.get("version")), ("provides.hotel_agent.version", ext.get("version"))):
		    if got != version:
		        errors.append(f"META.json: {where} is {got!r}, hotel_agent.control's default_version is {version!r}")
		if ext.get("file") != f"sql/hotel_agent--{version}.sql" or not os.path.isfile(ext.get("file", "")):
		    errors.append(f"META.json: provides.hotel_agent.file is {ext.get('file')!r}, not the install script sql/hotel_agent--{version}.sql")
		for e in errors:
		    print(e)
		print(f"META.json: version {meta.get('version')}")
		sys.exit(1 if errors else 0)
	PY
	changelog=$(sed -n '1s/^hotel-agent (\([^)]*\)) .*/\1/p' debian/changelog)
	echo "debian/changelog: version $changelog"
	if [ "${changelog%-*}" != "$version" ]; then
		echo "debian/changelog's newest entry is ${changelog:-unreadable}, whose upstream version is not $version (hotel_agent.control): add an entry for $version-1"
		rc=1
	fi
	for pg in $(grep -E '^[0-9]+$' debian/pgversions); do
		if ! sed "s/PGVERSION/$pg/g" debian/control.in | diff -u debian/control -; then
			echo "debian/control is stale: run pg_buildext updatecontrol and commit it"
			rc=1
		fi
	done
	return $rc
}
stage package-metadata check_package_metadata && count package-metadata ok || count package-metadata fail

# Pure-C cores: unit tests and fuzzing, outside the server.
if [ -z "$SERVER_SUITES_ONLY" ] && grep -q '^unit:' mk/cores.mk 2>/dev/null; then
	stage unit make -s unit METADATA_CHECK=required && count unit ok || count unit fail
	stage fuzz make -s fuzz && count fuzz ok || count fuzz fail
fi

# Everything that needs a server, in one throwaway cluster.
server_suites() {
	local rc=0
	# pg_regress (test/sql, expected/) and isolation specs (test/specs).
	# Regression tests and isolation specs run separately, so that a failure
	# in one does not keep the other from running.
	make -s installcheck PG_CONFIG="$PG_CONFIG" ISOLATION= || rc=1
	make -s installcheck PG_CONFIG="$PG_CONFIG" REGRESS= || rc=1
	[ -f regression.diffs ] && cat regression.diffs
	[ -f output_iso/regression.diffs ] && cat output_iso/regression.diffs
	# TAP tests (test/t/*.pl) against the same cluster.
	if ls test/t/*.pl >/dev/null 2>&1; then
		prove test/t/*.pl || rc=1
	fi
	# The PL/pgSQL twin of the identifier normaliser against the C
	# functions, row by row over the phone corpus (log: build/twin/).
	if TWIN_OUT=build/twin bash test/twin/compare.sh > build/twin.log 2>&1; then
		echo "test twin_identifiers ... ok"
	else
		echo "test twin_identifiers ... FAILED"
		tail -n 30 build/twin.log
		rc=1
	fi
	grep -E '^(compared|cost|regex cache|10_identifier)' build/twin.log
	return $rc
}
export -f server_suites
start=$SECONDS
pg_virtualenv -t -v "$PG_VERSION" -i "$INITDB_OPTS" \
	-o "shared_preload_libraries=pg_cron" \
	-o "cron.database_name=contrib_regression" \
	-o "TimeZone=UTC" \
	bash -c server_suites >"$LOG_DIR/server.log" 2>&1
server_rc=$?
printf '%-28s %s  (%ds, log: %s)\n' server-suites "$([ $server_rc = 0 ] && echo ok || echo FAILED)" $((SECONDS - start)) "$LOG_DIR/server.log"

# One result per regression test, isolation spec and TAP file (pg_regress
# prints "name ... ok" up to PostgreSQL 15, "ok N - name" from 16 on).
while read -r name result; do
	count "$name" "$result"
done < <(sed -nE 's/^(test| +)? *([A-Za-z0-9_-]+) +\.\.\. (ok|FAILED|failed).*/\2 \3/p
	s/^ok +[0-9]+ +[-+] +([A-Za-z0-9_-]+) .*/\1 ok/p
	s/^not ok +[0-9]+ +[-+] +([A-Za-z0-9_-]+) .*/\1 fail/p' "$LOG_DIR/server.log" |
	sed -E 's/ (FAILED|failed)$/ fail/')
while read -r name result; do
	count "$name" "$result"
done < <(sed -nE 's#^(test/t/[^ ]+\.pl) \.+ *(ok)$#\1 \2#p; s#^(test/t/[^ ]+\.pl) \.+ *(.*[Ff]ail.*|Dubious.*)$#\1 fail#p; s#^(test/t/[^ ]+\.pl) +\(Wstat: .*$#\1 fail#p' "$LOG_DIR/server.log" | sort -u)
if [ $server_rc != 0 ] && [ ${#failed_names[@]} = 0 ]; then
	# The cluster itself failed (or a suite failed without naming a test).
	tail -n 60 "$LOG_DIR/server.log"
	count server-suites fail
fi

echo
if [ $failed != 0 ]; then
	echo "failed: ${failed_names[*]}"
	[ $server_rc != 0 ] && tail -n 80 "$LOG_DIR/server.log"
fi
echo "$passed passed, $failed failed"
[ $failed = 0 ]
