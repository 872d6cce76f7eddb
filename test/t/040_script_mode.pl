# The pure-SQL build (tools/assemble-sql.sh ... supabase): installed with
# psql into a database without the extension, it reports its version and
# install mode, refuses to run twice or next to the extension, and gives
# the tables, functions and behaviour of the extension.
#
# The identifier normaliser's twin is compared with the C functions row by
# row in test/twin/compare.sh. Runs inside the throwaway cluster of
# test/run.sh (PG* variables set), as the cluster's superuser.
use strict;
use warnings;
use File::Temp qw(tempdir);
use Test::More;

my $dir = tempdir(CLEANUP => 1);
my $version = qx{sed -n "s/^default_version *= *'\\([^']*\\)'.*/\\1/p" hotel_agent.control};
chomp $version;

my $script = "sql/supabase/hotel_agent--$version.sql";
ok(-f $script, "the pure-SQL build of $version is checked in (test/run.sh checks that it is fresh)");

sub psql
{
	my ($db, @args) = @_;
	my $out = qx{psql -X -q -At -v ON_ERROR_STOP=1 -d $db @args 2>&1};
	my $rc = $?;
	chomp $out;
	return ($rc, $out);
}

sub query
{
	my ($db, $sql) = @_;
	open(my $fh, '>', "$dir/q.sql") or die;
	print $fh $sql;
	close $fh;
	my ($rc, $out) = psql($db, "-f $dir/q.sql");
	die "psql failed on $db: $out" if $rc;
	return $out;
}

system("dropdb --if-exists ha_script >/dev/null 2>&1");
system("createdb ha_script") == 0 or die;
my ($rc, $out) = psql('ha_script', "-f $script");
is($rc, 0, 'the script installs in one transaction') or diag($out);
is(query('ha_script', 'SELECT hotel_agent.version()'), $version, "version() answers the script's version");
is(query('ha_script', 'SELECT hotel_agent.install_mode()'), 'script', "install_mode() says script");
is(query('ha_script', "SELECT count(*) FROM pg_extension WHERE extname = 'hotel_agent'"), '0', 'no extension');

($rc, $out) = psql('ha_script', "-f $script");
isnt($rc, 0, 'running it twice fails');
like($out, qr/hotel_agent is already installed in this database/, 'with a clear message');
like($out, qr/Schema hotel_agent exists \(version $version\)/, 'naming the installed version');

system("dropdb --if-exists ha_script_ext >/dev/null 2>&1");
system("createdb ha_script_ext") == 0 or die;
query('ha_script_ext', 'CREATE EXTENSION hotel_agent');
($rc, $out) = psql('ha_script_ext', "-f $script");
like($out, qr/hotel_agent is installed in this database as an extension/, 'it refuses a database with the extension');
is(query('ha_script_ext', "SELECT extversion FROM pg_extension WHERE extname = 'hotel_agent'"), $version,
	'which it leaves as it was');

# Same tables, constraints, indexes, triggers, comments and privileges; the
# same functions with the same signatures and flags. What may differ: the
# language and body of the twins, the functions internal to this build,
# extension membership and pg_extension_config_dump (no extension).
my $catalog = "\\i test/include/extension_catalog.sql\n"
  . "SELECT string_agg(line, E'\\n' ORDER BY line) FROM extension_catalog WHERE kind NOT IN ('member', 'config');\n";
my %ext = map { $_ => 1 } split /\n/, query('ha_script_ext', $catalog);
my %scr = map { $_ => 1 } split /\n/, query('ha_script', $catalog);
my @only_ext = grep { !$scr{$_} } sort keys %ext;
my @only_scr = grep { !$ext{$_} } sort keys %scr;
my $strip = sub {
	my ($l) = @_;
	$l =~ s/ language=\S+//;
	$l =~ s/ config=(\{[^}]*\}|\S*)//;
	$l =~ s/ body_md5=\S+//;
	$l =~ s/ cost=\S+//;
	return $l;
};
my %ext_fn = map { $strip->($_) => 1 } grep { /^function / } @only_ext;
my @unexplained_ext = grep { !/^function / } @only_ext;
# Internal to the pure-SQL build: the phone metadata as tables
# (hotel_agent.e164_plan, e164_metadata) and the helpers of the twins.
my $internal = qr/hotel_agent\.(?:e164_parse\w*|e164_plan\w*|e164_metadata|resolve_tenant_row)(?!\w)/;
my @unexplained_scr = grep { !(/^function / && $ext_fn{ $strip->($_) }) && !/$internal/ } @only_scr;
note('objects internal to the pure-SQL build: ' . scalar(grep { /$internal/ } @only_scr) . ' catalog lines');
is_deeply(\@unexplained_ext, [], 'every table, index, trigger, comment and privilege of the extension is in the script build');
is_deeply(\@unexplained_scr, [], 'the script build has nothing else but its twins\' bodies and its internal function')
  or diag(join("\n", @unexplained_scr));
my %scr_fn = map { $strip->($_) => 1 } grep { /^function / } @only_scr;
is_deeply([ grep { !$scr_fn{$_} } sort keys %ext_fn ], [], 'every function has a twin with the same signature and flags');

# Behaviour, through the backend's calls.
is(query('ha_script', <<'SQL'), "+5491112345678|hotel-ba|hotel-ba|true|hotel-ba|+5491112345678", 'tenant resolution');
SET TimeZone = 'UTC';
INSERT INTO tenants (tenant_id, name, business_hours_start, business_hours_end, business_hours_timezone)
VALUES ('hotel-ba', 'Hotel BA', 8, 20, 'America/Argentina/Buenos_Aires'), ('hotel-mx', 'Hotel MX', NULL, NULL, NULL);
SELECT hotel_agent.add_tenant_identifier('hotel-ba', '+54 9 11 1234-5678') AS key \gset
SELECT :'key' || '|' ||
	   hotel_agent.resolve_tenant('5491112345678@s.whatsapp.net') || '|' ||
	   hotel_agent.resolve_tenant('+54 11 1234-5678') || '|' ||
	   hotel_agent.tenant_is_open('hotel-ba', '2025-06-02 15:00+00') || '|' ||
	   r.tenant_id || '|' || r.matched_key
FROM hotel_agent.resolve_tenant_info('+54 9 11 1234-5678') r;
SQL
($rc, $out) = psql('ha_script', q{-c "INSERT INTO tenant_user_identifiers (tenant_id, identifier) SELECT id, '+54 11 1234-5678' FROM tenants WHERE tenant_id = 'hotel-mx'"});
like($out, qr/ERROR:  identifier "\+541112345678" is the same guest as "\+5491112345678", which belongs to tenant "hotel-ba"/,
	'another spelling of a guest of another tenant is refused, as by the extension');
($rc, $out) = psql('ha_script', q{-c "SELECT hotel_agent.tenant_is_open('nowhere')"});
like($out, qr/ERROR:  tenant "nowhere" does not exist/, 'an unknown tenant');
is(query('ha_script', <<'SQL'), '10|3|true|false', 'password history and sessions');
INSERT INTO users (id, username, email, hashed_password) VALUES ('u1', 'ana', 'ana@example.com', 'x');
INSERT INTO password_history (user_id, password_hash, created_at)
SELECT 'u1', 'h' || g, '2024-01-01'::timestamp + g * interval '1 day' FROM generate_series(1, 15) g;
INSERT INTO user_sessions (id, user_id, token_jti, expires_at) VALUES ('s1', 'u1', 'jti-1', '2999-01-01'), ('s2', 'u1', 'jti-2', '2000-01-01');
SELECT (SELECT count(*) FROM password_history) || '|' ||
	   (SELECT hotel_agent.prune_password_history('u1', 7)) || '|' ||
	   hotel_agent.session_is_active('jti-1') || '|' || hotel_agent.session_is_active('jti-2');
SQL
($rc, $out) = psql('ha_script', q{-c "SELECT hotel_agent.prune_password_history('u1', -1)"});
like($out, qr/ERROR:  keep must not be negative/, 'a negative keep');
is(query('ha_script', q{SELECT hotel_agent.is_valid_time_zone(z) FROM unnest(ARRAY['UTC', 'america/new_york', 'ART', 'Mars/Olympus_Mons', '']) z}),
	"t\nt\nf\nf\nf", 'time zones: the rule of the extension');

is(query('ha_script', q{SELECT string_agg(check_name || ': ' || detail, E'\n') FROM hotel_agent.validate()
	WHERE NOT ok AND check_name NOT LIKE 'maintenance%'}), '', 'validate() finds nothing wrong with the script build');
system("dropdb ha_script");
system("dropdb ha_script_ext");
done_testing();
