# The indexes the functions need, shown by EXPLAIN on realistic data: every
# query the functions run on a large table must use an index (no sequential
# scan of users, user_sessions, password_history, tenant_user_identifiers or
# lock_audit), and the index it uses is printed. The plans go to
# build/index-plans.txt; doc/indexes.md keeps those of a full-size run.
#
# Data, at INDEX_PLANS_SCALE (default 0.2; 1 is the benchmarks' size):
# 2,000 tenants, 200,000 identifiers, 100,000 users with 12 password hashes
# each, 1,000,000 sessions (99% expired), 100,000 lock events over 28 hours.
#
# Runs inside the throwaway cluster of test/run.sh (PG* variables set).
use strict;
use warnings;
use File::Temp qw(tempdir);
use Test::More;

my $scale = $ENV{INDEX_PLANS_SCALE} // 0.2;
my $dir = tempdir(CLEANUP => 1);
my $db = 'ha_index_plans';

sub query
{
	my ($sql) = @_;
	open(my $fh, '>', "$dir/q.sql") or die;
	print $fh $sql;
	close $fh;
	my $out = qx{psql -X -q -At -v ON_ERROR_STOP=1 -d $db -f $dir/q.sql 2>&1};
	die "psql failed: $out" if $?;
	chomp $out;
	return $out;
}

system("dropdb --if-exists $db >/dev/null 2>&1");
system("createdb $db") == 0 or die;
my $n = sub { int($_[0] * $scale) || 1 };
my ($tenants, $idents, $users, $sessions, $events) =
  map { $n->($_) } (2000, 200000, 100000, 1000000, 100000);
query(<<"SQL");
CREATE EXTENSION hotel_agent;
SET TimeZone = 'UTC';
INSERT INTO tenants (tenant_id, name, status)
SELECT 'hotel-' || g, 'Hotel ' || g, CASE WHEN g % 10 = 0 THEN 'suspended' ELSE 'active' END
FROM generate_series(1, $tenants) g;
ALTER TABLE tenant_user_identifiers DISABLE TRIGGER hotel_agent_normalize_identifier;
INSERT INTO tenant_user_identifiers (tenant_id, identifier)
SELECT g % $tenants + 1, '+549' || (1100000000 + g)::text FROM generate_series(1, $idents) g;
ALTER TABLE tenant_user_identifiers ENABLE TRIGGER hotel_agent_normalize_identifier;
INSERT INTO users (id, username, email, hashed_password, tenant_id)
SELECT 'usr_' || g, 'user' || g, 'user' || g || '\@example.com', 'x', 'hotel-' || (g % $tenants + 1)
FROM generate_series(1, $users) g;
ALTER TABLE password_history DISABLE TRIGGER password_history_prune;
INSERT INTO password_history (user_id, password_hash, created_at)
SELECT 'usr_' || (g % $users + 1), 'h' || g, '2024-01-01'::timestamp + g * interval '1 second'
FROM generate_series(1, $users * 12) g;
ALTER TABLE password_history ENABLE TRIGGER password_history_prune;
INSERT INTO user_sessions (id, user_id, token_jti, expires_at)
SELECT 'ses_' || g, 'usr_' || (g % $users + 1), 'jti-' || g,
	   CASE WHEN g % 100 = 0 THEN now() AT TIME ZONE 'UTC' + interval '1 day'
			ELSE now() AT TIME ZONE 'UTC' - interval '8 days' - g * interval '1 second' END
FROM generate_series(1, $sessions) g;
INSERT INTO lock_audit (lock_key, event_type, "timestamp")
SELECT 'room:' || g % 500, (ARRAY['acquired', 'extended', 'released', 'expired'])[g % 4 + 1],
	   now() AT TIME ZONE 'UTC' - g * interval '1 second'
FROM generate_series(1, $events) g;
VACUUM ANALYZE;
SQL

# Each function's queries, as the function runs them (literal arguments),
# and the index its plan must use.
my @cases = (
	[ 'resolve_tenant (query path): identifier by key', 'uq_identifier',
	  "SELECT i.id, i.tenant_id FROM tenant_user_identifiers i WHERE i.identifier = '+5491100000042'" ],
	[ 'resolve_tenant (query path): tenant by id', 'tenants_pkey',
	  "SELECT t.tenant_id, t.status FROM tenants t WHERE t.id = 42" ],
	[ 'add_tenant_identifier, tenant_is_open: tenant by slug', 'tenants_tenant_id_key',
	  "SELECT t.id FROM tenants t WHERE t.tenant_id = 'hotel-42'" ],
	[ 'session_is_active', 'user_sessions_token_jti_key',
	  "SELECT 1 FROM user_sessions s WHERE s.token_jti = 'jti-4200' AND NOT s.is_revoked AND s.expires_at > (now() AT TIME ZONE 'UTC')" ],
	[ 'revoke_session', 'user_sessions_token_jti_key',
	  "UPDATE user_sessions s SET is_revoked = true WHERE s.token_jti = 'jti-4200' AND NOT s.is_revoked" ],
	[ 'revoke_user_sessions', 'idx_user_sessions_user_id',
	  "UPDATE user_sessions s SET is_revoked = true WHERE s.user_id = 'usr_42' AND NOT s.is_revoked AND s.expires_at > (now() AT TIME ZONE 'UTC')" ],
	[ 'cleanup_expired_sessions: one batch', 'idx_user_sessions_expires_at',
	  "SELECT x.ctid FROM user_sessions x WHERE x.expires_at < (now() AT TIME ZONE 'UTC') - interval '7 days' ORDER BY x.expires_at LIMIT 10000 FOR UPDATE SKIP LOCKED" ],
	[ 'stats: live sessions', 'idx_user_sessions_expires_at',
	  "SELECT count(*) FROM user_sessions s WHERE s.expires_at > (now() AT TIME ZONE 'UTC')" ],
	[ 'purge_lock_audit: one batch', 'idx_lock_audit_timestamp',
	  "SELECT x.ctid FROM lock_audit x WHERE x.\"timestamp\" < (now() AT TIME ZONE 'UTC') - interval '1 day' ORDER BY x.\"timestamp\" LIMIT 10000 FOR UPDATE SKIP LOCKED" ],
	[ 'stats: lock events of the last hour', 'idx_lock_audit_timestamp',
	  "SELECT count(*) FROM lock_audit a WHERE a.\"timestamp\" > (now() AT TIME ZONE 'UTC') - interval '1 hour'" ],
	[ 'lock_report: the window (here its last hour)', 'idx_lock_audit_timestamp',
	  "SELECT a.id, a.lock_key, a.event_type, a.details->>'holder_id', a.\"timestamp\" FROM lock_audit a WHERE a.\"timestamp\" >= (now() - interval '1 hour') AT TIME ZONE 'UTC' AND a.\"timestamp\" < now() AT TIME ZONE 'UTC'" ],
	[ 'locks_never_released: the look-back (here an hour)', 'idx_lock_audit_timestamp',
	  "SELECT a.id, a.lock_key, a.event_type, a.details->>'holder_id', a.\"timestamp\" FROM lock_audit a WHERE a.\"timestamp\" >= (now() AT TIME ZONE 'UTC') - interval '1 hour' AND a.event_type IN ('acquired', 'extended', 'released', 'expired')" ],
	[ 'prune_password_history (query path), password_history_hashes', 'idx_password_history_user_id',
	  "SELECT h.id FROM password_history h WHERE h.user_id = 'usr_42' ORDER BY h.created_at DESC, h.id DESC OFFSET 10" ],
	[ 'prune_all_password_history: users over the limit', 'idx_password_history_user_id',
	  "SELECT h.user_id FROM password_history h GROUP BY h.user_id HAVING count(*) > 10 ORDER BY h.user_id LIMIT 1000" ],
	[ 'stats: identifiers per tenant', 'idx_tenant_identifiers_tenant_id',
	  "SELECT count(*) FROM tenant_user_identifiers ti WHERE ti.tenant_id = 42" ],
	[ 'stats: users per tenant', 'idx_users_tenant_id',
	  "SELECT count(*) FROM users us WHERE us.tenant_id = 'hotel-42'" ],
	[ 'the backend\'s login by e-mail, any case', 'uq_users_email_lower',
	  "SELECT u.id FROM users u WHERE lower(u.email::text) = lower('User42\@Example.com')" ],
);

open(my $out, '>', 'build/index-plans.txt') or die "build/index-plans.txt: $!";
printf $out "Plans at scale %s: %d tenants, %d identifiers, %d users, %d password hashes, %d sessions, %d lock events\n\n",
  $scale, $tenants, $idents, $users, $users * 12, $sessions, $events;
for my $c (@cases)
{
	my ($what, $index, $sql) = @$c;
	my $plan = query("BEGIN;\nEXPLAIN (COSTS OFF) $sql;\nROLLBACK;");
	print $out "-- $what\n$sql\n$plan\n\n";
	like($plan, qr/\b\Q$index\E\b/, "$what uses $index");
	unlike($plan, qr/Seq Scan on (users|user_sessions|password_history|tenant_user_identifiers|lock_audit)\b/,
		"$what reads no large table whole");
}
close $out;
note("plans written to build/index-plans.txt");
system("dropdb $db");
done_testing();
