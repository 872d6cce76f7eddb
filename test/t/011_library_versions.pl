# A script newer than the installed library: CREATE EXTENSION and ALTER
# EXTENSION ... UPDATE stop with an error naming both versions, before any
# function is bound, never with a crash. The "older library" is this
# library built to report 1.0.0, installed in place of the real one for the
# length of the test (and put back at its end, whatever happens).
#
# Runs inside the throwaway cluster of test/run.sh (PG* variables set), as
# a user who may write the server's library directory (make test runs as
# root).
use strict;
use warnings;
use File::Copy qw(copy);
use File::Temp qw(tempdir);
use Test::More;

my $pg_config = $ENV{PG_CONFIG} // 'pg_config';
my $libdir = qx{$pg_config --pkglibdir};
chomp $libdir;
my $installed = "$libdir/hotel_agent.so";
my $latest = qx{psql -X -At -d postgres -c "SELECT default_version FROM pg_available_extensions WHERE name = 'hotel_agent'"};
chomp $latest;

if (!-w $libdir)
{
	plan skip_all => "$libdir is not writable";
}

my $dir = tempdir(CLEANUP => 1);
system("cp -r src mk Makefile hotel_agent.control sql $dir/") == 0 or die;
my $build = qx{make -s -C $dir PG_CONFIG=$pg_config EXTVERSION=1.0.0 with_llvm=no hotel_agent.so 2>&1};
is($?, 0, 'build the library reporting version 1.0.0') or diag($build);

# A library is replaced by renaming a new file over it, never by writing
# into it: backends that have it mapped would die of SIGBUS.
sub install_library
{
	my ($from) = @_;
	copy($from, "$installed.swap") or die "copy $from: $!";
	chmod(0755, "$installed.swap");
	rename("$installed.swap", $installed) or die "rename: $!";
}

copy($installed, "$dir/hotel_agent.so.real") or die "backup: $!";
END
{
	# put the real library back
	install_library("$dir/hotel_agent.so.real") if $dir && -f "$dir/hotel_agent.so.real";
}
install_library("$dir/hotel_agent.so");

sub psql
{
	my ($db, $sql) = @_;
	my $out = qx{psql -X -q -At -v ON_ERROR_STOP=1 -d $db -c "$sql" 2>&1};
	my $rc = $?;
	chomp $out;
	return ($rc, $out);
}

system("dropdb --if-exists ha_libver >/dev/null 2>&1");
system("createdb ha_libver") == 0 or die;
my ($rc, $out) = psql('ha_libver', 'CREATE EXTENSION hotel_agent');
isnt($rc, 0, "CREATE EXTENSION $latest with a 1.0.0 library fails");
like($out, qr/hotel_agent $latest needs its library at version $latest or later, but the installed library is 1\.0\.0/,
	'the error names both versions');
like($out, qr/HINT:  Install the package/, 'and says what to do');
($rc, $out) = psql('ha_libver', "SELECT count(*) FROM pg_extension WHERE extname = 'hotel_agent'");
is($out, '0', 'nothing was installed');

($rc, $out) = psql('ha_libver', "CREATE EXTENSION hotel_agent VERSION '1.0.0'");
is($rc, 0, 'the 1.0.0 script installs with the 1.0.0 library') or diag($out);
($rc, $out) = psql('ha_libver', 'ALTER EXTENSION hotel_agent UPDATE');
isnt($rc, 0, 'updating to the newer script fails');
like($out, qr/needs its library at version $latest or later, but the installed library is 1\.0\.0/,
	'naming both versions');
($rc, $out) = psql('ha_libver', "SELECT extversion FROM pg_extension WHERE extname = 'hotel_agent'");
is($out, '1.0.0', 'the database stays at 1.0.0');
($rc, $out) = psql('ha_libver', "SELECT hotel_agent.normalize_e164('+54 9 11 1234-5678')");
is($out, '+5491112345678', 'and keeps working');

# The real library again: the update goes through.
install_library("$dir/hotel_agent.so.real");
($rc, $out) = psql('ha_libver', 'ALTER EXTENSION hotel_agent UPDATE');
is($rc, 0, "with the $latest library the update succeeds") or diag($out);
system("dropdb ha_libver");

done_testing();
