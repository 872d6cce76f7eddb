# The backend's path: PgBouncer in transaction mode in front of the server,
# asyncpg with statement_cache_size=0 (test/pooler/backend_calls.py). Proves
# that no function of the extension depends on session state, and that a
# role given hotel_agent.grant_backend_access() (no superuser, nothing else
# granted) can make every one of the backend's calls.
#
# Runs inside the throwaway cluster of test/run.sh (PG* variables set).
use strict;
use warnings;
use File::Temp qw(tempdir);
use IO::Socket::INET;
use Test::More;

my $db = 'hotel_agent_pooler';
my $dir = tempdir(CLEANUP => 1);
# PgBouncer refuses to run as root; as root, it runs as postgres (-u), which
# must be able to write its log and pid file here.
my @user = ();
if ($> == 0)
{
	my (undef, undef, $uid, $gid) = getpwnam('postgres') or die 'no postgres user';
	chown $uid, $gid, $dir;
	@user = ('-u', 'postgres');
}

# A free local port for PgBouncer (production uses 6543).
my $sock = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1', LocalPort => 0) or die;
my $port = $sock->sockport;
close $sock;

system("dropdb --if-exists $db >/dev/null 2>&1");
is(system("createdb $db"), 0, 'create database');
is(system("psql -X -q -d $db -c 'CREATE EXTENSION hotel_agent'"), 0, 'create extension');

# The backend's own role, with exactly what grant_backend_access() gives.
my $role = 'regress_pool_backend';
my $role_password = 'pool-backend-' . $$;
system(qq{psql -X -q -c "DROP ROLE IF EXISTS $role" >/dev/null 2>&1});
is(system(qq{psql -X -q -c "CREATE ROLE $role LOGIN NOSUPERUSER PASSWORD '$role_password'"}), 0,
	'create the backend role');
is(system(qq{psql -X -q -d $db -c "SELECT hotel_agent.grant_backend_access('$role')" >/dev/null}), 0,
	'grant it the backend access');

my $pghost = $ENV{PGHOST} // 'localhost';
open(my $ini, '>', "$dir/pgbouncer.ini") or die;
print $ini <<"INI";
[databases]
$db = host=$pghost port=$ENV{PGPORT} dbname=$db user=$role password=$role_password

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = any
pool_mode = transaction
default_pool_size = 2
max_client_conn = 100
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
INI
close $ini;

is(system('pgbouncer', '-d', @user, "$dir/pgbouncer.ini"), 0, 'pgbouncer starts');
for (1 .. 50)
{
	last if IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port);
	select(undef, undef, undef, 0.1);
}

$ENV{POOLER_DSN} = "postgresql://$role\@127.0.0.1:$port/$db";
$ENV{POOLER_ROLE} = $role;
my $out = qx{/usr/bin/python3 test/pooler/backend_calls.py 2>&1};
my $rc = $?;
print $out =~ s/^/# /mgr;
is($rc, 0, 'the backend calls through the transaction pooler all pass')
  or diag(qx{cat $dir/pgbouncer.log 2>&1});
unlike($out, qr/^not ok/m, 'no failed check');
like($out, qr/^ok 1 /m, 'the checks ran');

if (open(my $pid, '<', "$dir/pgbouncer.pid"))
{
	chomp(my $p = <$pid>);
	kill 'TERM', $p;
}
sleep 1;
system("dropdb $db");
system(qq{psql -X -q -c "DROP ROLE IF EXISTS $role"});
done_testing();
