# pg_dump keeps the rows of every extension table and the positions of its
# sequences: a database with rows everywhere is dumped, restored into a new
# database (where the dump itself creates the extension), and compared.
#
# Runs inside the throwaway cluster of test/run.sh (PG* variables set).
use strict;
use warnings;
use File::Temp qw(tempdir);
use Test::More;

my $src = 'hotel_agent_dump_src';
my $dst = 'hotel_agent_dump_dst';
my $dir = tempdir(CLEANUP => 1);

sub run_ok
{
	my ($name, @cmd) = @_;
	my $out = qx{@cmd 2>&1};
	is($?, 0, $name) or diag($out);
	return $out;
}

sub query
{
	my ($db, $sql) = @_;
	my $out = qx{psql -X -q -At -v ON_ERROR_STOP=1 -d $db -c "$sql" 2>&1};
	die "psql failed on $db: $out" if $?;
	chomp $out;
	return $out;
}

my @tables = qw(users user_sessions password_history tenants tenant_user_identifiers lock_audit);
my @sequences = qw(password_history_id_seq tenants_id_seq tenant_user_identifiers_id_seq lock_audit_id_seq);

system("dropdb --if-exists $_ >/dev/null 2>&1") for ($src, $dst);
run_ok('create source database', "createdb $src");
query($src, 'CREATE EXTENSION hotel_agent');

# Rows in every table; the serial columns move past 1 so the sequences'
# positions matter after the restore.
open(my $fh, '>', "$dir/rows.sql") or die;
print $fh <<'SQL';
SET TimeZone = 'UTC';
INSERT INTO public.tenants (tenant_id, name, status, business_hours_start, business_hours_end, business_hours_timezone)
SELECT 'hotel-' || g, 'Hotel ' || g, CASE WHEN g % 5 = 0 THEN 'suspended' ELSE 'active' END, 8, 22, 'America/Argentina/Buenos_Aires'
FROM generate_series(1, 40) g;
DELETE FROM public.tenants WHERE tenant_id IN ('hotel-39', 'hotel-40');
INSERT INTO public.tenant_user_identifiers (tenant_id, identifier)
SELECT t.id, 'guest' || g || '@hotel-' || t.id || '.example' FROM public.tenants t, generate_series(1, 3) g;
INSERT INTO public.users (id, username, email, hashed_password, full_name, tenant_id)
SELECT 'usr_' || g, 'user' || g, 'user' || g || '@example.com', '$2b$12$hash' || g, 'Usuario ' || g || ' ñ', 'hotel-' || (g % 38 + 1)
FROM generate_series(1, 25) g;
INSERT INTO public.user_sessions (id, user_id, token_jti, expires_at, is_revoked, user_agent, ip_address)
SELECT 'ses_' || g, 'usr_' || (g % 25 + 1), 'jti-' || g, '2030-01-01'::timestamp + g * interval '1 hour', g % 7 = 0, 'agent/' || g, '2001:db8::' || g
FROM generate_series(1, 60) g;
INSERT INTO public.password_history (user_id, password_hash)
SELECT 'usr_' || (g % 25 + 1), '$2b$12$old' || g FROM generate_series(1, 50) g;
INSERT INTO public.lock_audit (lock_key, event_type, details)
SELECT 'reservation:guest' || g, (ARRAY['acquired','extended','released','expired'])[g % 4 + 1],
       jsonb_build_object('holder_id', 'worker-' || g % 3, 'ttl', 30, 'reason', 'timeout')
FROM generate_series(1, 30) g;
SQL
close $fh;
run_ok('fill every table', "psql -X -q -v ON_ERROR_STOP=1 -d $src -f $dir/rows.sql");

run_ok('pg_dump', "pg_dump -Fc -f $dir/dump $src");
run_ok('create target database', "createdb $dst");
run_ok('pg_restore without errors', "pg_restore --exit-on-error -d $dst $dir/dump");

is(query($dst, "SELECT extversion FROM pg_extension WHERE extname = 'hotel_agent'"),
	query($dst, "SELECT default_version FROM pg_available_extensions WHERE name = 'hotel_agent'"),
	'the dump created the extension at its default version');

for my $t (@tables)
{
	my $sql = "SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM public.$t t";
	my $before = query($src, $sql);
	my $after = query($dst, $sql);
	unlike($before, qr/^0 /, "$t has rows before the dump");
	is($after, $before, "$t: same row count and contents after restore");
}

for my $s (@sequences)
{
	my $sql = "SELECT last_value || ' ' || is_called FROM public.$s";
	is(query($dst, $sql), query($src, $sql), "$s keeps its position");
}

# A new row gets a fresh key: the sequences were not reset.
is(query($dst, "INSERT INTO public.tenants (tenant_id, name) VALUES ('hotel-new', 'New') RETURNING id"),
	query($src, "SELECT last_value + 1 FROM public.tenants_id_seq"), 'serial continues after restore');

system("dropdb $_") for ($src, $dst);
done_testing();
