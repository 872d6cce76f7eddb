# plpgsql_check (Debian's postgresql-NN-plpgsql-check) over every PL/pgSQL
# function and procedure of both builds: the extension (CREATE EXTENSION
# hotel_agent) and the pure-SQL script, each in a database of its own.
#
# What fails the test: any row of level "error", "warning" or "warning
# extra" (unused variables and parameters, shadowed names, implicit casts
# that may fail, ...), with fatal_errors off so that every error is listed.
# What is only reported: "performance" (e.g. a parameter whose type forces
# a cast in a query) and "security" (EXECUTE of a string built from a
# parameter; ours are quoted with format()), counted by function.
#
# Trigger functions are checked against each table they are attached to
# (relid); one attached nowhere is an error here. plpgsql_check is created
# in these two test databases only: neither build depends on it. Runs inside
# the throwaway cluster of test/run.sh (PG* variables set), as superuser.
use strict;
use warnings;
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
	my $out = qx{psql -X -q -At -F '|' -v ON_ERROR_STOP=1 -d $db -f $dir/q.sql 2>&1};
	die "psql failed on $db: $out" if $?;
	chomp $out;
	return $out;
}

# Every PL/pgSQL function of schemas hotel_agent and public, with each table
# a trigger function is attached to, through plpgsql_check.
my $check = <<'SQL';
CREATE EXTENSION plpgsql_check;
CREATE TEMP TABLE checked AS
SELECT p.oid::regprocedure AS fn, t.tgrelid::regclass AS rel,
	   p.prorettype = 'trigger'::regtype AS is_trigger
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_language l ON l.oid = p.prolang AND l.lanname = 'plpgsql'
LEFT JOIN (SELECT DISTINCT tgfoid, tgrelid FROM pg_catalog.pg_trigger WHERE NOT tgisinternal) t
	ON t.tgfoid = p.oid
WHERE p.pronamespace IN ('hotel_agent'::regnamespace, 'public'::regnamespace);
CREATE TEMP TABLE findings AS
SELECT c.fn::text AS fn, c.rel::text AS rel, r.level, r.lineno, r.sqlstate, r.message
FROM checked c,
	 LATERAL public.plpgsql_check_function_tb(c.fn, coalesce(c.rel, 0::regclass),
		fatal_errors => false, other_warnings => true, extra_warnings => true,
		performance_warnings => true, security_warnings => true) r
WHERE NOT (c.is_trigger AND c.rel IS NULL)
UNION ALL
SELECT c.fn::text, NULL, 'error', NULL, NULL, 'a trigger function attached to no table: not checked'
FROM checked c WHERE c.is_trigger AND c.rel IS NULL;
SQL

my %failing_levels = map { $_ => 1 } ('error', 'warning', 'warning extra');
for my $build ('extension', 'script')
{
	my $db = "ha_plpgsql_check_$build";
	system("dropdb --if-exists $db >/dev/null 2>&1");
	system("createdb $db") == 0 or die;
	if ($build eq 'extension')
	{
		psql($db, 'CREATE EXTENSION hotel_agent;');
	}
	else
	{
		my $out = qx{psql -X -q -v ON_ERROR_STOP=1 -d $db -f $script 2>&1};
		die "the script failed: $out" if $?;
	}
	my $out = psql($db, $check . <<'SQL');
SELECT 'count|' || (SELECT count(DISTINCT fn) FROM checked) || '|' || (SELECT count(*) FROM checked);
SELECT 'level|' || level || '|' || count(*) FROM findings GROUP BY level ORDER BY level;
SELECT 'finding|' || level || '|' || fn || coalesce(' on ' || rel, '') || ' line ' || coalesce(lineno::text, '-')
	   || ': ' || coalesce(sqlstate || ' ', '') || message
FROM findings ORDER BY fn, rel, lineno, message;
SQL
	my ($functions, $pairs) = $out =~ /^count\|(\d+)\|(\d+)$/m;
	my %levels = map { (split /\|/)[1, 2] } grep { /^level\|/ } split /\n/, $out;
	my @findings = map { s/^finding\|//r } grep { /^finding\|/ } split /\n/, $out;
	my @failing = grep { my ($l) = split /\|/; $failing_levels{$l} } @findings;
	diag(sprintf('%s build: %d PL/pgSQL functions checked (%d with their tables); findings by level: %s',
		$build, $functions, $pairs,
		join(', ', map { "$_ $levels{$_}" } sort keys %levels) || 'none'));
	note("  $_") for grep { my ($l) = split /\|/; !$failing_levels{$l} } @findings;
	cmp_ok($functions, '>', 0, "$build build: there are PL/pgSQL functions to check");
	is_deeply(\@failing, [], "$build build: plpgsql_check finds no error and no warning")
	  or diag(join("\n", @failing));
	system("dropdb $db");
}

done_testing();
