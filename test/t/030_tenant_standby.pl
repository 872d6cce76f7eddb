# Tenant resolution works on a hot standby: resolve_tenant(),
# resolve_tenant_info(), explain_resolution() and tenant_is_open() only
# read, through both the direct index path and the checked (SPI) path, and
# a suspension made on the primary is seen once it is replayed.
# Every reading function answers on the standby exactly as on the primary;
# every writing function (and CALL run_maintenance()) fails there with
# PostgreSQL's read-only error, SQLSTATE 25006, and the standby lives on.
#
# Runs inside the throwaway cluster of test/run.sh (PG* variables set, the
# primary allowing replication connections, as pg_virtualenv sets it up):
# the standby is a pg_basebackup of it, started on a private socket.
use strict;
use warnings;
use File::Temp qw(tempdir);
use Test::More;

my $db = 'hotel_agent_standby';
my $bindir = `\${PG_CONFIG:-pg_config} --bindir`;
chomp $bindir;
$bindir = '/usr/lib/postgresql/15/bin' unless -x "$bindir/pg_ctl";

# The standby's files must belong to the server's OS user: when run as
# root (make test), that is postgres.
my $as_root = ($> == 0);
my @run_as = $as_root ? ('runuser', '-u', 'postgres', '--') : ();

my $base = tempdir(CLEANUP => 1);
chmod 0755, $base;
my $data = "$base/data";
my $sock = "$base/sock";
mkdir $sock or die;
my $port = 50000 + ($$ % 10000);
system('chown', '-R', 'postgres:postgres', $base) if $as_root;

sub query
{
	my ($where, $sql) = @_;
	my @conn = $where eq 'standby'
	  ? ('-h', $sock, '-p', $port, '-U', $ENV{PGUSER} // 'postgres')
	  : ();
	open(my $fh, '-|', 'psql', '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1',
		@conn, '-d', $db, '-c', $sql)
	  or die "psql: $!";
	my $out = do { local $/; <$fh> } // '';
	close $fh;
	die "psql on $where failed: $sql" if $?;
	chomp $out;
	return $out;
}

# psql's outcome without dying: (exit status, output with errors).
sub try_query
{
	my ($sql) = @_;
	my $out = qx{psql -X -q -At -h $sock -p $port -d $db -c "$sql" 2>&1};
	chomp $out;
	return ($? >> 8, $out);
}

system("dropdb --if-exists $db >/dev/null 2>&1");
is(system("createdb $db"), 0, 'create database on the primary');
query('primary', <<'SQL');
CREATE EXTENSION hotel_agent;
INSERT INTO public.tenants (tenant_id, name, business_hours_start, business_hours_end, business_hours_timezone)
VALUES ('hotel-standby', 'Standby', 9, 17, 'America/New_York'), ('hotel-other', 'Other', NULL, NULL, NULL);
SELECT hotel_agent.add_tenant_identifier('hotel-standby', '+54 9 11 1234-5678');
SELECT hotel_agent.add_tenant_identifier('hotel-other', 'Guest@Example.COM');
SELECT hotel_agent.add_tenant_identifier('hotel-other', '+52 1 55 1234 5678');
INSERT INTO public.users (id, username, email, hashed_password)
VALUES ('u1', 'ana', 'ana@example.com', 'x'), ('u2', 'bob', 'bob@example.com', 'x');
INSERT INTO public.user_sessions (id, user_id, token_jti, expires_at, is_revoked)
VALUES ('s1', 'u1', 'jti-live', (now() AT TIME ZONE 'UTC') + interval '1 day', false),
       ('s2', 'u1', 'jti-revoked', (now() AT TIME ZONE 'UTC') + interval '1 day', true),
       ('s3', 'u2', 'jti-expired', (now() AT TIME ZONE 'UTC') - interval '30 days', false);
INSERT INTO public.password_history (user_id, password_hash, created_at)
SELECT 'u1', 'hash-' || g, timestamp '2025-01-01' + g * interval '1 day' FROM generate_series(1, 4) g;
SELECT hotel_agent.record_lock_event('room:1', 'acquired', '{"holder": "w1"}');
INSERT INTO public.lock_audit (lock_key, event_type, timestamp)
VALUES ('room:0', 'released', (now() AT TIME ZONE 'UTC') - interval '1 year');
DO $$ BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'regress_standby_reader') THEN
		CREATE ROLE regress_standby_reader;
	END IF;
END $$;
GRANT SELECT ON public.tenants, public.tenant_user_identifiers TO regress_standby_reader;
ALTER TABLE public.tenants ENABLE ROW LEVEL SECURITY;
CREATE POLICY everyone ON public.tenants FOR SELECT USING (true);
SQL

# The standby: a base backup with standby.signal and primary_conninfo.
my $bb = system(@run_as, "$bindir/pg_basebackup", '-D', $data, '-R',
	'-X', 'stream', '-c', 'fast', '-d',
	"host=$ENV{PGHOST} port=" . ($ENV{PGPORT} // 5432) . " user=$ENV{PGUSER} password=$ENV{PGPASSWORD}");
is($bb, 0, 'base backup of the primary');
# Debian keeps the configuration outside the data directory: give the
# standby its own.
open(my $conf, '>', "$data/postgresql.conf") or die;
print $conf "port = $port\nlisten_addresses = ''\nunix_socket_directories = '$sock'\n"
  . "hot_standby = on\nTimeZone = 'UTC'\n";
close $conf;
open(my $hba, '>', "$data/pg_hba.conf") or die;
print $hba "local all all trust\n";
close $hba;
system('chown', 'postgres:postgres', "$data/postgresql.conf", "$data/pg_hba.conf") if $as_root;
is(system(@run_as, "$bindir/pg_ctl", '-D', $data, '-l', "$base/standby.log", '-w', 'start'),
	0, 'standby starts');

# Wait for the standby to have replayed everything the primary wrote.
sub wait_for_replay
{
	my $lsn = query('primary', 'SELECT pg_catalog.pg_current_wal_lsn()');
	for (1 .. 300)
	{
		return 1 if query('standby',
			"SELECT pg_catalog.pg_last_wal_replay_lsn() >= '$lsn'::pg_lsn") eq 't';
		select(undef, undef, undef, 0.1);
	}
	return 0;
}
ok(wait_for_replay(), 'standby caught up');

is(query('standby', 'SELECT pg_catalog.pg_is_in_recovery()'), 't', 'it is a standby');
is(query('standby', "SELECT hotel_agent.resolve_tenant('5491112345678\@s.whatsapp.net')"),
	'hotel-standby', 'resolve_tenant on the standby (direct path)');
is(query('standby', "SELECT hotel_agent.resolve_tenant('guest\@example.com')"),
	'hotel-other', 'an e-mail on the standby');
is(query('standby', "SELECT hotel_agent.resolve_tenant('not a number')"), '',
	'garbage gives NULL on the standby');
is(query('standby',
	"SELECT tenant_id || ' ' || matched_key FROM hotel_agent.resolve_tenant_info('+54 9 11 1234 5678')"),
	'hotel-standby +5491112345678', 'resolve_tenant_info on the standby');
like(query('standby', "SELECT verdict FROM hotel_agent.explain_resolution('5491112345678')"),
	qr/^resolves to tenant "hotel-standby"/, 'explain_resolution on the standby');
is(query('standby', "SELECT hotel_agent.tenant_is_open('hotel-standby', '2025-03-09 13:30+00')"),
	't', 'tenant_is_open on the standby');
is(query('standby',
	"SET ROLE regress_standby_reader; SELECT hotel_agent.resolve_tenant('5491112345678')"),
	'hotel-standby', 'resolve_tenant on the standby (checked path, row level security)');
my ($rc, $out) = try_query("SELECT hotel_agent.add_tenant_identifier('hotel-other', '+5491187654321')");
like($out, qr/read-only transaction/, 'writes are refused on the standby, as they should');

# Every reading function: the same answer on both.
my @reads = (
	"SELECT hotel_agent.resolve_tenant(x) FROM unnest(ARRAY['+54 9 11 1234-5678', '5491112345678\@s.whatsapp.net', "
	  . "'GUEST\@example.com', 'mailto:guest\@example.com', '+52 55 1234 5678', '5215512345678', 'not a number', '', "
	  . "'120363000000000000\@g.us']) x",
	"SELECT r::text FROM unnest(ARRAY['+54 9 11 1234 5678', 'guest\@example.com', '+52 1 55 1234 5678', 'nobody']) x, "
	  . "hotel_agent.resolve_tenant_info(x) r",
	"SELECT r::text FROM unnest(ARRAY['5491112345678', 'guest\@example.com', '11 1234-5678', 'garbage', '+5491187654321']) x, "
	  . "hotel_agent.explain_resolution(x, 'AR') r",
	"SELECT hotel_agent.session_is_active(x) FROM unnest(ARRAY['jti-live', 'jti-revoked', 'jti-expired', 'jti-none', '']) x",
	"SELECT hotel_agent.tenant_is_open('hotel-standby', t) FROM unnest(ARRAY['2025-03-09 13:30+00', '2025-03-09 03:30+00']::timestamptz[]) t",
	"SELECT hotel_agent.password_history_hashes('u1', 2)",
	"SELECT hotel_agent.normalize_identifier('+54 9 11 1234-5678') || hotel_agent.phone_match_keys('+5491112345678')::text",
	"SELECT count(*) FROM hotel_agent.identifier_conflicts()",
	"SELECT hotel_agent.is_valid_time_zone('America/New_York')::text || hotel_agent.password_history_keep()",
	"SELECT r::text FROM hotel_agent.lock_report('-infinity', 'infinity') r",
	"SELECT lock_key || ' ' || coalesce(holder_id, '-') FROM hotel_agent.locks_never_released('0', '100 years')",
);
for my $sql (@reads)
{
	my $primary = query('primary', $sql);
	is(query('standby', $sql), $primary, "same answer on the standby: $sql");
}

# Every writing function: SQLSTATE 25006 (read-only transaction), no crash.
my @writes = (
	"SELECT hotel_agent.add_tenant_identifier('hotel-other', 'new\@example.com')",
	"SELECT hotel_agent.remove_tenant_identifier('guest\@example.com')",
	"SELECT hotel_agent.prune_password_history('u1', 1)",
	"SELECT hotel_agent.prune_all_password_history(1, NULL)",
	"SELECT hotel_agent.revoke_session('jti-live')",
	"SELECT hotel_agent.revoke_user_sessions('u1')",
	"SELECT hotel_agent.cleanup_expired_sessions('1 day', NULL)",
	"SELECT hotel_agent.record_lock_event('room:2', 'acquired')",
	"SELECT hotel_agent.purge_lock_audit('1 day', NULL)",
	"CALL hotel_agent.run_maintenance()",
);
for my $sql (@writes)
{
	my $out = qx{psql -X -q -At -v VERBOSITY=sqlstate -h $sock -p $port -d $db -c "$sql" 2>&1};
	like($out, qr/ERROR:\s+25006/, "refused on the standby with 25006: $sql")
	  or diag($out);
}
is(query('standby', 'SELECT pg_catalog.pg_is_in_recovery()'), 't',
	'the standby is still up and in recovery after the refused writes');
is(query('standby', "SELECT hotel_agent.session_is_active('jti-live')"), 't',
	'and nothing was revoked');

# A suspension on the primary reaches the standby's answers.
query('primary', "UPDATE public.tenants SET status = 'suspended' WHERE tenant_id = 'hotel-standby'");
ok(wait_for_replay(), 'standby caught up after the suspension');
is(query('standby', "SELECT hotel_agent.resolve_tenant('5491112345678')"), '',
	'the suspended tenant no longer resolves on the standby');

system(@run_as, "$bindir/pg_ctl", '-D', $data, '-m', 'fast', '-w', 'stop');
system("dropdb $db");
system(qq{psql -X -q -c "DROP ROLE IF EXISTS regress_standby_reader"});

if (!Test::More->builder->is_passing && -f "$base/standby.log")
{
	diag(`tail -n 30 $base/standby.log`);
}
done_testing();
