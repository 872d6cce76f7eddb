# The pure-SQL build (tools/assemble-sql.sh ... supabase): installed with
# psql into a database without the extension, it reports its version and
# install mode, refuses to run twice or next to the extension, and gives
# the tables, functions and behaviour of the extension.
#
# The identifier normaliser's twin is compared with the C functions row by
# row in test/twin/compare.sh. Runs inside the throwaway cluster of
# test/run.sh (PG* variables set), as the cluster's superuser.
use strict;
use warnings;
use File::Temp qw(tempdir);
use Test::More;

my $dir = tempdir(CLEANUP => 1);
my $version = qx{sed -n "s/^default_version *= *'\\([^']*\\)'.*/\\1/p" hotel_agent.control};
chomp $version;

my $script = "sql/supabase/hotel_agent--$version.sql";
ok(-f $script, "the pure-SQL build of $version is checked in (test/run.sh checks that it is fresh)");

sub psql
{
	my ($db, @args) = @_;
	my $out = qx{psql -X -q -At -v ON_ERROR_STOP=1 -d $db @args 2>&1};
	my $rc = $?;
	chomp $out;
	return ($rc, $out);
}

sub query
{
	my ($db, $sql) = @_;
	open(my $fh, '>', "$dir/q.sql") or die;
	print $fh $sql;
	close $fh;
	my ($rc, $out) = psql($db, "-f $dir/q.sql");
	die "psql failed on $db: $out" if $rc;
	return $out;
}

system("dropdb --if-exists ha_script >/dev/null 2>&1");
system("createdb ha_script") == 0 or die;
my ($rc, $out) = psql('ha_script', "-f $script");
is($rc, 0, 'the script installs in one transaction') or diag($out);
is(query('ha_script', 'SELECT hotel_agent.version()'), $version, "version() answers the script's version");
is(query('ha_script', 'SELECT hotel_agent.install_mode()'), 'script', "install_mode() says script");
is(query('ha_script', "SELECT count(*) FROM pg_extension WHERE extname = 'hotel_agent'"), '0', 'no extension');

($rc, $out) = psql('ha_script', "-f $script");
isnt($rc, 0, 'running it twice fails');
like($out, qr/hotel_agent is already installed in this database/, 'with a clear message');
like($out, qr/Schema hotel_agent exists \(version $version\)/, 'naming the installed version');

system("dropdb --if-exists ha_script_ext >/dev/null 2>&1");
system("createdb ha_script_ext") == 0 or die;
query('ha_script_ext', 'CREATE EXTENSION hotel_agent');
($rc, $out) = psql('ha_script_ext', "-f $script");
like($out, qr/hotel_agent is installed in this database as an extension/, 'it refuses a database with the extension');
is(query('ha_script_ext', "SELECT extversion FROM pg_extension WHERE extname = 'hotel_agent'"), $version,
	'which it leaves as it was');

# Same tables, constraints, indexes, triggers, comments and privileges; the
# same functions with the same signatures and flags. What may differ: the
# language and body of the twins, the functions internal to this build,
# extension membership and pg_extension_config_dump (no extension).
my $catalog = "\\i test/include/extension_catalog.sql\n"
  . "SELECT string_agg(line, E'\\n' ORDER BY line) FROM extension_catalog WHERE kind NOT IN ('member', 'config');\n";
my %ext = map { $_ => 1 } split /\n/, query('ha_script_ext', $catalog);
my %scr = map { $_ => 1 } split /\n/, query('ha_script', $catalog);
my @only_ext = grep { !$scr{$_} } sort keys %ext;
my @only_scr = grep { !$ext{$_} } sort keys %scr;
my $strip = sub {
	my ($l) = @_;
	$l =~ s/ language=\S+//;
	$l =~ s/ config=(\{[^}]*\}|\S*)//;
	$l =~ s/ body_md5=\S+//;
	$l =~ s/ cost=\S+//;
	return $l;
};
my %ext_fn = map { $strip->($_) => 1 } grep { /^function / } @only_ext;
# Row level security is enabled on the six tables by the pure-SQL build
# only (checked below, on a Supabase-like database).
my $rls = qr/^rls public\.(users|user_sessions|password_history|tenants|tenant_user_identifiers|lock_audit) enabled=/;
my @unexplained_ext = grep { !/^function / && !/$rls/ } @only_ext;
# Internal to the pure-SQL build: the phone metadata as tables
# (hotel_agent.e164_plan, e164_metadata) and the helpers of the twins.
my $internal = qr/hotel_agent\.(?:e164_parse\w*|e164_plan\w*|e164_metadata|resolve_tenant_row)(?!\w)/;
my @unexplained_scr = grep { !(/^function / && $ext_fn{ $strip->($_) }) && !/$internal/ && !/$rls/ } @only_scr;
note('objects internal to the pure-SQL build: ' . scalar(grep { /$internal/ } @only_scr) . ' catalog lines');
is_deeply(\@unexplained_ext, [], 'every table, index, trigger, comment and privilege of the extension is in the script build');
is_deeply(\@unexplained_scr, [], 'the script build has nothing else but its twins\' bodies and its internal function')
  or diag(join("\n", @unexplained_scr));
my %scr_fn = map { $strip->($_) => 1 } grep { /^function / } @only_scr;
is_deeply([ grep { !$scr_fn{$_} } sort keys %ext_fn ], [], 'every function has a twin with the same signature and flags');

# Behaviour, through the backend's calls.
is(query('ha_script', <<'SQL'), "+5491112345678|hotel-ba|hotel-ba|true|hotel-ba|+5491112345678", 'tenant resolution');
SET TimeZone = 'UTC';
INSERT INTO tenants (tenant_id, name, business_hours_start, business_hours_end, business_hours_timezone)
VALUES ('hotel-ba', 'Hotel BA', 8, 20, 'America/Argentina/Buenos_Aires'), ('hotel-mx', 'Hotel MX', NULL, NULL, NULL);
SELECT hotel_agent.add_tenant_identifier('hotel-ba', '+54 9 11 1234-5678') AS key \gset
SELECT :'key' || '|' ||
	   hotel_agent.resolve_tenant('5491112345678@s.whatsapp.net') || '|' ||
	   hotel_agent.resolve_tenant('+54 11 1234-5678') || '|' ||
	   hotel_agent.tenant_is_open('hotel-ba', '2025-06-02 15:00+00') || '|' ||
	   r.tenant_id || '|' || r.matched_key
FROM hotel_agent.resolve_tenant_info('+54 9 11 1234-5678') r;
SQL
($rc, $out) = psql('ha_script', q{-c "INSERT INTO tenant_user_identifiers (tenant_id, identifier) SELECT id, '+54 11 1234-5678' FROM tenants WHERE tenant_id = 'hotel-mx'"});
like($out, qr/ERROR:  identifier "\+541112345678" is the same guest as "\+5491112345678", which belongs to tenant "hotel-ba"/,
	'another spelling of a guest of another tenant is refused, as by the extension');
($rc, $out) = psql('ha_script', q{-c "SELECT hotel_agent.tenant_is_open('nowhere')"});
like($out, qr/ERROR:  tenant "nowhere" does not exist/, 'an unknown tenant');
is(query('ha_script', <<'SQL'), '10|3|true|false', 'password history and sessions');
INSERT INTO users (id, username, email, hashed_password) VALUES ('u1', 'ana', 'ana@example.com', 'x');
INSERT INTO password_history (user_id, password_hash, created_at)
SELECT 'u1', 'h' || g, '2024-01-01'::timestamp + g * interval '1 day' FROM generate_series(1, 15) g;
INSERT INTO user_sessions (id, user_id, token_jti, expires_at) VALUES ('s1', 'u1', 'jti-1', '2999-01-01'), ('s2', 'u1', 'jti-2', '2000-01-01');
SELECT (SELECT count(*) FROM password_history) || '|' ||
	   (SELECT hotel_agent.prune_password_history('u1', 7)) || '|' ||
	   hotel_agent.session_is_active('jti-1') || '|' || hotel_agent.session_is_active('jti-2');
SQL
($rc, $out) = psql('ha_script', q{-c "SELECT hotel_agent.prune_password_history('u1', -1)"});
like($out, qr/ERROR:  keep must not be negative/, 'a negative keep');
is(query('ha_script', q{SELECT hotel_agent.is_valid_time_zone(z) FROM unnest(ARRAY['UTC', 'america/new_york', 'ART', 'Mars/Olympus_Mons', '']) z}),
	"t\nt\nf\nf\nf", 'time zones: the rule of the extension');

# The internal helpers of the twins are executable by PUBLIC (the public
# functions run with the caller's rights), so any role may call them with
# any arguments: every helper with every combination of NULL, empty, long,
# non-ASCII and out-of-range values, and numbering plans that are NULL,
# all-NULL or hostile (invalid patterns, impossible lengths), as a role
# with no other right. Each call returns or raises a clean error; none
# raises an internal error, and none runs on (e164_parse_identifier(NULL,
# ...) once looped for ever): the whole run has one minute.
query('ha_script', 'DROP ROLE IF EXISTS regress_script_anyone; CREATE ROLE regress_script_anyone');
my $hostile = <<'SQL';
SET ROLE regress_script_anyone;
SET statement_timeout = '60s';
CREATE TEMP TABLE literals (typ regtype, lit text);
INSERT INTO literals VALUES
	('text', 'NULL'), ('text', $$''$$), ('text', $$'+'$$), ('text', $$'0'$$), ('text', $$E'\u00e9@'$$),
	('text', $$repeat('9', 300)$$), ('text', $$'P4'$$), ('text', $$'x@lid'$$),
	('integer', 'NULL'), ('integer', '-1'), ('integer', '0'), ('integer', '64'), ('integer', '2147483647'),
	('smallint', 'NULL'), ('smallint', '-1'), ('smallint', '0'), ('smallint', '32767'),
	('bigint', 'NULL'), ('bigint', '-1'), ('bigint', '0'), ('bigint', '9223372036854775807'),
	('boolean', 'NULL'), ('boolean', 'true'), ('boolean', 'false'),
	('hotel_agent.e164_plan', 'NULL'),
	('hotel_agent.e164_plan', $$(SELECT p FROM hotel_agent.e164_plan p WHERE p.region = 'AR')$$),
	('hotel_agent.e164_plan', $$(SELECT p FROM hotel_agent.e164_plan p WHERE p.region = 'US')$$),
	('hotel_agent.e164_plan', $$ROW(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::hotel_agent.e164_plan$$),
	('hotel_agent.e164_plan', $$(SELECT ROW(p.plan, p.region, p.cc, p.member, 2, 0, '(', NULL, '(', '(', NULL, 9, -1, '(', '$9', -1, -5, 99, ARRAY['('], ARRAY[-1])::hotel_agent.e164_plan FROM hotel_agent.e164_plan p WHERE p.region = 'AR')$$);
CREATE TEMP TABLE outcomes (call text, state text);
DO $$
DECLARE
	call record;
	st text;
BEGIN
	FOR call IN
		WITH RECURSIVE fn AS (
			SELECT p.proname::text AS name, p.proretset AS srf,
				   ARRAY(SELECT t::regtype FROM unnest(p.proargtypes::oid[]) t) AS types
			FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
			WHERE n.nspname = 'hotel_agent'
			  AND p.proname ~ '^(e164_parse|e164_plan_of_|resolve_tenant_row$)'
		), combos AS (
			SELECT name, srf, types, 0 AS i, ARRAY[]::text[] AS args FROM fn
			UNION ALL
			SELECT c.name, c.srf, c.types, c.i + 1, c.args || format('(%s)::%s', l.lit, l.typ)
			FROM combos c JOIN literals l ON l.typ = c.types[c.i + 1]
			WHERE c.i < cardinality(c.types)
		)
		SELECT format('SELECT %s hotel_agent.%I(%s)', CASE WHEN srf THEN '* FROM' ELSE '' END,
					  name, array_to_string(args, ', ')) AS stmt
		FROM combos WHERE i = cardinality(types)
	LOOP
		BEGIN
			SET LOCAL statement_timeout = '5s';
			EXECUTE call.stmt;
			st := '00000';
		EXCEPTION WHEN OTHERS THEN
			GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE;
		END;
		INSERT INTO outcomes VALUES (call.stmt, st);
	END LOOP;
END
$$;
SELECT count(*) || '|' || count(DISTINCT split_part(call, '(', 1)) || '|' ||
	   coalesce((SELECT string_agg(call || ' -> ' || state, E'\n') FROM outcomes WHERE state ~ '^(XX|58|57)'), '')
FROM outcomes;
SQL
my ($helper_calls, $helpers_called, $bad_states) = split(/\|/, query('ha_script', $hostile), 3);
is($helpers_called, query('ha_script', q{SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
	WHERE n.nspname = 'hotel_agent' AND p.proname ~ '^(e164_parse|e164_plan_of_|resolve_tenant_row$)'}),
	"every internal helper was called ($helper_calls calls)");
is($bad_states // '', '', 'no helper call raised an internal, resource or operator error');
query('ha_script', 'DROP ROLE regress_script_anyone');

is(query('ha_script', q{SELECT string_agg(check_name || ': ' || detail, E'\n') FROM hotel_agent.validate()
	WHERE NOT ok AND check_name NOT LIKE 'maintenance%'}), '', 'validate() finds nothing wrong with the script build');
system("dropdb ha_script");
system("dropdb ha_script_ext");

# The regression suite against this build: test/t/061_script_suite.pl.

# A database prepared like Supabase: the Data API's roles, an owner that is
# not superuser (NOSUPERUSER CREATEDB CREATEROLE BYPASSRLS) and runs the
# script, pgcrypto in schema extensions, and the legacy default privileges
# that give anon, authenticated and service_role everything new in public.
query('postgres', <<'SQL');
DROP DATABASE IF EXISTS ha_supabase;
DROP ROLE IF EXISTS regress_supa_owner;
DROP ROLE IF EXISTS anon;
DROP ROLE IF EXISTS authenticated;
DROP ROLE IF EXISTS service_role;
DROP ROLE IF EXISTS authenticator;
CREATE ROLE anon NOLOGIN NOINHERIT;
CREATE ROLE authenticated NOLOGIN NOINHERIT;
CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS;
CREATE ROLE authenticator LOGIN NOINHERIT;
GRANT anon, authenticated, service_role TO authenticator;
CREATE ROLE regress_supa_owner LOGIN PASSWORD 'owner-secret' NOSUPERUSER CREATEDB CREATEROLE BYPASSRLS;
SQL
sub as_owner
{
	my ($db, $sql) = @_;
	local $ENV{PGUSER} = 'regress_supa_owner';
	local $ENV{PGPASSWORD} = 'owner-secret';
	open(my $fh, '>', "$dir/q.sql") or die;
	print $fh $sql;
	close $fh;
	my $out = qx{psql -X -q -At -v ON_ERROR_STOP=1 -d $db -f $dir/q.sql 2>&1};
	my $rc = $?;
	chomp $out;
	return ($rc, $out);
}
($rc, $out) = as_owner('postgres', 'CREATE DATABASE ha_supabase;');
is($rc, 0, 'the Supabase-like owner creates a database') or diag($out);
($rc, $out) = as_owner('ha_supabase', <<'SQL');
CREATE SCHEMA extensions;
CREATE EXTENSION pgcrypto SCHEMA extensions;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON FUNCTIONS TO anon, authenticated, service_role;
SQL
is($rc, 0, 'with pgcrypto in schema extensions and the legacy default privileges') or diag($out);
{
	local $ENV{PGUSER} = 'regress_supa_owner';
	local $ENV{PGPASSWORD} = 'owner-secret';
	$out = qx{psql -X -q -v ON_ERROR_STOP=1 -d ha_supabase -f $script 2>&1};
	is($?, 0, 'a role that is not superuser runs the script') or diag($out);
}

# What anon and authenticated can do: read no row, call no writing function.
($rc, $out) = as_owner('ha_supabase', <<'SQL');
INSERT INTO tenants (tenant_id, name) VALUES ('hotel-ba', 'Hotel BA');
INSERT INTO users (id, username, email, hashed_password) VALUES ('u1', 'ana', 'ana@example.com', '$2b$12$secret');
SELECT hotel_agent.add_tenant_identifier('hotel-ba', '+54 9 11 1234-5678');
SQL
is($rc, 0, 'the owner (the backend on Supabase) writes through the functions') or diag($out);
for my $role (qw(anon authenticated))
{
	my @denied;
	for my $stmt ('SELECT hashed_password FROM public.users', 'SELECT * FROM public.user_sessions',
		'SELECT * FROM public.tenant_user_identifiers', "INSERT INTO public.tenants (tenant_id, name) VALUES ('x', 'x')",
		"SELECT hotel_agent.add_tenant_identifier('hotel-ba', '+1 650 253 0000')",
		"SELECT hotel_agent.record_lock_event('k', 'acquired')", "SELECT hotel_agent.revoke_user_sessions('u1')",
		"SELECT hotel_agent.resolve_tenant('+54 9 11 1234-5678')")
	{
		my $o = qx{psql -X -q -At -d ha_supabase -c "SET ROLE $role" -c "$stmt" 2>&1};
		push @denied, $stmt if $o =~ /permission denied/;
	}
	is(scalar(@denied), 8, "$role is denied every table and every writing function (8 of 8)");
}
is(query('ha_supabase', "SET ROLE service_role;\nSELECT hotel_agent.resolve_tenant('5491112345678\@s.whatsapp.net');"),
	'hotel-ba', 'service_role (BYPASSRLS) resolves a tenant');

# The backend's own role (no BYPASSRLS: only a superuser may give it):
# grant_backend_access() gives it a policy on each table with row level
# security, so it reaches the rows its privileges allow, and
# revoke_backend_access() takes the policies away again.
($rc, $out) = as_owner('ha_supabase', <<'SQL');
CREATE ROLE regress_supa_backend LOGIN;
SELECT count(*) FILTER (WHERE s LIKE 'CREATE POLICY hotel_agent_backend_regress_supa_backend ON public.%')
FROM hotel_agent.grant_backend_access('regress_supa_backend') s;
SQL
is($rc, 0, 'the owner grants the backend role access') or diag($out);
is($out, '6', 'with one policy on each of the six tables');
is(query('ha_supabase', "SET ROLE regress_supa_backend;\nSELECT hotel_agent.resolve_tenant('5491112345678\@s.whatsapp.net'), (SELECT count(*) FROM public.users);"),
	'hotel-ba|1', 'the backend role reads the rows through its policies');
($rc, $out) = as_owner('ha_supabase', <<'SQL');
SELECT count(*) FILTER (WHERE s LIKE 'DROP POLICY %') FROM hotel_agent.revoke_backend_access('regress_supa_backend') s;
SELECT count(*) FROM pg_policy WHERE polname = 'hotel_agent_backend_regress_supa_backend';
DROP ROLE regress_supa_backend;
SQL
is($rc, 0, 'revoke_backend_access() and DROP ROLE') or diag($out);
is($out, "6\n0", 'revoking drops the six policies, and the role can then be dropped');

# The checks of Supabase's database linter that apply here, by their rules:
# no table of an exposed schema readable by anon or authenticated without
# row level security (so no sensitive column exposed either), every
# function outside the system schemas with search_path set to '' (the
# linter's exact rule: function_search_path_mutable), no
# SECURITY DEFINER function executable by anon or authenticated, no
# extension in public. One function is flagged on purpose:
# run_maintenance() is a procedure that commits after every batch, and a
# procedure with a SET clause cannot commit; it qualifies every name itself.
is(query('ha_supabase', <<'SQL'), '0|hotel_agent.run_maintenance(integer)|0|0', 'the linter checks find nothing but run_maintenance()');
SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind = 'r' AND n.nspname = 'public' AND NOT c.relrowsecurity
		  AND (has_table_privilege('anon', c.oid, 'SELECT') OR has_table_privilege('authenticated', c.oid, 'SELECT')))
	|| '|' ||
	   (SELECT string_agg(p.oid::regprocedure::text, ',') FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
		WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'extensions')
		  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
		  AND NOT coalesce(p.proconfig, '{}') && ARRAY['search_path=""']::text[])
	|| '|' ||
	   (SELECT count(*) FROM pg_proc p WHERE p.prosecdef
		  AND (has_function_privilege('anon', p.oid, 'EXECUTE') OR has_function_privilege('authenticated', p.oid, 'EXECUTE')))
	|| '|' ||
	   (SELECT count(*) FROM pg_extension e WHERE e.extname <> 'plpgsql' AND e.extnamespace = 'public'::regnamespace);
SQL
is(query('ha_supabase', "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' AND relrowsecurity"),
	'6', 'row level security is enabled on the six tables');

query('postgres', <<'SQL');
DROP DATABASE ha_supabase;
DROP ROLE regress_supa_owner;
DROP ROLE authenticator;
DROP ROLE anon;
DROP ROLE authenticated;
DROP ROLE service_role;
SQL
done_testing();
