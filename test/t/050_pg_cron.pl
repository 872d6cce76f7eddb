# Scheduled maintenance that really runs: pg_cron (Debian 12: 1.4, whose
# finest schedule is once a minute) runs hotel_agent.run_maintenance() in a
# server of this test's own, set up with the README's steps ("Maintenance",
# setting pg_cron up): a file in the configuration's conf.d directory
# (Debian's postgresql.conf includes it) with shared_preload_libraries,
# cron.database_name, cron.use_background_workers and max_worker_processes,
# then a restart. (ALTER SYSTEM cannot set cron.* before pg_cron is loaded.) With background workers the jobs need no connection, so
# no password is asked (Debian's pg_hba.conf asks one for TCP).
#
# A job that fails (CALL hotel_agent.run_maintenance(0)) runs in the same
# minute: validate() reports it, and stops reporting it once it is gone.
# The whole test waits for one minute boundary (at most 75 s).
use strict;
use warnings;
use File::Temp qw(tempdir);
use Test::More;
use Time::HiRes qw(time sleep);

my $bindir = `\${PG_CONFIG:-pg_config} --bindir`;
chomp $bindir;
$bindir = '/usr/lib/postgresql/15/bin' unless -x "$bindir/pg_ctl";

# The server's files must belong to its OS user: as root (make test), that
# is postgres.
my $as_root = ($> == 0);
my @run_as = $as_root ? ('runuser', '-u', 'postgres', '--') : ();

my $base = tempdir(CLEANUP => 1);
chmod 0755, $base;
my $data = "$base/data";
my $sock = "$base/sock";
mkdir $sock or die;
system('chown', '-R', 'postgres:postgres', $base) if $as_root;
my $port = 40000 + ($$ % 10000);
my $db = 'hotel_agent_cron';
my $user = $as_root ? 'postgres' : scalar getpwuid($>);

sub query
{
	my ($dbname, $sql) = @_;
	open(my $fh, '-|', 'psql', '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1',
		'-h', $sock, '-p', $port, '-U', $user, '-d', $dbname, '-c', $sql)
	  or die "psql: $!";
	my $out = do { local $/; <$fh> } // '';
	close $fh;
	die "psql failed: $sql" if $?;
	chomp $out;
	return $out;
}

sub pg_ctl
{
	return system(@run_as, "$bindir/pg_ctl", '-D', $data, '-l', "$base/server.log",
		'-w', '-t', '60', @_);
}

my $started = time;
is(system(join(' ', @run_as, "$bindir/initdb", '-D', $data, '-U', $user, '-A', 'trust',
		'--encoding=UTF8', '--locale=C.UTF-8', '>/dev/null')), 0, 'initdb');
# Like Debian's /etc/postgresql/15/main/postgresql.conf: include conf.d.
mkdir "$data/conf.d" or die;
open(my $conf, '>>', "$data/postgresql.conf") or die;
print $conf "port = $port\nlisten_addresses = ''\nunix_socket_directories = '$sock'\n"
  . "TimeZone = 'UTC'\ninclude_dir = 'conf.d'\n";
close $conf;
system('chown', '-R', 'postgres:postgres', "$data/conf.d") if $as_root;
is(pg_ctl('start'), 0, 'server starts');
query('postgres', "CREATE DATABASE $db");

# The README's steps, word for word but for the database's name and the
# directory.
open(my $cron_conf, '>', "$data/conf.d/pg_cron.conf") or die;
print $cron_conf <<"CONF";
shared_preload_libraries = 'pg_cron'
cron.database_name = '$db'
cron.use_background_workers = on
max_worker_processes = 20
CONF
close $cron_conf;
is(pg_ctl('restart'), 0, 'server restarts with pg_cron');
query($db, 'CREATE EXTENSION hotel_agent');
query($db, 'CREATE EXTENSION pg_cron');
is(query($db, 'SHOW cron.use_background_workers'), 'on', 'pg_cron runs its jobs in background workers');

# Something to clean up: 3 sessions expired long ago, 1 live.
query($db, <<'SQL');
INSERT INTO public.users (id, username, email, hashed_password) VALUES ('cu1', 'cron', 'cron@example.com', 'x');
INSERT INTO public.user_sessions (id, user_id, token_jti, expires_at)
SELECT 'cs' || g, 'cu1', 'cron-jti-' || g,
	   (now() AT TIME ZONE 'UTC') + CASE WHEN g <= 3 THEN interval '-30 days' ELSE interval '1 hour' END
FROM generate_series(1, 4) g;
SQL

my $job = query($db, "SELECT hotel_agent.schedule_maintenance('* * * * *')");
like($job, qr/^\d+$/, "maintenance scheduled every minute (job $job)");
my $broken = query($db,
	"SELECT cron.schedule('hotel_agent-maintenance-broken', '* * * * *', 'CALL hotel_agent.run_maintenance(0)')");
like($broken, qr/^\d+$/, "a failing maintenance job scheduled too (job $broken)");
is(query($db, "SELECT ok FROM hotel_agent.validate() WHERE check_name = 'maintenance_last_run'"),
	't', 'validate(): no run yet is not a failure');

# Both jobs run at the next minute boundary; wait for both to finish.
my $finished = "SELECT count(DISTINCT jobid) FROM cron.job_run_details
	WHERE jobid IN ($job, $broken) AND status IN ('succeeded', 'failed')";
my $wait_start = time;
my $done = 0;
while (time - $wait_start < 75)
{
	$done = query($db, $finished);
	last if $done == 2;
	sleep 0.5;
}
my $waited = time - $wait_start;
is($done, 2, sprintf('both jobs ran within %.0f s', $waited));
note(sprintf('waited %.1f s for the minute boundary', $waited));

is(query($db, "SELECT status FROM cron.job_run_details WHERE jobid = $job ORDER BY runid LIMIT 1"),
	'succeeded', 'the maintenance run succeeded');
is(query($db, 'SELECT string_agg(task || ' . "'='" . ' || rows, \',\' ORDER BY id) FROM hotel_agent.maintenance_log'),
	'password_history=0,user_sessions=3,lock_audit=0', 'its tasks are logged in maintenance_log');
is(query($db, 'SELECT count(*) FROM public.user_sessions'), '1', 'the expired sessions are gone, the live one stays');
is(query($db, 'SELECT count(*) FROM hotel_agent.backlog_census'), '1', 'the backlog was counted');
like(query($db, "SELECT status || ': ' || return_message FROM cron.job_run_details WHERE jobid = $broken ORDER BY runid LIMIT 1"),
	qr/^failed: .*batch_size must be positive/, 'the broken job failed');

my $check = query($db, "SELECT ok || ' ' || detail FROM hotel_agent.validate() WHERE check_name = 'maintenance_last_run'");
like($check, qr/^false the latest run failed: job $broken \(hotel_agent-maintenance-broken\) failed at .*batch_size must be positive/,
	'validate() reports the failed run');
is(query($db, "SELECT ok FROM hotel_agent.validate() WHERE check_name = 'maintenance_scheduled'"),
	't', 'validate(): maintenance is scheduled');

query($db, "SELECT cron.unschedule('hotel_agent-maintenance-broken')");
like(query($db, "SELECT ok || ' ' || detail FROM hotel_agent.validate() WHERE check_name = 'maintenance_last_run'"),
	qr/^true latest run: job $job \(hotel_agent-maintenance\) succeeded at /, 'validate(): the latest run succeeded once the broken job is gone');
is(query($db, "SELECT string_agg(check_name, ', ' ORDER BY check_name) FROM hotel_agent.validate() WHERE NOT ok"),
	'', 'validate(): every check passes');

query($db, "SELECT cron.unschedule('hotel_agent-maintenance')");
pg_ctl('-m', 'fast', 'stop');
note(sprintf('total %.1f s', time - $started));
if (!Test::More->builder->is_passing && -f "$base/server.log")
{
	diag(`tail -n 40 $base/server.log`);
}
done_testing();
