# Adopting a database built from schema.sql: plain CREATE EXTENSION on a
# database that already has the six tables (applied from
# test/data/schema.sql, a verbatim copy of the original) with rows in them
# takes the tables into the extension, normalises the identifiers in place,
# and ends with exactly the catalog of a fresh install and every row kept.
# Tables that differ from schema.sql, identifiers that cannot be normalised
# or collide once normalised, and a partial set of tables stop it with a
# report, changing nothing.
#
# Runs inside the throwaway cluster of test/run.sh (PG* variables set).
use strict;
use warnings;
use File::Temp qw(tempdir);
use Test::More;

my $dir = tempdir(CLEANUP => 1);

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

sub catalog
{
	my ($db) = @_;
	return query($db, "\\i test/include/extension_catalog.sql\n"
		  . "SELECT string_agg(line, E'\\n' ORDER BY line) FROM extension_catalog;\n");
}

my @tables = qw(users user_sessions password_history tenants tenant_user_identifiers lock_audit);
sub rows
{
	my ($db, @which) = @_;
	return join("\n", map {
		query($db, "SELECT '$_ ' || count(*) || ' ' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM public.$_ t")
	} @which);
}

# A database as the original guide leaves it: schema.sql applied by hand.
sub original_database
{
	my ($db) = @_;
	system("dropdb --if-exists $db >/dev/null 2>&1");
	system("createdb $db") == 0 or die;
	my $out = qx{psql -X -q -v ON_ERROR_STOP=1 -d $db -f test/data/schema.sql 2>&1};
	die "schema.sql: $out" if $?;
}

# Rows the original backend wrote: identifiers in the spellings it was
# given, timestamps from a session in UTC.
my $rows = <<'SQL';
SET TimeZone = 'UTC';
INSERT INTO tenants (tenant_id, name, status, business_hours_start, business_hours_end, business_hours_timezone, created_at, updated_at)
VALUES ('hotel-ba', 'Hotel Buenos Aires', 'active', 8, 20, 'America/Argentina/Buenos_Aires', '2024-01-01', '2024-01-01'),
	   ('hotel-mx', 'Hotel CDMX', 'active', NULL, NULL, NULL, '2024-01-01', '2024-01-01'),
	   ('hotel-old', 'Hotel Viejo', 'suspended', 9, 18, 'Europe/Madrid', '2024-01-01', '2024-01-01');
INSERT INTO tenant_user_identifiers (tenant_id, identifier, created_at)
SELECT t.id, v.raw, '2024-01-02'
FROM (VALUES (1, 'hotel-ba', '+54 9 11 1234-5678'), (2, 'hotel-ba', 'Reservas@Hotel-BA.com.ar'),
			 (3, 'hotel-ba', '+5491187654321'), (4, 'hotel-mx', 'whatsapp:+5215512345678'),
			 (5, 'hotel-mx', ' tel:+52 55 8765 4321 '), (6, 'hotel-old', 'closed@example.com')) AS v(n, slug, raw)
JOIN tenants t ON t.tenant_id = v.slug
ORDER BY v.n;
INSERT INTO users (id, username, email, hashed_password, full_name, tenant_id, password_last_changed, created_at, updated_at)
SELECT 'usr_' || g, 'user' || g, 'user' || g || '@example.com', '$2b$12$hash' || g, 'Usuario ' || g,
	   (ARRAY['hotel-ba', 'hotel-mx', 'hotel-old'])[g % 3 + 1], '2024-01-03', '2024-01-03', '2024-01-03'
FROM generate_series(1, 20) g;
INSERT INTO user_sessions (id, user_id, token_jti, expires_at, created_at, is_revoked)
SELECT 'ses_' || g, 'usr_' || (g % 20 + 1), 'jti-' || g, '2024-02-01'::timestamp + g * interval '1 day', '2024-01-04', g % 5 = 0
FROM generate_series(1, 40) g;
INSERT INTO password_history (user_id, password_hash, created_at)
SELECT 'usr_' || (g % 4 + 1), '$2b$12$old' || g, '2024-01-01'::timestamp + g * interval '1 hour'
FROM generate_series(1, 60) g;
INSERT INTO lock_audit (lock_key, event_type, "timestamp", details)
SELECT 'room:' || g % 7, (ARRAY['acquired', 'extended', 'released', 'expired'])[g % 4 + 1],
	   '2024-01-05'::timestamp + g * interval '1 minute', jsonb_build_object('holder_id', 'worker-' || g % 2)
FROM generate_series(1, 30) g;
SQL

# 1. Adoption of a populated database.
original_database('ha_adopt');
query('ha_adopt', $rows);
my @kept = grep { $_ ne 'tenant_user_identifiers' } @tables;
my $before = rows('ha_adopt', @kept);
my ($rc, $out) = psql('ha_adopt', 'CREATE EXTENSION hotel_agent;');
is($rc, 0, 'CREATE EXTENSION adopts a database built from schema.sql') or diag($out);
is(query('ha_adopt', "SELECT count(*) FROM pg_depend WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e' AND classid = 'pg_class'::regclass AND objid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace)"),
	'10', 'the six tables and their four sequences belong to the extension');
is(rows('ha_adopt', @kept), $before, 'every row of the other five tables is kept as it was');
is(query('ha_adopt', "SELECT string_agg(t.tenant_id || ' ' || i.identifier, ', ' ORDER BY i.id) FROM tenant_user_identifiers i JOIN tenants t ON t.id = i.tenant_id"),
	'hotel-ba +5491112345678, hotel-ba reservas@hotel-ba.com.ar, hotel-ba +5491187654321, '
	  . 'hotel-mx +525512345678, hotel-mx +525587654321, hotel-old closed@example.com',
	'the identifiers are kept, normalised, with their tenants');
is(query('ha_adopt', "SELECT hotel_agent.resolve_tenant('5491112345678\@s.whatsapp.net')"), 'hotel-ba',
	'and resolve');

system("dropdb --if-exists ha_fresh >/dev/null 2>&1");
system("createdb ha_fresh") == 0 or die;
query('ha_fresh', 'CREATE EXTENSION hotel_agent;');
my $fresh = catalog('ha_fresh');
my $adopted = catalog('ha_adopt');
my $facts = query('ha_fresh', "\\i test/include/extension_catalog.sql\nSELECT count(*) FROM extension_catalog;");
if ($adopted eq $fresh)
{
	pass("the adopted database has the catalog of a fresh install ($facts facts)");
}
else
{
	my %f = map { $_ => 1 } split /\n/, $fresh;
	my %a = map { $_ => 1 } split /\n/, $adopted;
	fail('the adopted database has the catalog of a fresh install');
	diag("only in fresh: $_") for grep { !$a{$_} } sort keys %f;
	diag("only in adopted: $_") for grep { !$f{$_} } sort keys %a;
}
is(query('ha_adopt', 'SELECT last_value FROM tenant_user_identifiers_id_seq'), '6', 'the sequences keep their positions');
($rc, $out) = psql('ha_adopt', "INSERT INTO tenant_user_identifiers (tenant_id, identifier) SELECT id, '+54 9 11 1234-5678' FROM tenants WHERE tenant_id = 'hotel-mx';");
like($out, qr/already belongs to tenant "hotel-ba"/, 'the normalising trigger now guards the table');
system("dropdb ha_fresh");

# 2. Tables that differ from schema.sql: a report of each difference.
original_database('ha_differs');
query('ha_differs', <<'SQL');
ALTER TABLE users ALTER COLUMN full_name TYPE text;
CREATE INDEX idx_users_full_name ON users (full_name);
ALTER TABLE lock_audit ALTER COLUMN event_type SET DEFAULT 'acquired';
SQL
($rc, $out) = psql('ha_differs', 'CREATE EXTENSION hotel_agent;');
isnt($rc, 0, 'tables that differ from schema.sql are not adopted');
like($out, qr/the tables in schema public differ from the canonical schema\.sql/, 'it says why');
like($out, qr/missing: column users\.full_name #5 character varying\(255\) null default=/, 'a changed type: the canonical column');
like($out, qr/not in schema\.sql: column users\.full_name #5 text null default=/, 'and the existing one');
like($out, qr/not in schema\.sql: index CREATE INDEX idx_users_full_name ON users USING btree \(full_name\)/, 'an extra index');
like($out, qr/not in schema\.sql: column lock_audit\.event_type .* default='acquired'/, 'a changed default');
like($out, qr/Nothing was changed/, 'and that nothing changed');
is(query('ha_differs', "SELECT count(*) FROM pg_namespace WHERE nspname IN ('hotel_agent', 'hotel_agent_adoption_probe')"),
	'0', 'no schema was left behind');
system("dropdb ha_differs");

# 3. Identifiers that cannot be normalised or collide once normalised.
original_database('ha_bad_ids');
query('ha_bad_ids', $rows);
query('ha_bad_ids', <<'SQL');
INSERT INTO tenant_user_identifiers (tenant_id, identifier)
SELECT id, 'not a phone' FROM tenants WHERE tenant_id = 'hotel-mx';
INSERT INTO tenant_user_identifiers (tenant_id, identifier)
SELECT id, '5491112345678' FROM tenants WHERE tenant_id = 'hotel-old';
SQL
my $ids_before = rows('ha_bad_ids', 'tenant_user_identifiers');
($rc, $out) = psql('ha_bad_ids', 'CREATE EXTENSION hotel_agent;');
isnt($rc, 0, 'invalid or colliding identifiers stop the adoption');
like($out, qr/identifier id 7 'not a phone' of tenant hotel-mx is not a valid phone number or e-mail address/,
	'it names the invalid identifier and its tenant');
like($out, qr/identifiers that are one key once normalised \(\+5491112345678\): id 1 '\+54 9 11 1234-5678' of tenant hotel-ba, id 8 '5491112345678' of tenant hotel-old/,
	'it names both colliding rows and their tenants');
is(rows('ha_bad_ids', 'tenant_user_identifiers'), $ids_before, 'no identifier was changed');
is(query('ha_bad_ids', "SELECT count(*) FROM pg_extension WHERE extname = 'hotel_agent'"), '0', 'nothing was installed');
query('ha_bad_ids', "DELETE FROM tenant_user_identifiers WHERE id IN (7, 8);");
($rc, $out) = psql('ha_bad_ids', 'CREATE EXTENSION hotel_agent;');
is($rc, 0, 'once the rows are corrected the adoption succeeds') or diag($out);
system("dropdb ha_bad_ids");

# 4. Rows the 1.1.0 constraints refuse, and a partial set of tables.
original_database('ha_emails');
query('ha_emails', "INSERT INTO users (id, username, email, hashed_password) VALUES ('a', 'a', 'Ana\@x.com', 'x'), ('b', 'b', 'ana\@x.com', 'x');");
($rc, $out) = psql('ha_emails', 'CREATE EXTENSION hotel_agent;');
like($out, qr/users with e-mail ana\@x\.com in different case: a \(Ana\@x\.com\), b \(ana\@x\.com\)/,
	'e-mails that differ only in case are named');
query('ha_emails', 'DROP TABLE lock_audit;');
($rc, $out) = psql('ha_emails', 'CREATE EXTENSION hotel_agent;');
like($out, qr/schema public has some of the tables of hotel_agent but not all/, 'a partial set of tables is refused');
system("dropdb ha_emails");

done_testing();
