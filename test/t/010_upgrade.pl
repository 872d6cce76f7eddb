# Update = fresh install: every released version is installed, filled with
# realistic rows, updated along its path in pg_extension_update_paths() to
# the default version, and compared with a fresh install of that version
# filled with the same rows: the whole-extension catalog
# (test/include/extension_catalog.sql) and every row must be equal.
# Then the regression suite runs on a database updated from the oldest
# version, with the same expected outputs as on a fresh install; and an
# update whose existing rows violate the new constraints stops before
# changing anything, naming the rows.
#
# Runs inside the throwaway cluster of test/run.sh (PG* variables set).
use strict;
use warnings;
use File::Basename qw(dirname);
use File::Temp qw(tempdir);
use Test::More;

my $dir = tempdir(CLEANUP => 1);

sub psql
{
	my ($db, @args) = @_;
	my $out = qx{psql -X -q -At -v ON_ERROR_STOP=1 -d $db @args 2>&1};
	return ($?, $out);
}

sub query
{
	my ($db, $sql) = @_;
	open(my $fh, '>', "$dir/q.sql") or die;
	print $fh $sql;
	close $fh;
	my ($rc, $out) = psql($db, "-f $dir/q.sql");
	die "psql failed on $db: $out" if $rc;
	chomp $out;
	return $out;
}

# The sorted catalog lines of a database, one string.
sub catalog
{
	my ($db) = @_;
	return query($db, "\\i test/include/extension_catalog.sql\n"
		  . "SELECT string_agg(line, E'\\n' ORDER BY line) FROM extension_catalog;\n");
}

# Count and checksum of every table of the extension, one line per table.
my @tables = qw(users user_sessions password_history tenants tenant_user_identifiers lock_audit);
sub rows
{
	my ($db) = @_;
	return join("\n", map {
		query($db, "SELECT '$_ ' || count(*) || ' ' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM public.$_ t")
	} @tables);
}

# Rows that every released version accepts: several tenants, identifiers in
# many spellings (the trigger stores them normalised), users, sessions,
# password history over the bound, lock events. Every timestamp is given,
# so that two databases filled with this script hold equal rows.
my $fill = <<'SQL';
SET TimeZone = 'UTC';
INSERT INTO public.tenants (tenant_id, name, status, business_hours_start, business_hours_end, business_hours_timezone, created_at, updated_at)
SELECT 'hotel-' || g, 'Hotel ' || g, (ARRAY['active', 'inactive', 'suspended'])[g % 3 + 1],
	   CASE WHEN g % 4 = 0 THEN NULL ELSE 8 END, CASE WHEN g % 4 = 0 THEN NULL ELSE 20 END,
	   (ARRAY[NULL, 'America/Argentina/Buenos_Aires', 'America/Mexico_City', 'Europe/Madrid'])[g % 4 + 1],
	   '2024-01-01', '2024-01-01'
FROM generate_series(1, 12) g;
INSERT INTO public.tenant_user_identifiers (tenant_id, identifier, created_at)
SELECT t.id, v.raw, '2024-01-02'
FROM (VALUES ('hotel-1', '+54 9 11 1234-5678'), ('hotel-1', 'Reservas@Hotel-1.example'),
			 ('hotel-2', '5215512345678'), ('hotel-2', '+52 55 8765 4321'),
			 ('hotel-3', '+55 11 91234-5678'), ('hotel-3', 'tel:+34 612 34 56 78'),
			 ('hotel-4', '  Front.Desk@Hotel-4.example '), ('hotel-5', '+1 (650) 253-0000'),
			 ('hotel-6', 'whatsapp:+447911123456'), ('hotel-7', '+49 1512 3456789'),
			 ('hotel-8', '5491187654321:12@s.whatsapp.net')) AS v(slug, raw)
JOIN public.tenants t ON t.tenant_id = v.slug;
INSERT INTO public.users (id, username, email, hashed_password, full_name, tenant_id, password_last_changed, created_at, updated_at)
SELECT 'usr_' || g, 'user' || g, 'user' || g || '@example.com', '$2b$12$hash' || g, 'Usuario ' || g,
	   'hotel-' || (g % 12 + 1), '2024-01-03', '2024-01-03', '2024-01-03'
FROM generate_series(1, 30) g;
INSERT INTO public.user_sessions (id, user_id, token_jti, expires_at, created_at, is_revoked, user_agent, ip_address)
SELECT 'ses_' || g, 'usr_' || (g % 30 + 1), 'jti-' || g, '2024-01-01'::timestamp + g * interval '1 day',
	   '2024-01-01', g % 7 = 0, 'agent/' || g, '192.0.2.' || g
FROM generate_series(1, 80) g;
SET hotel_agent.password_history_keep = 0;
INSERT INTO public.password_history (user_id, password_hash, created_at)
SELECT 'usr_' || (g % 5 + 1), '$2b$12$old' || g, '2024-01-01'::timestamp + g * interval '1 hour'
FROM generate_series(1, 90) g;
INSERT INTO public.lock_audit (lock_key, event_type, "timestamp", details)
SELECT 'reservation:guest' || g % 9, (ARRAY['acquired', 'extended', 'released', 'expired'])[g % 4 + 1],
	   '2024-01-01'::timestamp + g * interval '1 minute', jsonb_build_object('holder_id', 'worker-' || g % 3, 'ttl', 30)
FROM generate_series(1, 60) g;
SQL
open(my $fh, '>', "$dir/fill.sql") or die;
print $fh $fill;
close $fh;

my $latest = query('postgres', "SELECT default_version FROM pg_available_extensions WHERE name = 'hotel_agent'");
my @paths = split /\n/, query('postgres',
	"SELECT source || ' ' || path FROM pg_extension_update_paths('hotel_agent') "
	  . "WHERE target = '$latest' AND path IS NOT NULL ORDER BY source");
my @released = split /\n/, query('postgres',
	"SELECT version FROM pg_available_extension_versions WHERE name = 'hotel_agent' AND version <> '$latest' ORDER BY version");
is(scalar(@paths), scalar(@released), "every released version has an update path to $latest")
  or diag("paths: @paths; versions: @released");

system("dropdb --if-exists ha_fresh >/dev/null 2>&1");
system("createdb ha_fresh") == 0 or die;
query('ha_fresh', 'CREATE EXTENSION hotel_agent');
my ($rc, $out) = psql('ha_fresh', "-f $dir/fill.sql");
is($rc, 0, "fill a fresh $latest") or diag($out);
my $fresh_catalog = catalog('ha_fresh');
my $fresh_rows = rows('ha_fresh');
my $facts = query('ha_fresh', "\\i test/include/extension_catalog.sql\nSELECT count(*) FROM extension_catalog;");
note("catalog facts compared: $facts");
cmp_ok($facts, '>', 300, 'the catalog comparison covers the whole extension');

for my $p (@paths)
{
	my ($source, $path) = split / /, $p, 2;
	my $db = "ha_from_" . ($source =~ s/\W/_/gr);
	system("dropdb --if-exists $db >/dev/null 2>&1");
	system("createdb $db") == 0 or die;
	query($db, "CREATE EXTENSION hotel_agent VERSION '$source'");
	($rc, $out) = psql($db, "-f $dir/fill.sql");
	is($rc, 0, "fill $source") or diag($out);
	my $before = rows($db);
	like($before, qr/password_history 90 /, "$source: password history over the bound before the update");

	($rc, $out) = psql($db, "-c 'ALTER EXTENSION hotel_agent UPDATE'");
	is($rc, 0, "update $source along $path") or diag($out);
	is(query($db, "SELECT extversion FROM pg_extension WHERE extname = 'hotel_agent'"), $latest,
		"$source is at $latest");

	my $upgraded = catalog($db);
	if ($upgraded eq $fresh_catalog)
	{
		pass("$source updated to $latest: same catalog as a fresh install ($facts facts)");
	}
	else
	{
		my %f = map { $_ => 1 } split /\n/, $fresh_catalog;
		my %u = map { $_ => 1 } split /\n/, $upgraded;
		fail("$source updated to $latest: same catalog as a fresh install");
		diag("only in fresh: $_") for grep { !$u{$_} } sort keys %f;
		diag("only in updated: $_") for grep { !$f{$_} } sort keys %u;
	}
	is(rows($db), $before, "$source: every row kept by the update");
	is(rows($db), $fresh_rows, "$source: the same rows as a fresh $latest filled alike");
	system("dropdb $db");
}
system("dropdb ha_fresh");

# Existing rows that the new constraints refuse: the update stops before
# changing anything and names them.
for my $source (@released)
{
	my $db = "ha_refused";
	system("dropdb --if-exists $db >/dev/null 2>&1");
	system("createdb $db") == 0 or die;
	query($db, "CREATE EXTENSION hotel_agent VERSION '$source'");
	my $tables_before = query($db, "\\i test/include/extension_catalog.sql\nSELECT md5(string_agg(line, '|' ORDER BY line)) FROM extension_catalog;");
	query($db, <<'SQL');
INSERT INTO public.users (id, username, email, hashed_password) VALUES
	('u1', 'ana', 'Ana@Example.com', 'x'), ('u2', 'ana2', 'ana@example.com', 'x'), ('u3', 'bob', 'bob@example.com', 'x');
INSERT INTO public.tenants (tenant_id, name, status, business_hours_start) VALUES ('hotel-odd', 'Odd', 'onboarding', 25);
INSERT INTO public.lock_audit (lock_key, event_type) VALUES ('k', 'stolen'), ('k', 'stolen');
INSERT INTO public.tenants (tenant_id, name) VALUES ('hotel-group', 'Group');
-- stored by the older library, which read a group JID as an e-mail
SET session_replication_role = replica;
INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
SELECT id, '120363042345678901@g.us' FROM public.tenants WHERE tenant_id = 'hotel-group';
RESET session_replication_role;
SQL
	($rc, $out) = psql($db, "-c 'ALTER EXTENSION hotel_agent UPDATE'");
	isnt($rc, 0, "$source with rows the new constraints refuse: the update fails");
	like($out, qr/existing rows violate its constraints/, 'it says why');
	like($out, qr/users with e-mail ana\@example\.com in different case: u1 \(Ana\@Example\.com\), u2 \(ana\@example\.com\)/,
		'it names the users whose e-mails collide');
	like($out, qr/tenant hotel-odd: status 'onboarding', business hours 25 to NULL/, 'it names the tenant');
	like($out, qr/2 lock_audit rows with event_type 'stolen'/, 'it counts the lock events');
	like($out, qr/identifier id 1 '120363042345678901\@g\.us' of tenant hotel-group is not a valid phone number or e-mail address/,
		'it names an identifier the new normaliser refuses (a WhatsApp group)');
	like($out, qr/HINT:.*Nothing was changed/, 'it says that nothing changed');
	is(query($db, "SELECT extversion FROM pg_extension WHERE extname = 'hotel_agent'"), $source,
		'the extension is still at its version');
	is(query($db, "\\i test/include/extension_catalog.sql\nSELECT md5(string_agg(line, '|' ORDER BY line)) FROM extension_catalog;"),
		$tables_before, 'and its catalog is unchanged');
	query($db, <<'SQL');
UPDATE public.users SET email = 'ana.two@example.com' WHERE id = 'u2';
UPDATE public.tenants SET status = 'inactive', business_hours_start = NULL WHERE tenant_id = 'hotel-odd';
DELETE FROM public.lock_audit WHERE event_type = 'stolen';
DELETE FROM public.tenant_user_identifiers;
SQL
	($rc, $out) = psql($db, "-c 'ALTER EXTENSION hotel_agent UPDATE'");
	is($rc, 0, "$source: once the rows are fixed the update succeeds") or diag($out);
	is(query($db, 'SELECT count(*) FROM public.users'), 3, 'with every user');
	system("dropdb $db");
}

# The regression suite on a database updated from the oldest release: the
# same expected outputs as on a fresh install.
my $pgxs = dirname(qx{$ENV{PG_CONFIG} --pgxs});
my $bindir = qx{$ENV{PG_CONFIG} --bindir};
chomp $bindir;
my $outdir = 'build/regress-updated';
system("rm -rf $outdir && mkdir -p $outdir");
symlink("$ENV{PWD}/expected", "$outdir/expected") or die "symlink: $!";
system("dropdb --force --if-exists contrib_regression >/dev/null 2>&1");  # pg_cron keeps a connection to it
system("createdb contrib_regression") == 0 or die;
query('contrib_regression', "CREATE EXTENSION hotel_agent VERSION '$released[0]'");
query('contrib_regression', 'ALTER EXTENSION hotel_agent UPDATE');
my @tests = map { s{^test/sql/(.*)\.sql$}{$1}r } sort glob('test/sql/*.sql');
$out = qx{$pgxs/../test/regress/pg_regress --use-existing --dbname=contrib_regression --inputdir=test --outputdir=$outdir --bindir=$bindir @tests 2>&1};
is($?, 0, "the regression suite (" . scalar(@tests) . " tests) passes on a database updated from $released[0]")
  or diag($out . `cat $outdir/regression.diffs 2>/dev/null | head -n 80`);

done_testing();
