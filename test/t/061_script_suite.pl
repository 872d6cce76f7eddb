# The regression suite (test/sql/) and the isolation specs (test/specs/)
# against the pure-SQL build: the script is installed with psql into a
# database without the extension (contrib_regression, then
# isolation_regression), and pg_regress and pg_isolation_regress run there
# with --use-existing, compared with the SAME expected outputs (expected/)
# as the extension.
#
# One difference is allowed, and only one: a result line that is
# hotel_agent.install_mode()'s answer, " script", where the extension's
# output says " extension" (00_install). Everything else, errors with
# their SQLSTATE, message, detail and hint included, must be identical.
#
# A test whose first line is "-- hotel_agent: extension-only" (a spec:
# "# hotel_agent: extension-only") is not run here; the lines after the
# marker say why (the library, the extension's packaging or the C code's
# direct table access, which the pure-SQL build does not have). Runs
# inside the throwaway cluster of test/run.sh (PG* variables set), as the
# cluster's superuser, after the extension's own run of the suite.
use strict;
use warnings;
use Test::More;

my $version = qx{sed -n "s/^default_version *= *'\\([^']*\\)'.*/\\1/p" hotel_agent.control};
chomp $version;
my $script = "sql/supabase/hotel_agent--$version.sql";

my $pgxs = qx{$ENV{PG_CONFIG} --pgxs};
chomp $pgxs;
$pgxs =~ s{/[^/]+$}{};
my $bindir = qx{$ENV{PG_CONFIG} --bindir};
chomp $bindir;

# The tests in DIR with suffix EXT, split by the marker on their first line.
sub tests
{
	my ($dir, $ext) = @_;
	my (@shared, @extension_only);
	for my $file (sort glob("$dir/*.$ext"))
	{
		open(my $fh, '<', $file) or die "$file: $!";
		my $first = <$fh> // '';
		close $fh;
		(my $name = $file) =~ s{^.*/(.*)\.$ext$}{$1};
		if ($first =~ /^(--|#) hotel_agent: extension-only\s*$/)
		{
			push @extension_only, $name;
		}
		else
		{
			push @shared, $name;
		}
	}
	return (\@shared, \@extension_only);
}

# Installs the script into a new database DB, runs RUNNER on the tests
# there, compares every result with expected/ (install_mode()'s answer
# aside) and returns how many matched.
sub run_suite
{
	my ($what, $db, $runner, $outdir, $tests) = @_;
	system("rm -rf $outdir && mkdir -p $outdir/filtered");
	symlink("$ENV{PWD}/expected", "$outdir/expected") or die "symlink: $!";
	system("dropdb --force --if-exists $db >/dev/null 2>&1");
	system("createdb $db") == 0 or die;
	my $out = qx{psql -X -q -v ON_ERROR_STOP=1 -d $db -f $script 2>&1};
	is($?, 0, "the pure-SQL build installs into $db") or diag($out);

	my $start = time;
	$out = qx{$runner --use-existing --dbname=$db --inputdir=test --outputdir=$outdir --bindir=$bindir @$tests 2>&1};
	my $seconds = time - $start;
	open(my $log, '>', "$outdir/runner.log") or die;
	print $log $out;
	close $log;

	my $matched = 0;
	for my $name (@$tests)
	{
		my $result = "$outdir/results/$name.out";
		if (!-f $result)
		{
			fail("$name ran on the pure-SQL build") or diag($out);
			next;
		}
		open(my $in, '<', $result) or die "$result: $!";
		open(my $filtered, '>', "$outdir/filtered/$name.out") or die;
		while (my $line = <$in>)
		{
			# install_mode()'s answer, the one line allowed to differ
			$line =~ s/^ script$/ extension/;
			print $filtered $line;
		}
		close $in;
		close $filtered;
		my $diff = qx{diff -U3 expected/$name.out $outdir/filtered/$name.out};
		ok($diff eq '', "$name: the pure-SQL build gives the extension's output")
		  ? $matched++ : diag($diff);
	}
	diag(sprintf('%s: %d of %d give the extension\'s output on the pure-SQL build (%ds)',
		$what, $matched, scalar(@$tests), $seconds));
	system("dropdb --force $db >/dev/null 2>&1");
	return $matched;
}

my ($regress, $regress_ext) = tests('test/sql', 'sql');
my ($specs, $specs_ext) = tests('test/specs', 'spec');
diag('extension-only, not run on the pure-SQL build: ' . join(', ', @$regress_ext, @$specs_ext));

run_suite('regression tests', 'contrib_regression', "$pgxs/../test/regress/pg_regress",
	'build/regress-script', $regress);
# pg_cron keeps a connection to contrib_regression: leave it there, empty.
system("createdb contrib_regression");
run_suite('isolation specs', 'isolation_regression', "$pgxs/../test/isolation/pg_isolation_regress",
	'build/isolation-script', $specs);

done_testing();
