# The operator commands of the pure-SQL build (make supabase-test-connection,
# -apply, -validate, -seed, -create-role; tools/supabase.sh) against a
# database set up like Supabase, reached as on Supabase: through PgBouncer
# in transaction mode on a loopback port, with sslmode=require, PgBouncer
# itself reaching PostgreSQL over SSL. The server and the certificate are
# this test's own: a second cluster (ssl = on, a self-signed certificate
# made here, log_statement = all, pg_stat_statements) whose superuser is
# supabase_admin and whose database postgres belongs to a role postgres
# that is not superuser (NOSUPERUSER CREATEDB CREATEROLE BYPASSRLS), with
# anon, authenticated, service_role, pgcrypto in schema extensions and the
# legacy default privileges.
#
# Every secret (the URL's password, the seeded admin's password, the
# generated role password) is looked for afterwards in every output, every
# log of the commands, the server's log (every statement), pg_stat_statements
# and the arguments of every process the commands started (each command
# of theirs runs through a wrapper that records its arguments): none may
# hold it.
#
# Runs inside the throwaway cluster of test/run.sh, whose PG* variables
# the commands must ignore (DATABASE_URL alone says where they connect).
use strict;
use warnings;
use File::Temp qw(tempdir);
use IO::Socket::INET;
use IPC::Run qw(run);
use Test::More;
use Time::HiRes qw(time);

my $bindir = `\${PG_CONFIG:-pg_config} --bindir`;
chomp $bindir;
$bindir = '/usr/lib/postgresql/15/bin' unless -x "$bindir/pg_ctl";
my $version = qx{sed -n "s/^default_version *= *'\\([^']*\\)'.*/\\1/p" hotel_agent.control};
chomp $version;

# The server's and PgBouncer's files belong to postgres when run as root.
my $as_root = ($> == 0);
my @run_as = $as_root ? ('runuser', '-u', 'postgres', '--') : ();
my $base = tempdir(CLEANUP => 1);
chmod 0755, $base;
my ($data, $sock) = ("$base/data", "$base/sock");
mkdir $sock or die;

sub free_port
{
	my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1', LocalPort => 0) or die;
	my $p = $s->sockport;
	close $s;
	return $p;
}
my ($pg_port, $pool_port) = (free_port(), free_port());
$pool_port = free_port() while $pool_port == $pg_port;

sub slurp
{
	my ($f) = @_;
	open(my $fh, '<', $f) or return '';
	local $/;
	my $s = <$fh>;
	return $s // '';
}

sub spew
{
	my ($f, $s) = @_;
	open(my $fh, '>', $f) or die "$f: $!";
	print $fh $s;
	close $fh;
}

# The certificate of the server and of PgBouncer's client side.
is(system("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
		  . "-keyout $base/server.key -out $base/server.crt >/dev/null 2>&1"), 0, 'a self-signed certificate');
chmod 0600, "$base/server.key";

my $start = time;
system('chown', '-R', 'postgres:postgres', $base) if $as_root;
is(system(join(' ', @run_as, "$bindir/initdb", '-D', $data, '-U', 'supabase_admin', '-A', 'trust',
		'--encoding=UTF8', '--locale=C.UTF-8', '>/dev/null')), 0, 'initdb');
open(my $conf, '>>', "$data/postgresql.conf") or die;
print $conf <<"CONF";
port = $pg_port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$sock'
ssl = on
ssl_cert_file = '$base/server.crt'
ssl_key_file = '$base/server.key'
TimeZone = 'UTC'
log_statement = 'all'
shared_preload_libraries = 'pg_stat_statements'
CONF
close $conf;
# Over TCP only SSL, with a password (Supabase's rule); trust on the socket
# for this test's own set-up.
spew("$data/pg_hba.conf", "local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\n"
	  . "hostnossl all all 127.0.0.1/32 reject\n");
system('chown', '-R', 'postgres:postgres', $base) if $as_root;
is(system(@run_as, "$bindir/pg_ctl", '-D', $data, '-l', "$base/server.log", '-w', '-t', '60', 'start'), 0,
	'server starts with ssl = on');

# As this test (the superuser, on the socket).
sub admin
{
	my ($db, $sql) = @_;
	my $out;
	run [ "$bindir/psql", '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-h', $sock, '-p', $pg_port,
		'-U', 'supabase_admin', '-d', $db ], '<', \$sql, '>&', \$out;
	die "psql failed on $db: $out" if $?;
	chomp $out;
	return $out;
}

my $admin_pw = "admin-pw-$$";
# A password with every character a URL must escape.
my $owner_pw = "Own:er/p\@ss%w?rd#$$";
(my $owner_pw_url = $owner_pw) =~ s/([^A-Za-z0-9_.~-])/sprintf('%%%02X', ord $1)/ge;
# (The test's own passwords are set out of the server's log and
# pg_stat_statements, which are searched for them at the end.)
admin('postgres', <<"SQL");
SET log_statement = 'none';
SET pg_stat_statements.track = 'none';
ALTER ROLE supabase_admin PASSWORD '$admin_pw';
CREATE ROLE anon NOLOGIN NOINHERIT;
CREATE ROLE authenticated NOLOGIN NOINHERIT;
CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS;
CREATE ROLE authenticator LOGIN NOINHERIT;
GRANT anon, authenticated, service_role TO authenticator;
CREATE ROLE postgres LOGIN NOSUPERUSER CREATEDB CREATEROLE BYPASSRLS PASSWORD '$owner_pw';
ALTER DATABASE postgres OWNER TO postgres;
CREATE DATABASE ha_ext OWNER postgres;
CREATE EXTENSION pg_stat_statements;
CREATE SCHEMA extensions;
CREATE EXTENSION pgcrypto SCHEMA extensions;
GRANT USAGE ON SCHEMA extensions TO postgres, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT ALL ON TABLES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT ALL ON SEQUENCES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT ALL ON FUNCTIONS TO anon, authenticated, service_role;
SQL
admin('ha_ext', 'CREATE EXTENSION hotel_agent');

# PgBouncer in transaction mode: SSL required from clients, SSL to the
# server; users and their SCRAM secrets looked up in the server
# (auth_query, as Supavisor does), so a role made by create-role can log in.
spew("$base/userlist.txt", qq{"supabase_admin" "$admin_pw"\n});
spew("$base/pgbouncer.ini", <<"INI");
[databases]
* = host=127.0.0.1 port=$pg_port

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $pool_port
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $base/userlist.txt
auth_user = supabase_admin
pool_mode = transaction
default_pool_size = 2
max_client_conn = 100
client_tls_sslmode = require
client_tls_cert_file = $base/server.crt
client_tls_key_file = $base/server.key
server_tls_sslmode = require
logfile = $base/pgbouncer.log
pidfile = $base/pgbouncer.pid
INI
system('chown', '-R', 'postgres:postgres', $base) if $as_root;
is(system('pgbouncer', '-d', ($as_root ? ('-u', 'postgres') : ()), "$base/pgbouncer.ini"), 0, 'pgbouncer starts');
for (1 .. 50)
{
	last if IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $pool_port);
	select(undef, undef, undef, 0.1);
}
note(sprintf('server, certificate and pooler ready in %.1fs', time - $start));

# Every external command the commands run goes through a wrapper that
# records its arguments; PATH holds nothing else, so a command not listed
# here fails the test.
my $shim = "$base/bin";
mkdir $shim or die;
for my $c (qw(make pwd bash sh sed grep head tail cut tr mktemp mkdir chmod mv rm date tee sha256sum base64 dirname psql))
{
	my $real = $c eq 'psql' ? "$bindir/psql" : qx{bash -c 'type -P $c'};
	chomp $real;
	die "no $c" unless $real;
	spew("$shim/$c", qq{#!/bin/bash\nprintf '%s\\0' "\${0##*/}" "\$@" >> $base/argv.log\nprintf '\\n' >> $base/argv.log\nexec $real "\$@"\n});
	chmod 0755, "$shim/$c";
}

my $logs = "$base/logs";
my $secrets = "$base/secrets";
our $url = "postgresql://postgres:$owner_pw_url\@127.0.0.1:$pool_port/postgres?sslmode=require";
my @outputs;
my %made;

# supa(COMMAND, STDIN, ENV...): make supabase-COMMAND; its exit status
# and everything it printed.
sub supa
{
	my ($cmd, $in, %env) = @_;
	local %ENV = %ENV;
	delete @ENV{qw(CI ENVIRONMENT INSECURE MAKEFLAGS MFLAGS MAKELEVEL)};
	$ENV{DATABASE_URL} = $url;
	$ENV{SUPABASE_LOG_DIR} = $logs;
	$ENV{SUPABASE_SECRET_DIR} = $secrets;
	$ENV{PATH} = $shim;
	@ENV{ keys %env } = values %env;
	delete $ENV{$_} for grep { !defined $env{$_} && exists $env{$_} } keys %env;
	my $out;
	my $t0 = time;
	# The Make target the first time, the script itself afterwards (the
	# same command, without Make's start-up).
	my @run = $made{$cmd}++ ? ('bash', 'tools/supabase.sh', $cmd) : ('make', '-s', '--no-print-directory', "supabase-$cmd");
	run \@run, '<', \$in, '>&', \$out;
	my $rc = $? >> 8;
	note(sprintf('%s: exit %d, %.1fs', "@run", $rc, time - $t0));
	push @outputs, $out;
	return ($rc, $out);
}

# As the owner, straight to the server (checking what the commands did).
sub owner
{
	my ($db, $sql) = @_;
	local $ENV{PGPASSWORD} = $owner_pw;
	my $out;
	run [ "$bindir/psql", '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-h', $sock, '-p', $pg_port,
		'-U', 'postgres', '-d', $db ], '<', \$sql, '>&', \$out;
	chomp $out;
	return ($? >> 8, $out);
}

# test-connection
my ($rc, $out) = supa('test-connection', '');
is($rc, 0, 'test-connection: connects') or diag($out);
note($out);
like($out, qr/^database: postgresql:\/\/postgres:\*\*\*\@127\.0\.0\.1:$pool_port\/postgres\?sslmode=require$/m,
	'it shows the URL with the password hidden');
like($out, qr/^server: PostgreSQL 1\d\.\d+ /m, 'the server version');
like($out, qr/^ssl \(pg_stat_ssl\): yes, TLSv1\.[23], /m, 'the server connection is SSL (pg_stat_ssl)');
like($out, qr/^SSL connection \(protocol: TLSv1\.[23]/m, 'and so is the client\'s connection to the pooler');
like($out, qr/^time zone: UTC$/m, 'the session time zone');
like($out, qr/^sslmode: require \(SSL required\)$/m, 'sslmode=require');
like($out, qr/^port: $pool_port, not Supabase's pooler port \(6543\)$/m, 'whether the port is the pooler\'s');
like($out, qr/^connected as postgres to database postgres$/m, 'as the URL\'s user, not this test\'s PG* variables');

{
	local $url = "postgresql://postgres:$owner_pw_url\@127.0.0.1:$pool_port/postgres";
	($rc, $out) = supa('test-connection', '');
	isnt($rc, 0, 'without sslmode=require: refused');
	like($out, qr/refused: DATABASE_URL has no sslmode: Supabase requires SSL/, 'saying why');
	unlike($out, qr/^server:/m, 'before connecting');
	($rc, $out) = supa('test-connection', "YES\n", INSECURE => 1, CI => 'true');
	isnt($rc, 0, 'INSECURE=1 with CI=true: refused');
	like($out, qr/never allowed when CI=true or ENVIRONMENT=production/, 'even with YES typed');
	unlike($out, qr/Type YES/, 'without asking');
	($rc, $out) = supa('test-connection', "YES\n", INSECURE => 1, ENVIRONMENT => 'production');
	isnt($rc, 0, 'INSECURE=1 with ENVIRONMENT=production: refused');
	($rc, $out) = supa('test-connection', "yes\n", INSECURE => 1);
	isnt($rc, 0, 'INSECURE=1 without YES typed: refused');
	like($out, qr/not confirmed/, 'as not confirmed');
	($rc, $out) = supa('test-connection', "YES\n", INSECURE => 1);
	is($rc, 0, 'INSECURE=1 with YES typed: connects') or diag($out);
	like($out, qr/^sslmode: not set \(SSL not required/m, 'and says SSL was not required');
}
{
	local $url = "postgresql://postgres\@127.0.0.1:$pool_port/postgres?sslmode=require";
	($rc, $out) = supa('test-connection', '');
	isnt($rc, 0, 'a URL without a password: fails');
	like($out, qr/^database: postgresql:\/\/postgres\@127/m, 'shown as it is');
	like($out, qr/password/i, 'with libpq\'s message (no password file, no PG* variable used)');
}
{
	local $url = "postgresql://postgres:wrong\@127.0.0.1:$pool_port/postgres?sslmode=require";
	($rc, $out) = supa('test-connection', '');
	isnt($rc, 0, 'a wrong password: fails');
	like($out, qr/authentication failed|password/i, 'with libpq\'s message');
}

# validate, before anything is installed
($rc, $out) = supa('validate', '');
isnt($rc, 0, 'validate before apply: fails');
like($out, qr/hotel_agent is not installed in this database: run make supabase-apply/, 'saying what to do');

# apply: a failure in the middle leaves nothing. An event trigger of the
# superuser fails the script's first ALTER TABLE, after it has created the
# schema, the tables and hundreds of functions.
owner('postgres', 'CREATE DATABASE ha_fail');
admin('ha_fail', <<'SQL');
CREATE FUNCTION public.fail_late() RETURNS event_trigger LANGUAGE plpgsql AS
$$BEGIN RAISE EXCEPTION 'injected failure at %', tg_tag; END$$;
CREATE EVENT TRIGGER fail_late ON ddl_command_end WHEN TAG IN ('ALTER TABLE') EXECUTE FUNCTION public.fail_late();
SQL
{
	local $url = "postgresql://postgres:$owner_pw_url\@127.0.0.1:$pool_port/ha_fail?sslmode=require";
	($rc, $out) = supa('apply', '');
	isnt($rc, 0, 'apply: a failing script fails');
	like($out, qr/injected failure at ALTER TABLE/, 'showing the error');
	like($out, qr/the transaction was rolled back, the database is as it was/, 'and saying nothing was changed');
	is(admin('ha_fail', q{SELECT count(*) FROM pg_namespace WHERE nspname = 'hotel_agent'}
		. q{ UNION ALL SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace}
		. q{ UNION ALL SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace AND proname <> 'fail_late'}),
		"0\n0\n0", 'no schema, table or function is left');
	# A hotel_agent older than this version, for which no pure-SQL upgrade
	# script exists; then a schema hotel_agent that is not hotel_agent's.
	owner('ha_fail', "CREATE SCHEMA hotel_agent; CREATE FUNCTION hotel_agent.version() RETURNS text LANGUAGE sql AS \$\$SELECT '0.9.0'\$\$;");
	($rc, $out) = supa('apply', '');
	isnt($rc, 0, 'apply over a version without an upgrade script: refused');
	like($out, qr/hotel_agent 0\.9\.0 is installed and there is no upgrade script sql\/supabase\/hotel_agent--0\.9\.0--$version\.sql/,
		'naming the script it would need');
	owner('ha_fail', 'DROP FUNCTION hotel_agent.version()');
	($rc, $out) = supa('apply', '');
	isnt($rc, 0, 'apply with a foreign schema hotel_agent: refused');
	like($out, qr/a schema hotel_agent exists without hotel_agent\.version\(\)/, 'saying so');
	local $url = "postgresql://postgres:$owner_pw_url\@127.0.0.1:$pool_port/ha_ext?sslmode=require";
	($rc, $out) = supa('apply', '');
	isnt($rc, 0, 'apply into a database with the extension: refused');
	like($out, qr/hotel_agent $version is installed in this database as an extension .* ALTER EXTENSION hotel_agent UPDATE/,
		'pointing at ALTER EXTENSION');
	is(admin('ha_ext', q{SELECT extversion || ' ' || hotel_agent.install_mode() FROM pg_extension WHERE extname = 'hotel_agent'}),
		"$version extension", 'which is left as it was');
}

($rc, $out) = supa('apply', '');
is($rc, 0, 'apply: a fresh install') or diag($out);
note($out);
like($out, qr/^fresh install of hotel_agent $version: sql\/supabase\/hotel_agent--$version\.sql$/m, 'of the pure-SQL build');
like($out, qr/^applied: hotel_agent $version \(script\)$/m, 'reporting the version and mode');
my @log = glob("$logs/supabase-apply-*.log");
ok(scalar(grep { slurp($_) =~ /^applied: hotel_agent $version/m } @log), 'the log in the log directory says so');
is((owner('postgres', "SELECT hotel_agent.version() || ' ' || hotel_agent.install_mode() || ' ' || count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relrowsecurity"))[1],
	"$version script 6", 'installed as the owner role, row level security on the six tables');
($rc, $out) = supa('apply', '');
is($rc, 0, 'apply again: succeeds');
like($out, qr/^already at $version \(hotel_agent.version\(\)\): nothing to do$/m, 'reporting that it is up to date');

# validate: a fresh install has run no maintenance yet.
($rc, $out) = supa('validate', '');
isnt($rc, 0, 'validate on a fresh install: fails');
like($out, qr/^FAILED maintenance_scheduled: pg_cron is not installed/m, 'on the maintenance not scheduled');
like($out, qr/^ok     indexes: /m, 'listing every check');
like($out, qr/2 of \d+ checks failed/, 'counting the failures');
owner('postgres', 'CALL hotel_agent.run_maintenance()');
($rc, $out) = supa('validate', '');
is($rc, 0, 'validate after a maintenance run: passes') or diag($out);
note($out);
like($out, qr/^all (\d+) checks passed \(hotel_agent $version\)$/m, 'every check passes');
owner('postgres', 'DROP INDEX public.idx_users_tenant_id');
($rc, $out) = supa('validate', '');
isnt($rc, 0, 'validate with an index dropped: fails');
like($out, qr/^FAILED indexes: .*idx_users_tenant_id/m, 'naming the index');
owner('postgres', 'CREATE INDEX idx_users_tenant_id ON public.users(tenant_id)');
($rc, $out) = supa('validate', '');
is($rc, 0, 'and passes again once it is back');

# seed
my $admin_secret = "Seed-Admin:pw/$$\\x\t'\"%";
my %seed = (SEED_TENANT_ID => 'hotel-demo', SEED_TENANT_NAME => 'Hotel Demo', SEED_ADMIN_USERNAME => 'admin',
	SEED_ADMIN_EMAIL => 'admin@hotel-demo.com', SEED_ADMIN_FULL_NAME => 'Administrator', SEED_ADMIN_PASSWORD => $admin_secret);
($rc, $out) = supa('seed', '', %seed, SEED_ADMIN_PASSWORD => undef);
isnt($rc, 0, 'seed: an admin without a password is refused');
like($out, qr/set SEED_ADMIN_PASSWORD/, 'saying where the password comes from');
($rc, $out) = supa('seed', '', %seed);
is($rc, 0, 'seed: creates') or diag($out);
note($out);
like($out, qr/^tenant hotel-demo: created \(Hotel Demo\)$/m, 'the tenant');
like($out, qr/^admin admin: created \(admin\@hotel-demo\.com, superuser of tenant hotel-demo, bcrypt cost 12\)$/m, 'the admin');
my $rows = q{SELECT string_agg(x, ' ') FROM (SELECT 'tenant:' || xmin || ':' || name AS x FROM public.tenants
	UNION ALL SELECT 'user:' || xmin || ':' || username || ':' || tenant_id || ':' || is_superuser || ':' || substr(hashed_password, 1, 7) FROM public.users
	UNION ALL SELECT 'history:' || count(*) FROM public.password_history) s};
my $before = (owner('postgres', $rows))[1];
like($before, qr/user:\d+:admin:hotel-demo:true:\$2a\$12\$/, 'a bcrypt hash of cost 12');
($rc, $out) = supa('seed', '', %seed);
is($rc, 0, 'seed again: succeeds');
like($out, qr/^tenant hotel-demo: unchanged$/m, 'the tenant unchanged');
like($out, qr/^admin admin: unchanged$/m, 'the admin unchanged');
is((owner('postgres', $rows))[1], $before, 'no row was written (the same xmin)');
($rc, $out) = supa('seed', '', %seed, SEED_TENANT_NAME => 'Hotel Demo II', SEED_ADMIN_PASSWORD => "$admin_secret-2");
is($rc, 0, 'seed with a new name and another password');
like($out, qr/^tenant hotel-demo: updated \(name Hotel Demo II, was Hotel Demo\)$/m, 'renames the tenant');
like($out, qr/the stored password is another one and was kept \(SEED_FORCE_PASSWORD=1 replaces it\)/, 'keeps the password');
($rc, $out) = supa('seed', '', %seed, SEED_TENANT_NAME => 'Hotel Demo II', SEED_ADMIN_PASSWORD => "$admin_secret-2",
	SEED_FORCE_PASSWORD => 1);
like($out, qr/^admin admin: updated \(password\)$/m, 'replaces it with SEED_FORCE_PASSWORD=1');
like((owner('postgres', $rows))[1], qr/history:1/, 'the old hash goes to password_history');

# create-role
($rc, $out) = supa('create-role', '');
is($rc, 0, 'create-role: creates hotel_backend') or diag($out);
note($out);
like($out, qr/^role hotel_backend: created \(LOGIN, nothing else\)$/m, 'a login role');
like($out, qr/^granted: EXECUTE ON FUNCTION hotel_agent.record_lock_event/m, 'with grant_backend_access()');
like($out, qr/^row level security: policy hotel_agent_backend_hotel_backend on public.users$/m, 'and a policy per table');
like($out, qr/^  postgresql:\/\/hotel_backend:PASSWORD\@127\.0\.0\.1:6543\/postgres\?sslmode=require$/m,
	'the backend\'s DATABASE_URL with a placeholder');
my $pwfile = "$secrets/hotel_backend.password";
is(sprintf('%o', (stat $pwfile)[2] & 07777), '600', 'the password file has mode 0600');
my $role_pw = slurp($pwfile);
chomp $role_pw;
like($role_pw, qr/^[0-9a-f]{64}$/, 'and holds 64 hexadecimal digits');
($rc, $out) = supa('create-role', '');
isnt($rc, 0, 'create-role again: refused');
like($out, qr/role "hotel_backend" exists already/, 'the role exists');
is(slurp($pwfile), "$role_pw\n", 'the password file is kept');

# The backend's calls as that role, through the pooler over SSL, with
# asyncpg as the backend (test/pooler/backend_calls.py).
sub as_backend
{
	my ($sql, $pw) = @_;
	local %ENV = %ENV;
	delete @ENV{ grep { /^PG/ } keys %ENV };
	@ENV{qw(PGHOST PGPORT PGUSER PGDATABASE PGSSLMODE PGPASSWORD)} =
	  ('127.0.0.1', $pool_port, 'hotel_backend', 'postgres', 'require', $pw // $role_pw);
	my $o;
	run [ "$bindir/psql", '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1' ], '<', \$sql, '>&', \$o;
	chomp $o;
	return ($? >> 8, $o);
}
is((as_backend("SELECT current_user || ' ' || current_setting('TimeZone') || ' ' || (SELECT count(*) FROM public.users)"))[1],
	'hotel_backend UTC 1', 'the role logs in through the pooler, in UTC, and reads the rows');
{
	local %ENV = %ENV;
	$ENV{POOLER_DSN} = "postgresql://hotel_backend:$role_pw\@127.0.0.1:$pool_port/postgres?sslmode=require";
	$ENV{POOLER_ROLE} = 'hotel_backend';
	$out = qx{/usr/bin/python3 test/pooler/backend_calls.py 2>&1};
	is($?, 0, 'the backend\'s calls (asyncpg) through the pooler all pass as that role') or diag($out);
}
my @denied;
for my $stmt ('SELECT * FROM hotel_agent.maintenance_log', 'DELETE FROM public.user_sessions', 'TRUNCATE public.users',
	'CREATE TABLE public.x (i int)', "SELECT hotel_agent.grant_backend_access('hotel_backend', true)",
	'CALL hotel_agent.run_maintenance()', 'UPDATE public.lock_audit SET lock_key = lock_key',
	'SELECT * FROM hotel_agent.backlog_census', 'ALTER TABLE public.users DISABLE ROW LEVEL SECURITY',
	"SELECT setval('public.tenants_id_seq', 1)")
{
	my ($r, $o) = as_backend($stmt);
	push @denied, $stmt if $r && $o =~ /permission denied|must be owner/;
	diag("$stmt: $o") unless $r && $o =~ /permission denied|must be owner/;
}
is(scalar(@denied), 10, 'and is denied what the backend must not do (10 of 10)');

($rc, $out) = supa('create-role', '', ROTATE => 1);
is($rc, 0, 'create-role with ROTATE=1: a new password') or diag($out);
my $new_pw = slurp($pwfile);
chomp $new_pw;
isnt($new_pw, $role_pw, 'written to the file');
isnt((as_backend('SELECT 1', $role_pw))[0], 0, 'the old one no longer logs in');
is((as_backend('SELECT 1', $new_pw))[1], '1', 'the new one does');

# No secret anywhere: outputs, logs, the server's log (every statement),
# pg_stat_statements, the arguments of every process the commands ran.
my $stats = admin('postgres', 'SELECT string_agg(query, E\'\\n\') FROM pg_stat_statements');
my $argv = slurp("$base/argv.log");
ok(length($argv) > 0 && $argv =~ /^psql\0/m && $argv =~ /^base64\0/m, 'the commands\' processes were recorded');
my %where = (outputs => join("\n", @outputs), logs => join("\n", map { slurp($_) } glob("$logs/*")),
	'server log' => slurp("$base/server.log"), pg_stat_statements => $stats, 'process arguments' => $argv);
like($where{'server log'}, qr/LOG:  statement: .*seed_secret/, 'the server logged the statements');
my %secret = ('the URL\'s password' => $owner_pw, 'the URL\'s password, escaped' => $owner_pw_url,
	'the admin\'s password' => $admin_secret, 'the admin\'s new password' => "$admin_secret-2",
	'the role\'s password' => $role_pw, 'the role\'s new password' => $new_pw);
for my $w (sort keys %where)
{
	my @found = grep { index($where{$w}, $secret{$_}) >= 0 } sort keys %secret;
	is_deeply(\@found, [], "no secret in the $w");
}
# The seeded hash checks with the password (last: this query holds it).
is((owner('postgres', "SELECT extensions.crypt(\$s\$$admin_secret-2\$s\$, hashed_password) = hashed_password FROM public.users WHERE username = 'admin'"))[1],
	't', 'the admin\'s hash is bcrypt of the password given');

note(sprintf('test time: %.0fs', time - $start));
done_testing();

# PgBouncer and the server stop whatever happened.
END
{
	if (defined $base)
	{
		kill 'TERM', slurp("$base/pgbouncer.pid") =~ /(\d+)/ if -f "$base/pgbouncer.pid";
		system(@run_as, "$bindir/pg_ctl", '-D', $data, '-m', 'fast', '-s', 'stop') if -f "$data/postmaster.pid";
	}
}
