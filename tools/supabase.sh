#!/bin/bash
# The operator commands for the pure-SQL build on Supabase (README,
# "Supabase"); the Makefile's supabase-* targets call them:
#
#   tools/supabase.sh test-connection   server, SSL, time zone, pooler port
#   tools/supabase.sh apply             install or update, one transaction
#   tools/supabase.sh validate          hotel_agent.validate(), non-zero on a failed check
#   tools/supabase.sh seed              one tenant and, optionally, its admin user
#   tools/supabase.sh create-role       the backend's least-privilege role
#
# The database is DATABASE_URL (postgresql://user:password@host:port/db?
# sslmode=require), read from the environment and nowhere else. Secrets
# never reach a command line (every process's arguments are public in ps
# and /proc) nor a log:
#   * the URL is taken apart here, with bash builtins, into PG* variables
#     for psql; its password goes into a PGPASSFILE of mode 0600 in a
#     private temporary directory, removed on exit. Other PG* variables of
#     the caller are dropped, so the URL alone says where psql connects,
#     and DATABASE_URL itself is not passed on to psql;
#   * logs (SUPABASE_LOG_DIR, default logs/) show the URL as
#     postgresql://user:***@host:port/db;
#   * the admin password of seed reaches the server as COPY data (psql's
#     \copy ... FROM pstdin), never in a statement's text: so neither
#     log_statement, nor pg_stat_statements, nor pg_stat_activity, nor an
#     error's LINE excerpt can show it;
#   * create-role's password is made by the server, which sets it as a
#     SCRAM verifier computed in the same statement (as psql's \password
#     does), and psql writes it to a file of mode 0600 (SUPABASE_SECRET_DIR,
#     default .secrets/) once the transaction has committed.
# Every command refuses a URL without sslmode=require (or verify-ca,
# verify-full); only test-connection lets INSECURE=1 pass, after YES is
# typed, never when CI=true or ENVIRONMENT=production.
#
# Behind a transaction pooler (Supavisor or PgBouncer, port 6543) each
# transaction may get another server connection: nothing is carried from
# one transaction to the next (SET LOCAL, set_config(..., true), ON COMMIT
# DROP), and what must be all or nothing is one transaction (psql -1, or
# the install script's own BEGIN and COMMIT).
set -euo pipefail
umask 077

cmd=${1:-}
root=$(cd "$(dirname "$0")/.." && pwd)
sqldir=$root/tools/supabase
version=$(sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" "$root/hotel_agent.control")
log_dir=${SUPABASE_LOG_DIR:-$root/logs}
secret_dir=${SUPABASE_SECRET_DIR:-$root/.secrets}

case $cmd in
test-connection | apply | validate | seed | create-role) ;;
*)
	echo "usage: $0 test-connection|apply|validate|seed|create-role (DATABASE_URL in the environment)" >&2
	exit 2
	;;
esac

die() {
	echo "supabase $cmd: $*" >&2
	exit 1
}

# %XX sequences of a URL component, decoded (builtins only).
urldecode() {
	local s=${1//\\/\\\\}
	printf '%b' "${s//%/\\x}"
}

# Take DATABASE_URL apart into PG* variables. Sets url_user, url_host,
# url_port, url_db, url_sslmode, url_redacted.
parse_url() {
	local url=${DATABASE_URL:-} rest userinfo hostport query pair key value password='' have_password=0 v
	[ -n "$url" ] || die "DATABASE_URL is not set. Export it first, e.g. from the dashboard's Connect > Transaction pooler string (README, \"Supabase\")."
	[[ $url =~ ^postgres(ql)?://(.*)$ ]] || die "DATABASE_URL must start with postgresql:// (a connection URI)"
	rest=${BASH_REMATCH[2]}
	# Drop every PG* variable of the caller: the URL alone decides.
	for v in $(compgen -e); do
		[[ $v == PG* ]] && unset "$v"
	done
	query=''
	if [[ $rest == *\?* ]]; then
		query=${rest#*\?}
		rest=${rest%%\?*}
	fi
	userinfo=''
	if [[ $rest == *@* ]]; then
		userinfo=${rest%@*}
		rest=${rest##*@}
	fi
	hostport=${rest%%/*}
	url_db=''
	[[ $rest == */* ]] && url_db=$(urldecode "${rest#*/}")
	[[ $hostport == *,* ]] && die "DATABASE_URL names several hosts; give one"
	local bracketed='^\[([^]]*)\](:([0-9]*))?$' plain='^([^:]*)(:([0-9]*))?$'
	if [[ $hostport =~ $bracketed ]]; then
		url_host=${BASH_REMATCH[1]}
		url_port=${BASH_REMATCH[3]}
	elif [[ $hostport =~ $plain ]]; then
		url_host=$(urldecode "${BASH_REMATCH[1]}")
		url_port=${BASH_REMATCH[3]}
	else
		die "cannot read the host and port of DATABASE_URL"
	fi
	url_user=''
	if [ -n "$userinfo" ]; then
		url_user=$(urldecode "${userinfo%%:*}")
		if [[ $userinfo == *:* ]]; then
			password=$(urldecode "${userinfo#*:}")
			have_password=1
		fi
	fi
	url_sslmode=''
	local -a shown=()
	if [ -n "$query" ]; then
		local IFS='&'
		for pair in $query; do
			key=${pair%%=*}
			value=$(urldecode "${pair#*=}")
			case $key in
			sslmode) url_sslmode=$value ;;
			password)
				password=$value
				have_password=1
				continue
				;;
			user) url_user=$value ;;
			host) url_host=$value ;;
			port) url_port=$value ;;
			dbname) url_db=$value ;;
			sslrootcert) export PGSSLROOTCERT=$value ;;
			sslcert) export PGSSLCERT=$value ;;
			sslkey) export PGSSLKEY=$value ;;
			options) export PGOPTIONS=$value ;;
			application_name) export PGAPPNAME=$value ;;
			connect_timeout) export PGCONNECT_TIMEOUT=$value ;;
			target_session_attrs) export PGTARGETSESSIONATTRS=$value ;;
			*) die "DATABASE_URL has the parameter '$key', which these commands do not pass on; remove it" ;;
			esac
			shown+=("$pair")
		done
	fi
	[ -n "$url_host" ] || die "DATABASE_URL names no host"
	export PGHOST=$url_host
	[ -n "$url_port" ] && export PGPORT=$url_port
	[ -n "$url_user" ] && export PGUSER=$url_user
	[ -n "$url_db" ] && export PGDATABASE=$url_db
	[ -n "$url_sslmode" ] && export PGSSLMODE=$url_sslmode
	export PGAPPNAME=${PGAPPNAME:-hotel_agent $cmd}
	export PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-15}
	if [ $have_password = 1 ]; then
		# PGPASSFILE: host:port:db:user:password, ':' and '\' escaped.
		password=${password//\\/\\\\}
		password=${password//:/\\:}
		printf '*:*:*:*:%s\n' "$password" >"$tmp/pgpass"
	else
		: >"$tmp/pgpass" # not ~/.pgpass either
	fi
	export PGPASSFILE=$tmp/pgpass
	password=''
	export -n DATABASE_URL
	local IFS='&' hidden=''
	[ $have_password = 1 ] && hidden=':***'
	url_redacted="postgresql://${url_user}${hidden}@${hostport}/${url_db}${shown:+?${shown[*]}}"
	return 0
}

# SSL: required, unless test-connection is allowed to go without.
check_ssl() {
	case $url_sslmode in
	require | verify-ca | verify-full) return 0 ;;
	esac
	local why="DATABASE_URL has ${url_sslmode:+sslmode=$url_sslmode}${url_sslmode:-no sslmode}: Supabase requires SSL; add ?sslmode=require to the URL"
	if [ "$cmd" != test-connection ] || [ "${INSECURE:-}" != 1 ]; then
		die "refused: $why"
	fi
	if [ "${CI:-}" = true ] || [ "${ENVIRONMENT:-}" = production ]; then
		die "refused: INSECURE=1 is never allowed when CI=true or ENVIRONMENT=production ($why)"
	fi
	echo "INSECURE=1: connecting without sslmode=require, for a diagnosis only. Type YES to go on:"
	local answer=''
	read -r answer || true
	[ "$answer" = YES ] || die "refused: not confirmed (YES was not typed)"
	echo "confirmed: connecting with ${url_sslmode:+sslmode=$url_sslmode}${url_sslmode:-the default sslmode of libpq (prefer)}"
}

psql_run() {
	psql -X -q -v ON_ERROR_STOP=1 "$@"
}

# The installed state: extension version, script version, install mode.
installed_state() {
	psql_run -At -F '|' <<'SQL'
SELECT coalesce((SELECT e.extversion FROM pg_catalog.pg_extension e WHERE e.extname = 'hotel_agent'), '') AS ext,
       pg_catalog.to_regnamespace('hotel_agent') IS NOT NULL AS schema,
       pg_catalog.to_regprocedure('hotel_agent.version()') IS NOT NULL AS fn
\gset state_
\if :state_fn
SELECT :'state_ext' || '|' || :'state_schema' || '|' || hotel_agent.version();
\else
SELECT :'state_ext' || '|' || :'state_schema' || '|';
\endif
SQL
}

cmd_test_connection() {
	case ${url_port:-5432} in
	6543) echo "port: 6543, the pooler's transaction mode (what the backend uses)" ;;
	5432) echo "port: 5432, a direct or session-mode connection (fine for these commands; the backend uses the pooler's 6543)" ;;
	*) echo "port: ${url_port}, not Supabase's pooler port (6543)" ;;
	esac
	case $url_sslmode in
	require | verify-ca | verify-full) echo "sslmode: $url_sslmode (SSL required)" ;;
	*) echo "sslmode: ${url_sslmode:-not set} (SSL not required: INSECURE=1 was confirmed)" ;;
	esac
	psql_run -At -f "$sqldir/test-connection.sql"
}

cmd_apply() {
	local state ext has_schema installed script from
	state=$(installed_state) || die "cannot read the database's state (see above)"
	IFS='|' read -r ext has_schema installed <<<"$state"
	if [ -n "$ext" ]; then
		die "refused: hotel_agent $ext is installed in this database as an extension (CREATE EXTENSION); update it with ALTER EXTENSION hotel_agent UPDATE, not with the pure-SQL build. Nothing was changed."
	fi
	if [ "$has_schema" = t ] && [ -z "$installed" ]; then
		die "refused: a schema hotel_agent exists without hotel_agent.version(): it is not hotel_agent's. Rename or drop it first. Nothing was changed."
	fi
	if [ "$installed" = "$version" ]; then
		echo "already at $version (hotel_agent.version()): nothing to do"
		return 0
	fi
	if [ -z "$installed" ]; then
		script=sql/supabase/hotel_agent--$version.sql
		echo "fresh install of hotel_agent $version: $script"
	else
		from=$installed
		script=sql/supabase/hotel_agent--$from--$version.sql
		[ -f "$root/$script" ] || die "refused: hotel_agent $from is installed and there is no upgrade script $script from it to $version. Nothing was changed."
		echo "update from $from to $version: $script"
	fi
	# The script is its own transaction (BEGIN first, COMMIT last): on any
	# error psql stops (ON_ERROR_STOP) and the server rolls everything back.
	[ "$(grep -v -e '^--' -e '^[[:space:]]*$' "$root/$script" | head -n 1)" = 'BEGIN;' ] &&
		[ "$(grep -v -e '^--' -e '^[[:space:]]*$' "$root/$script" | tail -n 1)" = 'COMMIT;' ] ||
		die "$script is not one transaction (BEGIN; ... COMMIT;)"
	echo "sha256: $(sha256sum "$root/$script" | cut -d' ' -f1)"
	if ! psql_run -f "$root/$script"; then
		die "failed: the transaction was rolled back, the database is as it was (the error is above)"
	fi
	state=$(installed_state)
	IFS='|' read -r ext has_schema installed <<<"$state"
	[ "$installed" = "$version" ] || die "the script ran, but hotel_agent.version() answers '$installed'"
	echo "applied: hotel_agent $installed ($(psql_run -At -c 'SELECT hotel_agent.install_mode()'))"
	echo "next: make supabase-validate"
}

cmd_validate() {
	local state ext has_schema installed out failed total
	state=$(installed_state) || die "cannot read the database's state (see above)"
	IFS='|' read -r ext has_schema installed <<<"$state"
	[ -n "$installed" ] || die "hotel_agent is not installed in this database: run make supabase-apply"
	out=$(psql_run -At -f "$sqldir/validate.sql") || die "hotel_agent.validate() failed (see above)"
	echo "$out"
	total=$(grep -c '^' <<<"$out")
	failed=$(grep -c '^FAILED ' <<<"$out" || true)
	if [ "$failed" != 0 ]; then
		die "$failed of $total checks failed (hotel_agent $installed)"
	fi
	echo "all $total checks passed (hotel_agent $installed)"
}

cmd_seed() {
	[ -n "${SEED_TENANT_ID:-}" ] || die "set SEED_TENANT_ID (the tenant's slug, e.g. hotel-demo) and SEED_TENANT_NAME"
	[ -n "${SEED_TENANT_NAME:-}" ] || die "set SEED_TENANT_NAME (the tenant's display name)"
	if [ -n "${SEED_ADMIN_USERNAME:-}" ]; then
		[ -n "${SEED_ADMIN_EMAIL:-}" ] || die "set SEED_ADMIN_EMAIL for the admin user"
		[ -n "${SEED_ADMIN_PASSWORD:-}" ] || die "set SEED_ADMIN_PASSWORD (read from the environment, never printed) for the admin user"
		[ ${#SEED_ADMIN_PASSWORD} -ge 12 ] || die "SEED_ADMIN_PASSWORD is shorter than 12 characters"
	fi
	export SEED_TENANT_ID SEED_TENANT_NAME SEED_ADMIN_USERNAME=${SEED_ADMIN_USERNAME:-} \
		SEED_ADMIN_EMAIL=${SEED_ADMIN_EMAIL:-} SEED_ADMIN_FULL_NAME=${SEED_ADMIN_FULL_NAME:-} \
		SEED_FORCE_PASSWORD=${SEED_FORCE_PASSWORD:-0}
	local pw=${SEED_ADMIN_PASSWORD:-}
	export -n SEED_ADMIN_PASSWORD
	# The password, base64 (no tab or backslash for COPY), on psql's stdin.
	if [ -n "$pw" ]; then
		printf '%s' "$pw" | base64 | tr -d '\n'
		echo
	fi | psql_run -1 -At -f "$sqldir/seed.sql"
}

cmd_create_role() {
	local role=${BACKEND_ROLE:-hotel_backend} file tmpfile user_suffix=''
	[[ $role =~ ^[a-z_][a-z0-9_]{0,42}$ ]] || die "BACKEND_ROLE must be a lower-case SQL name of at most 43 characters (letters, digits, _), e.g. hotel_backend"
	mkdir -p "$secret_dir"
	chmod 700 "$secret_dir"
	file=$secret_dir/$role.password
	tmpfile=$tmp/role.password
	export BACKEND_ROLE=$role ROTATE=${ROTATE:-0} ROLE_PASSWORD_FILE=$tmpfile
	psql_run -1 -At -f "$sqldir/create-role.sql" || die "nothing was changed (the error is above)"
	# Committed: only now does the password leave the temporary directory.
	[ -s "$tmpfile" ] || die "the role was set up but no password came back"
	mv "$tmpfile" "$file"
	chmod 600 "$file"
	echo "password: in $file (mode 0600; it is printed nowhere)"
	# Supavisor's user names are role.project-ref.
	[[ $url_user == *.* ]] && user_suffix=.${url_user#*.}
	echo "the backend's DATABASE_URL (put the password in place of PASSWORD; it is hexadecimal, no escaping needed):"
	echo "  postgresql://$role$user_suffix:PASSWORD@$url_host:6543/${url_db:-postgres}?sslmode=require"
	echo "e.g. (the shell reads the file: the password is in neither the command line nor the shell's history):"
	echo "  export DATABASE_URL=\"postgresql://$role$user_suffix:\$(cat $file)@$url_host:6543/${url_db:-postgres}?sslmode=require\""
}

tmp=$(mktemp -d)
mkdir -p "$log_dir"
log=$log_dir/supabase-$cmd-$(date -u +%Y%m%dT%H%M%SZ)-$$.log
exec > >(tee -a "$log") 2>&1
tee_pid=$!
start=$SECONDS
# On any exit: the outcome and the time taken, then the log is complete.
finish() {
	local rc=$?
	rm -rf "$tmp"
	echo "supabase $cmd: $([ $rc = 0 ] && echo ok || echo FAILED) in $((SECONDS - start))s (log: ${log#"$root"/})"
	exec >&- 2>&-
	wait "$tee_pid" 2>/dev/null || true
	exit $rc
}
trap finish EXIT
# \getenv, which keeps the inputs off psql's command line, is psql 15's.
psql_version=$(psql --version) || die "psql not found: install postgresql-client-15 (or later)"
[[ $psql_version =~ \ ([0-9]+)[.0-9]* ]] && [ "${BASH_REMATCH[1]}" -ge 15 ] ||
	die "these commands need psql 15 or later, not: $psql_version"
parse_url
echo "hotel_agent $version, supabase $cmd, $(date -u '+%Y-%m-%d %H:%M:%S') UTC"
echo "database: $url_redacted"
check_ssl
"cmd_${cmd//-/_}"
