# Crash recovery: every process of the server is killed with SIGKILL in the
# middle of (a) a bulk load of tenant identifiers, (b) a run of
# prune_all_password_history() calls and (c) CALL run_maintenance(); after
# crash recovery every transaction that had committed before the kill is
# there, nothing of a transaction that had not is visible, and amcheck finds
# every index of the six tables consistent with its heap.
#
# Each workload is made of transactions whose effect can be recognised
# afterwards: a batch of the bulk load writes a marker row with the number
# of identifiers it added; a pruning call leaves its users with exactly
# `keep` hashes and the others untouched; a maintenance batch deletes exactly
# batch_size expired sessions.  What had committed is counted from another
# connection just before the kill.
#
# Starts its own server (initdb, pg_ctl) on a private socket and port; run
# by test/run.sh like the other TAP files.
use strict;
use warnings;
use File::Temp qw(tempdir);
use POSIX qw(WNOHANG);
use Test::More;

my $bindir = `\${PG_CONFIG:-pg_config} --bindir`;
chomp $bindir;
$bindir = '/usr/lib/postgresql/15/bin' unless -x "$bindir/pg_ctl";

# The server's files must belong to its OS user: as root (make test), postgres.
my $as_root = ($> == 0);
my @run_as = $as_root ? ('runuser', '-u', 'postgres', '--') : ();
my $superuser = $as_root ? 'postgres' : scalar getpwuid($<);

my $base = tempdir(CLEANUP => 1);
chmod 0755, $base;
my $data = "$base/data";
my $sock = "$base/sock";
my $log = "$base/server.log";
mkdir $sock or die;
my $port = 40000 + ($$ % 10000);
system('chown', '-R', 'postgres:postgres', $base) if $as_root;
my $db = 'crash';
my @conn = ('-h', $sock, '-p', $port, '-U', $superuser, '-d', $db);

sub query
{
	my ($sql) = @_;
	open(my $fh, '-|', 'psql', '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', @conn, '-c', $sql)
	  or die "psql: $!";
	my $out = do { local $/; <$fh> } // '';
	close $fh;
	die "psql failed: $sql" if $?;
	chomp $out;
	return $out;
}

sub start_server
{
	my $rc = system(@run_as, "$bindir/pg_ctl", '-D', $data, '-l', $log, '-w', '-t', '120', 'start');
	return $rc == 0;
}

# Runs an SQL file in the background; returns the pid of its psql.
sub background
{
	my ($name, $sql) = @_;
	open(my $fh, '>', "$base/$name.sql") or die;
	print $fh $sql;
	close $fh;
	my $pid = fork();
	die "fork: $!" unless defined $pid;
	if ($pid == 0)
	{
		open(STDOUT, '>', "$base/$name.out") or die;
		open(STDERR, '>&', \*STDOUT) or die;
		exec('psql', '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', @conn, '-f', "$base/$name.sql")
		  or die "exec: $!";
	}
	return $pid;
}

# Polls $sql (every 20 ms, at most 60 s) until it returns 't'.
sub wait_until
{
	my ($sql) = @_;
	for (1 .. 3000)
	{
		return 1 if query($sql) eq 't';
		select(undef, undef, undef, 0.02);
	}
	return 0;
}

# SIGKILL to the postmaster and every one of its children at once, then
# crash recovery.  Returns true once the server accepts connections again.
sub crash_and_recover
{
	my ($workload_pid) = @_;
	open(my $pf, '<', "$data/postmaster.pid") or die "postmaster.pid: $!";
	my $postmaster = <$pf>;
	close $pf;
	chomp $postmaster;
	my @children = split ' ', `ps -o pid= --ppid $postmaster`;
	kill 'KILL', $postmaster, @children;
	for (1 .. 600)
	{
		last unless kill 0, $postmaster, @children;
		select(undef, undef, undef, 0.05);
	}
	ok(!kill(0, $postmaster), 'postmaster killed (' . (1 + @children) . ' processes)');
	waitpid($workload_pid, 0);
	ok($? != 0, 'the workload was cut off by the crash');
	my $lines_before = `wc -l < $log` + 0;
	ok(start_server(), 'server restarts');
	my @after = split /\n/, `tail -n +$lines_before $log`;
	ok((grep { /database system was interrupted|not properly shut down/ } @after),
		'the restart ran crash recovery');
}

# amcheck (bt_index_check with heapallindexed) on every index of the six
# tables and of the extension's own; a corrupt index is named, not fatal.
sub check_indexes
{
	my ($what) = @_;
	my $out = query(<<'SQL');
SELECT count(*) || ' ' || coalesce(string_agg(problem, '; ') FILTER (WHERE problem <> ''), '')
FROM crash_check_indexes() c(problem)
SQL
	my ($n, $problems) = split ' ', $out, 2;
	$problems //= '';
	ok($n >= 20 && $problems eq '', "$what: amcheck finds all $n indexes consistent")
	  or diag($problems);
}
# --- the server --------------------------------------------------------------
is(system(@run_as, "$bindir/initdb", '-D', $data, '-A', 'trust', '-U', $superuser,
	'--encoding=UTF8', '--locale=C.UTF-8', '-N'), 0, 'initdb')
  or BAIL_OUT('initdb failed');
open(my $conf, '>>', "$data/postgresql.conf") or die;
print $conf "port = $port\nlisten_addresses = ''\nunix_socket_directories = '$sock'\n"
  . "TimeZone = 'UTC'\nfsync = on\nrestart_after_crash = off\n";
close $conf;
ok(start_server(), 'server starts') or BAIL_OUT('server does not start');
system('psql', '-X', '-q', '-h', $sock, '-p', $port, '-U', $superuser, '-d', 'postgres',
	'-c', "CREATE DATABASE $db");
query(<<'SQL');
CREATE EXTENSION hotel_agent;
CREATE EXTENSION amcheck;
ALTER DATABASE crash SET hotel_agent.password_history_keep = 5;
CREATE TABLE crash_batches (batch integer PRIMARY KEY, identifiers integer NOT NULL);
CREATE FUNCTION crash_check_indexes() RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
    i regclass;
BEGIN
    FOR i IN SELECT x.indexrelid::regclass
             FROM pg_index x
             JOIN pg_class c ON c.oid = x.indexrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace
             JOIN pg_am a ON a.oid = c.relam
             WHERE n.nspname IN ('public', 'hotel_agent') AND a.amname = 'btree'
    LOOP
        BEGIN
            PERFORM bt_index_check(i, heapallindexed => true);
            RETURN NEXT '';
        EXCEPTION WHEN OTHERS THEN
            RETURN NEXT i::text || ': ' || SQLERRM;
        END;
    END LOOP;
END;
$$;
SQL

# --- (a) a bulk load of identifiers -------------------------------------------
# 300 transactions; each adds a tenant, 20 e-mails and 20 phone numbers, and
# its marker row.
my $per_batch = 20;
my $batches = 300;
my $load = '';
for my $b (1 .. $batches)
{
	my $lo = $b * $per_batch;
	my $hi = $lo + $per_batch - 1;
	$load .= <<"SQL";
BEGIN;
INSERT INTO public.tenants (tenant_id, name) VALUES ('bulk-$b', 'Bulk $b');
SELECT count(hotel_agent.add_tenant_identifier('bulk-$b', 'guest' || i || '\@bulk.example'))
  + count(hotel_agent.add_tenant_identifier('bulk-$b', '+54 9 11 4' || lpad(i::text, 7, '0')))
FROM generate_series($lo, $hi) i;
INSERT INTO crash_batches VALUES ($b, 2 * $per_batch);
COMMIT;
SQL
}
my $pid = background('bulk', $load);
ok(wait_until('SELECT count(*) >= 20 FROM crash_batches'), 'bulk load under way');
my $committed = query('SELECT max(batch) FROM crash_batches');
crash_and_recover($pid);

my $seen = query('SELECT count(*) FROM crash_batches WHERE batch <= ' . $committed);
is($seen, $committed, "the $committed batches committed before the kill are there");
my $after = query('SELECT max(batch) FROM crash_batches');
ok($after < $batches, "the load was cut off after batch $after of $batches");
is(query(<<'SQL'), '0', 'every batch is all there or not at all');
SELECT count(*)
FROM crash_batches b
FULL JOIN (SELECT t.tenant_id, count(i.id) AS n
           FROM public.tenants t
           LEFT JOIN public.tenant_user_identifiers i ON i.tenant_id = t.id
           WHERE t.tenant_id LIKE 'bulk-%'
           GROUP BY t.tenant_id) x ON x.tenant_id = 'bulk-' || b.batch
WHERE b.batch IS NULL OR x.tenant_id IS NULL OR x.n <> b.identifiers
SQL
is(query('SELECT count(*) FROM public.tenant_user_identifiers'), $after * 2 * $per_batch,
	'no identifier outside a committed batch');
my $probe = $after * $per_batch + $per_batch - 1;
is(query("SELECT hotel_agent.resolve_tenant('5491140" . sprintf('%06d', $probe) . "')"),
	"bulk-$after", 'the last committed batch resolves through the index');
check_indexes('after the bulk load');

# --- (b) prune_all_password_history ---------------------------------------------
# 4000 users with 20 hashes each; calls that prune 200 users at a time.
my $users = 4000;
my $per_call = 200;
query(<<"SQL");
INSERT INTO public.users (id, username, email, hashed_password)
SELECT 'u' || i, 'user' || i, 'user' || i || '\@hotel.example', 'x'
FROM generate_series(1, $users) i;
SET hotel_agent.password_history_keep = 0;
INSERT INTO public.password_history (user_id, password_hash, created_at)
SELECT 'u' || i, 'hash-' || i || '-' || j, timestamp '2025-01-01' + j * interval '1 day'
FROM generate_series(1, $users) i, generate_series(1, 20) j;
SQL
my $prune = '';
$prune .= "SELECT hotel_agent.prune_all_password_history(5, $per_call);\nSELECT pg_sleep(0.02);\n"
  for 1 .. $users / $per_call;
$pid = background('prune', $prune);
my $users_pruned = <<'SQL';
SELECT count(*) FROM (SELECT 1 FROM public.password_history
                      GROUP BY user_id HAVING count(*) = 5) p
SQL
ok(wait_until("SELECT ($users_pruned) >= 2 * $per_call"
	  . " AND EXISTS (SELECT 1 FROM pg_stat_activity WHERE state = 'active'"
	  . " AND query LIKE '%prune_all_password_history%' AND pid <> pg_backend_pid())"),
	'pruning under way');
$committed = query($users_pruned);
crash_and_recover($pid);

my $pruned = query($users_pruned);
ok($pruned >= $committed, "the $committed users pruned before the kill stay pruned ($pruned)");
ok($pruned < $users, 'the pruning was cut off');
is($pruned % $per_call, 0, 'whole calls only: the pruned users are a multiple of max_users');
is(query(<<'SQL'), '0', 'every user has all 20 hashes or exactly the newest 5');
SELECT count(*)
FROM (SELECT user_id, count(*) AS n, min(created_at) AS oldest
      FROM public.password_history GROUP BY user_id) h
WHERE NOT ((n = 20 AND oldest = timestamp '2025-01-02')
           OR (n = 5 AND oldest = timestamp '2025-01-17'))
SQL
is(query('SELECT count(DISTINCT user_id) FROM public.password_history'), $users,
	'no user lost its history');
check_indexes('after the pruning');

# --- (c) CALL run_maintenance() -------------------------------------------------
# 60000 sessions expired for a month, 1000 live ones, 20000 lock events of
# last year and 1000 of today; batches of 50 (1200 commits in the sessions
# task, seconds of work: the kill lands in it).
my $batch = 50;
query(<<'SQL');
INSERT INTO public.user_sessions (id, user_id, token_jti, expires_at)
SELECT 's' || i, 'u' || (1 + i % 4000), 'jti-' || i,
       CASE WHEN i <= 60000 THEN (now() AT TIME ZONE 'UTC') - interval '30 days' + i * interval '1 second'
            ELSE (now() AT TIME ZONE 'UTC') + interval '1 day' END
FROM generate_series(1, 61000) i;
INSERT INTO public.lock_audit (lock_key, event_type, timestamp)
SELECT 'room:' || i, 'acquired',
       CASE WHEN i <= 20000 THEN (now() AT TIME ZONE 'UTC') - interval '1 year'
            ELSE now() AT TIME ZONE 'UTC' END
FROM generate_series(1, 21000) i;
SQL
$pid = background('maintenance', "CALL hotel_agent.run_maintenance($batch);\n");
my $expired = "SELECT count(*) FROM public.user_sessions WHERE expires_at < now() AT TIME ZONE 'UTC'";
ok(wait_until("SELECT ($expired) <= 60000 - 20 * $batch"), 'maintenance under way');
$committed = 60000 - query($expired);
crash_and_recover($pid);

my $deleted = 60000 - query($expired);
ok($deleted >= $committed, "the $committed sessions deleted before the kill stay deleted ($deleted)");
ok($deleted < 60000, 'the maintenance was cut off in the sessions task');
is($deleted % $batch, 0, 'whole batches only: the deleted sessions are a multiple of batch_size');
is(query('SELECT count(*) FROM public.user_sessions WHERE expires_at > now() AT TIME ZONE \'UTC\''),
	1000, 'no live session was touched');
is(query('SELECT count(*) FROM public.password_history GROUP BY user_id HAVING count(*) <> 5'),
	'', 'the password-history task, committed before, is complete');
is(query('SELECT string_agg(task, \',\' ORDER BY id) FROM hotel_agent.maintenance_log'),
	'password_history', 'the log shows the finished task only');
is(query('SELECT count(*) FROM public.lock_audit'), 21000, 'the lock-audit task had not begun');
check_indexes('after the maintenance');

# The recovered database finishes the job.
query("CALL hotel_agent.run_maintenance($batch)");
is(query("$expired"), 0, 'a new run deletes the rest of the expired sessions');
is(query('SELECT count(*) FROM public.lock_audit'), 1000, 'and the old lock events');
check_indexes('after a full maintenance run');

system(@run_as, "$bindir/pg_ctl", '-D', $data, '-m', 'fast', '-w', 'stop');
if (!Test::More->builder->is_passing)
{
	diag(`tail -n 40 $log`);
	diag(`tail -n 5 $base/$_.out`) for grep { -f "$base/$_.out" } qw(bulk prune maintenance);
}
done_testing();
