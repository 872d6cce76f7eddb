# The monitoring files against the real exporter: Debian's
# prometheus-postgres-exporter is started on a free loopback port with
# monitoring/queries.yaml, connected as a monitoring role with only the
# grants the README lists, to a database with known contents; its /metrics
# is scraped and every hotel_agent series, and its value, is compared with
# what SQL says (no series missing, none extra). Then every metric that the
# Grafana dashboard (monitoring/grafana-dashboard.json) and the alert rules
# (monitoring/alerts.yml) use must be one that the scrape has.
#
# Runs inside the throwaway cluster of test/run.sh (PG* variables set).
use strict;
use warnings;
use File::Temp qw(tempdir);
use HTTP::Tiny;
use IO::Socket::INET;
use JSON::PP;
use Test::More;

my $exporter = '/usr/bin/prometheus-postgres-exporter';
plan skip_all => "$exporter is not installed (tools/install-deps.sh installs it)"
  unless -x $exporter;

my $dir = tempdir(CLEANUP => 1);
my $db = 'ha_exporter';

sub query
{
	my ($sql, $role) = @_;
	open(my $fh, '>', "$dir/q.sql") or die;
	print $fh $sql;
	close $fh;
	my $user = $role ? "-U $role" : '';
	my $out = qx{psql -X -q -At -v ON_ERROR_STOP=1 $user -d $db -f $dir/q.sql 2>&1};
	die "psql failed: $out" if $?;
	chomp $out;
	return $out;
}

system("dropdb --if-exists $db >/dev/null 2>&1");
system("dropuser --if-exists hotel_metrics >/dev/null 2>&1");
system("createdb $db") == 0 or die;

# Known contents. Sessions: 3 active, 1 revoked, 2 expired a day ago (kept:
# 7 days of grace), 3 expired 10 days ago (deleted by the maintenance).
# Lock events: 2 of 40 days ago (purged), 2 of two hours ago (outside the
# last hour), and in the last hour, on room:1, w1 holds 60 s (its release
# written twice), w2 fails, then holds 30 s until it expires, w3 fails; on
# room:2, w4 acquires 10 minutes ago, extends 8 minutes ago and is never
# heard of again, w5 fails.
query(<<'SQL');
CREATE EXTENSION hotel_agent;
SET TimeZone = 'UTC';
INSERT INTO tenants (tenant_id, name) VALUES ('hotel-a', 'A'), ('hotel-b', 'B');
INSERT INTO users (id, username, email, hashed_password, tenant_id)
VALUES ('u1', 'u1', 'u1@example.com', 'x', 'hotel-a');
INSERT INTO user_sessions (id, user_id, token_jti, expires_at, is_revoked)
SELECT 's' || g, 'u1', 'jti-' || g,
	   (now() AT TIME ZONE 'UTC') + CASE WHEN g <= 4 THEN interval '1 day'
										 WHEN g <= 6 THEN interval '-1 day'
										 ELSE interval '-10 days' END,
	   g = 4
FROM generate_series(1, 9) g;
INSERT INTO lock_audit (lock_key, event_type, details, "timestamp")
SELECT c.k, c.e, c.d::jsonb, (now() AT TIME ZONE 'UTC') - c.ago::interval
FROM (VALUES
	('room:old', 'acquired', '{"holder_id": "w0"}', '40 days'),
	('room:old', 'released', '{"holder_id": "w0"}', '40 days'),
	('room:3', 'acquired', '{"holder_id": "w9"}', '2 hours'),
	('room:3', 'released', '{"holder_id": "w9"}', '2 hours'),
	('room:1', 'acquired', '{"holder_id": "w1"}', '40 minutes'),
	('room:1', 'failed', '{"holder_id": "w2"}', '39 minutes 30 seconds'),
	('room:1', 'released', '{"holder_id": "w1"}', '39 minutes'),
	('room:1', 'released', '{"holder_id": "w1"}', '39 minutes'),
	('room:1', 'acquired', '{"holder_id": "w2"}', '30 minutes'),
	('room:1', 'failed', '{"holder_id": "w3"}', '29 minutes 50 seconds'),
	('room:1', 'expired', '{"holder_id": "w2"}', '29 minutes 30 seconds'),
	('room:2', 'acquired', '{"holder_id": "w4"}', '10 minutes'),
	('room:2', 'failed', '{"holder_id": "w5"}', '9 minutes'),
	('room:2', 'extended', '{"holder_id": "w4"}', '8 minutes')
) c(k, e, d, ago);
CALL hotel_agent.run_maintenance();

-- The monitoring role of the README: the server's own statistics through
-- pg_monitor, and read access to what the queries read; its TimeZone is
-- not UTC, which must not matter.
CREATE ROLE hotel_metrics LOGIN PASSWORD 'metrics-test';
GRANT pg_monitor TO hotel_metrics;
GRANT USAGE ON SCHEMA hotel_agent, public TO hotel_metrics;
GRANT SELECT ON hotel_agent.stats, hotel_agent.maintenance_log, public.lock_audit TO hotel_metrics;
ALTER ROLE hotel_metrics SET TimeZone = 'Asia/Kolkata';
SQL

# A free port on the loopback interface.
my $sock = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Proto => 'tcp', Listen => 1)
  or die "no free port: $!";
my $port = $sock->sockport;
close $sock;

# The exporter's Go driver refuses some of pg_virtualenv's PG* variables
# (PGSYSCONFDIR): it gets a clean environment and everything in its DSN.
my $host = $ENV{PGHOST} // 'localhost';
my $dsn = "host=$host port=$ENV{PGPORT} user=hotel_metrics password=metrics-test dbname=$db sslmode=disable";
my $pid = fork() // die "fork: $!";
if ($pid == 0)
{
	open(STDOUT, '>', "$dir/exporter.log");
	open(STDERR, '>&', \*STDOUT);
	%ENV = (PATH => '/usr/bin:/bin', DATA_SOURCE_NAME => $dsn);
	exec($exporter, "--web.listen-address=127.0.0.1:$port",
		'--extend.query-path=monitoring/queries.yaml', '--log.level=warn')
	  or die "exec: $!";
}

my $http = HTTP::Tiny->new(timeout => 30);
my $res;
for (1 .. 100)
{
	$res = $http->get("http://127.0.0.1:$port/metrics");
	last if $res->{success};
	select(undef, undef, undef, 0.2);
}
ok($res->{success}, "the exporter answers on 127.0.0.1:$port") or diag(slurp("$dir/exporter.log"));

# name => { labels (without the exporter's own server label) => value }
my %scraped;
for my $line (split /\n/, $res->{content} // '')
{
	next if $line =~ /^#/ || $line !~ /\S/;
	my ($name, $labels, $value) = $line =~ /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/
	  or next;
	my @l = grep { !/^server=/ } ($labels // '') =~ /(\w+="[^"]*")/g;
	$scraped{$name}{ join(',', sort @l) } = $value;
}

is($scraped{pg_up}{''}, 1, 'the exporter reached the database');
is((values %{ $scraped{pg_exporter_user_queries_load_error} // {} })[0], 0, 'queries.yaml loaded');
is($scraped{pg_exporter_last_scrape_error}{''}, 0, 'every query ran as hotel_metrics');

# What each series must be, from SQL: the base tables and the known events.
my $expected = query(<<'SQL');
SET TimeZone = 'UTC';
WITH census AS (SELECT * FROM hotel_agent.backlog_census ORDER BY id DESC LIMIT 1),
last_run AS (SELECT DISTINCT ON (task) * FROM hotel_agent.maintenance_log ORDER BY task, id DESC),
now_utc AS (SELECT now() AT TIME ZONE 'UTC' AS t)
SELECT name || '|' || labels || '|' || coalesce(value::text, 'NaN') FROM (
	SELECT 'hotel_agent_stats_sessions_active' AS name, '' AS labels,
		   (SELECT count(*) FROM user_sessions, now_utc WHERE NOT is_revoked AND expires_at > t)::numeric AS value
	UNION ALL SELECT 'hotel_agent_stats_sessions_revoked', '',
		   (SELECT count(*) FROM user_sessions, now_utc WHERE is_revoked AND expires_at > t)
	UNION ALL SELECT 'hotel_agent_stats_sessions_expired', '',
		   (SELECT count(*) FROM user_sessions, now_utc WHERE expires_at <= t)
	UNION ALL SELECT 'hotel_agent_stats_password_history_keep', '', hotel_agent.password_history_keep()
	UNION ALL SELECT 'hotel_agent_stats_password_history_users_over_limit', '', 0
	UNION ALL SELECT 'hotel_agent_stats_backlog_counted_at_seconds', '', extract(epoch FROM (SELECT counted_at FROM census))
	UNION ALL SELECT 'hotel_agent_stats_last_maintenance_at_seconds', '',
		   extract(epoch FROM (SELECT max(started) FROM hotel_agent.maintenance_log))
	UNION ALL SELECT 'hotel_agent_stats_tenants', '', (SELECT count(*) FROM tenants)
	UNION ALL
	SELECT 'hotel_agent_maintenance_' || m.metric, format('task="%s"', r.task), m.value
	FROM last_run r, LATERAL (VALUES
		('last_rows', r.rows::numeric), ('last_batches', r.batches),
		('last_elapsed_seconds', extract(epoch FROM r.elapsed)),
		('last_longest_batch_seconds', extract(epoch FROM r.longest_batch)),
		('last_started_seconds', extract(epoch FROM r.started)),
		('rows_last_7_days', CASE r.task WHEN 'user_sessions' THEN 3 WHEN 'lock_audit' THEN 2 ELSE 0 END)) m(metric, value)
	UNION ALL
	SELECT 'hotel_agent_lock_events_last_hour', format('event_type="%s"', e), n
	FROM (VALUES ('acquired', 3), ('extended', 1), ('released', 2), ('expired', 1), ('failed', 3)) v(e, n)
	UNION ALL
	SELECT 'hotel_agent_locks_' || metric, '', value
	FROM (VALUES ('keys_last_hour', 2), ('contended_keys_last_hour', 2), ('acquisitions_last_hour', 3),
				 ('failures_last_hour', 3), ('expiries_last_hour', 1), ('releases_last_hour', 1),
				 ('holds_last_hour', 2), ('unended_last_hour', 1), ('failure_share_last_hour', 0.5),
				 ('hold_max_seconds_last_hour', 60), ('never_released', 1)) v(metric, value)
) s ORDER BY 1;
SQL

my %want;
for my $line (split /\n/, $expected)
{
	my ($name, $labels, $value) = split /\|/, $line;
	$want{$name}{$labels} = $value;
}
# The maintenance deleted what it should, so rows_last_7_days above is not
# a guess.
is(query("SELECT string_agg(task || '=' || rows, ' ' ORDER BY task) FROM hotel_agent.maintenance_log"),
	'lock_audit=2 password_history=0 user_sessions=3', 'the maintenance run deleted the known rows');

my $series = 0;
for my $name (sort keys %want)
{
	for my $labels (sort keys %{ $want{$name} })
	{
		my $w = $want{$name}{$labels};
		my $got = $scraped{$name}{$labels};
		my $what = $labels eq '' ? $name : "$name\{$labels\}";
		$series++;
		if (!defined $got)
		{
			fail("$what is scraped");
		}
		elsif ($w eq 'NaN' || $got eq 'NaN')
		{
			is($got, $w, "$what = $w");
		}
		else
		{
			ok(abs($got - $w) <= 1e-5 + 1e-12 * abs($w), "$what = $w") or diag("scraped $got");
		}
	}
}
my @extra = grep { my $n = $_; /^hotel_agent_/ && grep { !exists $want{$n}{$_} } keys %{ $scraped{$n} } }
  sort keys %scraped;
is("@extra", '', 'no hotel_agent series that SQL does not account for');
note("$series hotel_agent series checked against SQL");

kill 'TERM', $pid;
waitpid($pid, 0);

# The dashboard and the alert rules use only metrics the exporter produces.
my $dashboard = decode_json(slurp('monitoring/grafana-dashboard.json'));
my @exprs;
my $walk;
$walk = sub {
	my ($node) = @_;
	if (ref $node eq 'HASH')
	{
		push @exprs, $node->{expr} if defined $node->{expr} && !ref $node->{expr};
		$walk->($_) for values %$node;
	}
	elsif (ref $node eq 'ARRAY')
	{
		$walk->($_) for @$node;
	}
};
$walk->($dashboard);
my @panels = @{ $dashboard->{panels} // [] };
cmp_ok(scalar @panels, '>=', 6, 'the dashboard has its panels');
my @alerts = slurp('monitoring/alerts.yml') =~ /^\s*expr:\s*(.+?)\s*$/mg;
cmp_ok(scalar @alerts, '>=', 3, 'alerts.yml has its rules');
for my $expr (@exprs, @alerts)
{
	my @names = $expr =~ /\b((?:hotel_agent|pg)_[a-z0-9_]+)\b/g;
	ok(scalar @names, "uses a metric: $expr");
	for my $n (@names)
	{
		ok(exists $scraped{$n}, "$n is produced by the exporter");
	}
}

system("dropdb $db");
system("dropuser hotel_metrics");
done_testing();

sub slurp
{
	my ($file) = @_;
	open(my $fh, '<', $file) or die "$file: $!";
	local $/;
	return scalar <$fh>;
}
