# tools/migrate-data.sh (make migrate-data): a populated extension database
# is copied into the pure-SQL build and from there into a new extension
# database, and every row of the six tables comes back as it was, with the
# sequences past the ids loaded. Then what it must refuse, changing nothing:
# a target that is not empty, a target of another version or without
# hotel_agent, identifiers the target's normaliser finds to be one guest,
# and rows that a trigger of the target changes on the way in.
#
# The rows are compared here with COPY output, independently of the
# script's own checksums. The script gets its connections as URLs with the
# password inside (percent-encoded); a psql wrapper records every command
# line, which must never hold it.
#
# Runs inside the throwaway cluster of test/run.sh (PG* variables set), as
# the cluster's superuser.
use strict;
use warnings;
use Digest::MD5 qw(md5_hex);
use File::Temp qw(tempdir);
use Test::More;

my $dir = tempdir(CLEANUP => 1);
my $version = qx{sed -n "s/^default_version *= *'\\([^']*\\)'.*/\\1/p" hotel_agent.control};
chomp $version;
my $script = "sql/supabase/hotel_agent--$version.sql";

sub psql
{
	my ($db, $sql) = @_;
	open(my $fh, '>', "$dir/q.sql") or die;
	print $fh $sql;
	close $fh;
	my $out = qx{psql -X -q -At -v ON_ERROR_STOP=1 -d $db -f $dir/q.sql 2>&1};
	my $rc = $?;
	chomp $out;
	return ($rc, $out);
}

sub query
{
	my ($db, $sql) = @_;
	my ($rc, $out) = psql($db, $sql);
	die "psql failed on $db: $out" if $rc;
	return $out;
}

sub new_db
{
	my ($db, $how) = @_;
	system("dropdb --if-exists $db >/dev/null 2>&1");
	system("createdb $db") == 0 or die "createdb $db";
	if ($how eq 'extension')
	{
		query($db, 'CREATE EXTENSION hotel_agent');
	}
	elsif ($how eq 'script')
	{
		my $out = qx{psql -X -q -v ON_ERROR_STOP=1 -d $db -f $script 2>&1};
		die "installing $script into $db: $out" if $?;
	}
}

# A login role whose password needs every escape a URL has.
my $password = q{p@ss:w/rd%2F+&?= 'x"\\};
(my $quoted = $password) =~ s/'/''/g;
query('postgres', "DROP ROLE IF EXISTS regress_migrator; CREATE ROLE regress_migrator LOGIN SUPERUSER PASSWORD '$quoted'");
(my $encoded = $password) =~ s/([^A-Za-z0-9_.~-])/sprintf('%%%02X', ord($1))/ge;
my $host = $ENV{PGHOST} // 'localhost';
my $port = $ENV{PGPORT} // 5432;
sub url { return "postgresql://regress_migrator:$encoded\@$host:$port/$_[0]?application_name=migrate_test" }

# psql as the script finds it on PATH, recording its command lines.
my $real_psql = qx{sh -c "command -v psql"};
chomp $real_psql;
mkdir "$dir/bin" or die;
open(my $wrap, '>', "$dir/bin/psql") or die;
print $wrap "#!/bin/sh\nprintf '%s\\n' \"\$*\" >> $dir/argv.log\nexec $real_psql \"\$@\"\n";
close $wrap;
chmod 0755, "$dir/bin/psql";

# migrate(SOURCE_DB, TARGET_DB): runs make migrate-data without any other
# password in the environment; returns its exit status and output.
sub migrate
{
	my ($from, $to) = @_;
	local $ENV{SOURCE_DATABASE_URL} = url($from);
	local $ENV{TARGET_DATABASE_URL} = url($to);
	local $ENV{PATH} = "$dir/bin:$ENV{PATH}";
	local $ENV{PGPASSWORD};
	delete $ENV{PGPASSWORD};
	my $out = qx{make -s --no-print-directory migrate-data 2>&1};
	return ($? >> 8, $out);
}

my @tables = qw(tenants users tenant_user_identifiers user_sessions password_history lock_audit);
my %columns = (
	tenants => 'id, tenant_id, name, status, business_hours_start, business_hours_end, business_hours_timezone, created_at, updated_at',
	users => 'id, username, email, hashed_password, full_name, is_active, is_superuser, tenant_id, password_last_changed, password_must_change, created_at, updated_at',
	tenant_user_identifiers => 'id, tenant_id, identifier, created_at',
	user_sessions => 'id, user_id, token_jti, expires_at, created_at, is_revoked, user_agent, ip_address',
	password_history => 'id, user_id, password_hash, created_at',
	lock_audit => 'id, lock_key, event_type, "timestamp", details');
my @sequences = qw(tenants tenant_user_identifiers password_history lock_audit);

# contents(DB): every row of the six tables as COPY writes them, by id.
sub contents
{
	my ($db) = @_;
	my %rows;
	for my $t (@tables)
	{
		open(my $fh, '>', "$dir/copy.sql") or die;
		print $fh "SET DateStyle = ISO;\nCOPY (SELECT $columns{$t} FROM public.$t ORDER BY id) TO STDOUT;\n";
		close $fh;
		my $out = qx{psql -X -q -v ON_ERROR_STOP=1 -d $db -f $dir/copy.sql};
		die "COPY $t from $db" if $?;
		$rows{$t} = $out;
	}
	return \%rows;
}

sub same_contents
{
	my ($a, $b, $name) = @_;
	my @differ;
	for my $t (@tables)
	{
		next if $a->{$t} eq $b->{$t};
		my @x = split /\n/, $a->{$t};
		my @y = split /\n/, $b->{$t};
		my ($i) = grep { ($x[$_] // '') ne ($y[$_] // '') } 0 .. ($#x > $#y ? $#x : $#y);
		push @differ, sprintf("%s: %d rows vs %d, first difference at row %d:\n  %s\n  %s", $t, scalar @x, scalar @y, $i + 1,
			$x[$i] // '(none)', $y[$i] // '(none)');
	}
	is_deeply(\@differ, [], $name) or diag(join("\n", @differ));
}

sub counts
{
	my ($db) = @_;
	return query($db, join(' UNION ALL ', map { "SELECT '$_', count(*) FROM public.$_" } @tables) . ';');
}

# The next id each sequence hands out.
sub next_ids
{
	my ($db) = @_;
	return query($db, join(' UNION ALL ', map {
		"SELECT '$_', CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM public.${_}_id_seq"
	} @sequences) . ';');
}

# --- a populated extension database ----------------------------------------
new_db('ha_mig_src', 'extension');
query('ha_mig_src', <<'SQL');
SET TimeZone = 'UTC';
-- the source keeps every hash, so some users hold more than the target's
-- default of 10: the copy must not be pruned on the way
SET hotel_agent.password_history_keep = 0;
INSERT INTO public.tenants (tenant_id, name, status, business_hours_start, business_hours_end, business_hours_timezone,
                            created_at, updated_at)
SELECT 'hotel-' || g, 'Hotel ' || g || ' Ñandú',
       (ARRAY['active', 'inactive', 'suspended'])[g % 3 + 1],
       CASE WHEN g % 4 <> 0 THEN 6 + g % 5 END, CASE WHEN g % 4 <> 0 THEN 18 + g % 6 END,
       CASE WHEN g % 4 <> 0 THEN (ARRAY['America/Argentina/Buenos_Aires', 'Europe/Madrid', 'America/Mexico_City', 'UTC'])[g % 4 + 1] END,
       '2024-01-01'::timestamp + g * interval '1 day', '2024-06-01'::timestamp + g * interval '90 minutes'
FROM generate_series(1, 32) g;
DELETE FROM public.tenants WHERE tenant_id IN ('hotel-7', 'hotel-32');
-- identifiers of every kind, spread over the tenants; the trigger stores
-- the canonical keys
CREATE TEMP TABLE t AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM public.tenants;
INSERT INTO public.tenant_user_identifiers (tenant_id, identifier, created_at)
SELECT (SELECT id FROM t WHERE n = g % 30), raw, '2024-03-01'::timestamp + g * interval '1 minute'
FROM (SELECT g, '+54 9 11 ' || (20000000 + g * 7) AS raw FROM generate_series(1, 900) g
      UNION ALL SELECT 1000 + g, '+1 650 253 ' || lpad((g * 3)::text, 4, '0') FROM generate_series(1, 700) g
      UNION ALL SELECT 2000 + g, '+34 6' || (10000000 + g * 13) FROM generate_series(1, 600) g
      UNION ALL SELECT 3000 + g, '+52 1 55 ' || (10000000 + g * 11) FROM generate_series(1, 400) g
      UNION ALL SELECT 4000 + g, '54911' || (30000000 + g * 7) || ':' || g % 9 || '@s.whatsapp.net' FROM generate_series(1, 400) g
      UNION ALL SELECT 5000 + g, (100000000000000 + g * 7919) || '@lid' FROM generate_series(1, 400) g
      UNION ALL SELECT 6000 + g, ' mailto:Guest.' || g || '@Hotel-' || g % 30 || '.Example ' FROM generate_series(1, 600) g) s(g, raw);
INSERT INTO public.users (id, username, email, hashed_password, full_name, is_active, is_superuser, tenant_id,
                          password_last_changed, password_must_change, created_at, updated_at)
SELECT 'usr_' || g, 'user' || g, 'User' || g || '@Example.com', '$2b$12$' || md5(g::text),
       CASE g % 5 WHEN 0 THEN NULL WHEN 1 THEN 'José Ñúñez ' || g WHEN 2 THEN E'tab\there, newline\nhere, back\\slash ' || g
                  WHEN 3 THEN 'O''Brien "quoted" ' || g ELSE '名前 ' || g END,
       g % 11 <> 0, g % 97 = 0, 'hotel-' || (g % 30 + 1),
       '2024-02-01'::timestamp + g * interval '17 minutes', g % 13 = 0,
       '2023-01-01'::timestamp + g * interval '1 hour', '2024-07-01'::timestamp + g * interval '3 minutes'
FROM generate_series(1, 3000) g;
DELETE FROM public.users WHERE id IN ('usr_5', 'usr_3000');
INSERT INTO public.user_sessions (id, user_id, token_jti, expires_at, created_at, is_revoked, user_agent, ip_address)
SELECT 'ses_' || g, 'usr_' || (g % 2990 + 6), 'jti-' || md5('jti' || g),
       '2026-01-01'::timestamp + g * interval '37 minutes', '2025-12-01'::timestamp + g * interval '11 minutes',
       g % 9 = 0, CASE WHEN g % 7 = 0 THEN NULL ELSE E'Mozilla/5.0 (X11; Linux) \\ "app" ' || g END,
       CASE WHEN g % 2 = 0 THEN '2001:db8::' || to_hex(g) ELSE '10.0.' || g % 256 || '.' || g / 256 % 256 END
FROM generate_series(1, 6000) g;
INSERT INTO public.password_history (user_id, password_hash, created_at)
SELECT 'usr_' || u, '$2b$12$old' || md5(u || '/' || k), '2022-01-01'::timestamp + (u * 20 + k) * interval '1 hour'
FROM generate_series(6, 2999) u, generate_series(1, u % 15 + 1) k;
INSERT INTO public.lock_audit (lock_key, event_type, "timestamp", details)
SELECT 'reservation:room' || g % 120 || ':guest' || g, (ARRAY['acquired', 'extended', 'released', 'expired'])[g % 4 + 1],
       '2025-11-01'::timestamp + g * interval '5 seconds',
       CASE WHEN g % 10 = 0 THEN NULL
            ELSE jsonb_build_object('holder_id', 'worker-' || g % 7, 'ttl', 30 + g % 60, 'ratio', 1.50,
                                    'reason', 'timeout ñ "x" ' || g, 'path', jsonb_build_array(g, 'a\b', NULL)) END
FROM generate_series(1, 5000) g;
-- the sequences stand past the highest ids: the copy must keep their place
DELETE FROM public.lock_audit WHERE id > 4993;
DELETE FROM public.tenant_user_identifiers WHERE id > 3995;
SQL
my $source = contents('ha_mig_src');
my $source_next = next_ids('ha_mig_src');
is(query('ha_mig_src', 'SELECT count(*) FROM public.password_history GROUP BY user_id ORDER BY 1 DESC LIMIT 1'), '15',
	'the source holds users with 15 password hashes (more than the default keep of 10)');
is(query('ha_mig_src', q{SELECT string_agg(DISTINCT CASE WHEN identifier LIKE '+%' THEN 'phone' WHEN identifier LIKE '%@lid' THEN 'lid' ELSE 'email' END, ',')
	FROM public.tenant_user_identifiers}), 'email,lid,phone', 'the source holds every kind of identifier (the JIDs stored as phones)');
my $source_counts = counts('ha_mig_src');
note("source rows:\n$source_counts");

# --- extension -> pure-SQL build --------------------------------------------
new_db('ha_mig_script', 'script');
my ($rc, $out) = migrate('ha_mig_src', 'ha_mig_script');
is($rc, 0, 'make migrate-data copies the extension database into the pure-SQL build') or diag($out);
diag("extension -> pure-SQL build:\n$out");
like($out, qr/source: database ha_mig_src .* hotel_agent $version \(extension\)/, 'it names the source, its version and build');
like($out, qr/target: database ha_mig_script .* hotel_agent $version \(script\)/, 'and the target');
is(scalar(() = $out =~ /\| ok\s*$/mg), 10, 'six tables and four sequences reported ok');
unlike($out, qr/MISMATCH/, 'no mismatch');
is(query('ha_mig_script', 'SELECT hotel_agent.install_mode()'), 'script', 'the target is the pure-SQL build');
same_contents($source, contents('ha_mig_script'), 'every row of the six tables arrived unchanged (COPY of both, by id)');
is(next_ids('ha_mig_script'), $source_next, 'each sequence continues where the source\'s would have');
is(query('ha_mig_script', <<'SQL'), '5001|33|ok', 'a new row gets the next id, past the ones loaded');
BEGIN;
SELECT hotel_agent.record_lock_event('after-migration', 'acquired') AS lock_id \gset
INSERT INTO public.tenants (tenant_id, name) VALUES ('hotel-new', 'New') RETURNING id AS tenant_id \gset
SELECT :lock_id || '|' || :tenant_id || '|' ||
       CASE WHEN :lock_id > (SELECT max(id) FROM public.lock_audit WHERE lock_key <> 'after-migration') THEN 'ok' ELSE 'reused' END;
ROLLBACK;
SQL
is(query('ha_mig_script', q{SELECT hotel_agent.resolve_tenant('54911' || (20000000 + 14) || '@s.whatsapp.net')}),
	query('ha_mig_src', q{SELECT hotel_agent.resolve_tenant('54911' || (20000000 + 14) || '@s.whatsapp.net')}),
	'the pure-SQL build resolves a guest to the tenant the extension did');
is(query('ha_mig_script', q{SELECT string_agg(check_name, ',') FROM hotel_agent.validate() WHERE NOT ok AND check_name NOT LIKE 'maintenance%'}),
	'', 'validate() finds nothing wrong with the target');

# --- and back into a new extension database ---------------------------------
new_db('ha_mig_back', 'extension');
($rc, $out) = migrate('ha_mig_script', 'ha_mig_back');
is($rc, 0, 'make migrate-data copies the pure-SQL build back into an extension database') or diag($out);
diag("pure-SQL build -> extension:\n$out");
same_contents($source, contents('ha_mig_back'), 'the round trip gives back the original rows');
is(query('ha_mig_back', q{SELECT count(*) FROM public.lock_audit}) + 0, 4993, 'the rolled-back insert left no row behind');
is(next_ids('ha_mig_back'), next_ids('ha_mig_script'), 'the sequences kept their places (one lock_audit and one tenant id used up)');

my $argv = do { local (@ARGV, $/) = "$dir/argv.log"; <> };
ok(length($argv) > 0, 'psql command lines were recorded');
ok(index($argv, $encoded) < 0 && index($argv, $password) < 0, 'no psql command line held the password');
ok(index($out, $encoded) < 0 && index($out, $password) < 0 && $out !~ /postgresql:\/\//, 'the output holds no URL or password');

# --- what it refuses, changing nothing --------------------------------------
my $before = contents('ha_mig_script');
($rc, $out) = migrate('ha_mig_src', 'ha_mig_script');
isnt($rc, 0, 'a target that is not empty is refused');
like($out, qr/the target's tables are not empty \(tenants: 30 rows, users: 2998 rows,/, 'saying which tables hold rows');
same_contents($before, contents('ha_mig_script'), 'and the target is as it was');

new_db('ha_mig_none', 'none');
($rc, $out) = migrate('ha_mig_src', 'ha_mig_none');
isnt($rc, 0, 'a target without hotel_agent is refused');
like($out, qr/the target database ha_mig_none has no hotel_agent: install it first/, 'with what to do');

new_db('ha_mig_old', 'none');
query('ha_mig_old', "CREATE EXTENSION hotel_agent VERSION '1.0.0'");
($rc, $out) = migrate('ha_mig_src', 'ha_mig_old');
isnt($rc, 0, 'a target at 1.0.0 is refused');
like($out, qr/the target database ha_mig_old has hotel_agent 1\.0\.0 older than 1\.1\.0.*ALTER EXTENSION hotel_agent UPDATE/,
	'with what to do');

# A pure-SQL build of another version: its version() says so.
new_db('ha_mig_newer', 'script');
query('ha_mig_newer', q{CREATE OR REPLACE FUNCTION hotel_agent.version() RETURNS text LANGUAGE sql AS $$ SELECT '9.9.9' $$});
($rc, $out) = migrate('ha_mig_src', 'ha_mig_newer');
isnt($rc, 0, 'a target of another version is refused');
like($out, qr/the source has hotel_agent $version \(extension\) and the target 9\.9\.9 \(script\): both ends must run the same version/,
	'naming both versions');
is(counts('ha_mig_newer'), join("\n", map { "$_|0" } @tables), 'nothing loaded');

# Two spellings of one guest under two tenants: refused since 1.1.0 by the
# trigger, but a replica (session_replication_role = replica, as logical
# replication applies changes) skips triggers, and each spelling is its
# own canonical key, so the CHECK constraint lets both in.
new_db('ha_mig_bad', 'extension');
query('ha_mig_bad', <<'SQL');
INSERT INTO public.tenants (tenant_id, name) SELECT 'hotel-' || g, 'Hotel ' || g FROM generate_series(1, 5) g;
SELECT hotel_agent.add_tenant_identifier('hotel-' || g % 5 + 1, '+34 6' || (20000000 + g)) FROM generate_series(1, 200) g;
SELECT hotel_agent.add_tenant_identifier('hotel-1', '+54 9 11 1234-5678');
INSERT INTO public.users (id, username, email, hashed_password) SELECT 'u' || g, 'u' || g, 'u' || g || '@x.com', 'h' FROM generate_series(1, 50) g;
INSERT INTO public.lock_audit (lock_key, event_type) SELECT 'k' || g, 'acquired' FROM generate_series(1, 50) g;
SET session_replication_role = replica;
INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
SELECT id, '+541112345678' FROM public.tenants WHERE tenant_id = 'hotel-2';
SQL
is(query('ha_mig_bad', 'SELECT identifier || tenant_id || other_identifier || other_tenant_id FROM hotel_agent.identifier_conflicts()'),
	'+541112345678hotel-2+5491112345678hotel-1', 'the source holds one guest under two tenants');
new_db('ha_mig_bad_target', 'script');
($rc, $out) = migrate('ha_mig_bad', 'ha_mig_bad_target');
isnt($rc, 0, 'identifiers that the target finds to be one guest stop the load');
note($out);
like($out, qr/1 identifier row\(s\) of the source cannot be loaded as they are/, 'with one error');
like($out, qr/id 201 \(tenant hotel-1\): "\+5491112345678" is the same guest as "\+541112345678" \(id 202, tenant hotel-2\)/,
	'naming both rows, their ids and tenants');
is(counts('ha_mig_bad_target'), join("\n", map { "$_|0" } @tables), 'nothing loaded');
is(next_ids('ha_mig_bad_target'), join("\n", map { "$_|1" } @sequences), 'no sequence moved');

# A trigger of the target's own that changes rows on the way in: the
# checksums differ and the load is rolled back.
new_db('ha_mig_changed', 'script');
query('ha_mig_changed', <<'SQL');
CREATE FUNCTION public.shout() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id % 1000 = 0 THEN NEW.lock_key := upper(NEW.lock_key); END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER shout BEFORE INSERT ON public.lock_audit FOR EACH ROW EXECUTE FUNCTION public.shout();
SQL
($rc, $out) = migrate('ha_mig_src', 'ha_mig_changed');
isnt($rc, 0, 'rows changed on the way in stop the load');
note($out);
like($out, qr/lock_audit\s*\|\s*4993\s*\|\s*4993\s*\|\s*\w+\s*\|\s*\w+\s*\|\s*MISMATCH/, 'the report shows the table that differs');
like($out, qr/the rows loaded differ from the rows read/, 'with an error');
is(counts('ha_mig_changed'), join("\n", map { "$_|0" } @tables), 'nothing loaded');
is(next_ids('ha_mig_changed'), join("\n", map { "$_|1" } @sequences), 'no sequence moved');

system("dropdb $_") for qw(ha_mig_src ha_mig_script ha_mig_back ha_mig_none ha_mig_old ha_mig_newer ha_mig_bad ha_mig_bad_target ha_mig_changed);
query('postgres', 'DROP ROLE regress_migrator');
done_testing();
