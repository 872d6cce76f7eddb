#!/bin/sh
# Assembles an extension script of hotel_agent from the sources in sql/src/.
#
#   tools/assemble-sql.sh install VERSION TARGET        fresh install of VERSION
#   tools/assemble-sql.sh upgrade FROM VERSION TARGET   update from FROM to VERSION
#
# The script goes to standard output. TARGET is the build:
#   extension   CREATE EXTENSION hotel_agent (LANGUAGE C bindings from sql/src/c/)
#   supabase    plain script without C (PL/pgSQL twins from sql/src/plpgsql/)
#
# Sources (see sql/README.md):
#   sql/src/NN_concern.sql            portable SQL of the concern
#   sql/src/TARGETDIR/NN_concern.sql  the target's bindings of the concern's
#                                     native functions, emitted before the
#                                     portable file of the same NN
#   sql/src/upgrade/FROM--VERSION.sql the upgrade, written by hand
#
# Directives, each alone on a line:
#   -- @if extension | -- @if supabase ... -- @endif
#       the lines between are kept for that target only
#   -- @once ... -- @end-once
#       statements that create objects once (schemas, tables, indexes,
#       triggers, config-dump registrations): in install scripts only.
#       Everything outside such blocks must be replayable (CREATE OR
#       REPLACE FUNCTION/PROCEDURE/VIEW, COMMENT, GRANT, REVOKE, checks).
#   -- @replay                (upgrade sources)
#       every replayable statement of the install sources, in install
#       order: the functions of the new version, their comments and grants
#   -- @include FILE          (upgrade sources)
#       sql/src/FILE whole, @once blocks included: a schema change shared
#       with the install script
# @hotel_agent_version@ is replaced by VERSION. In the supabase build,
# which no CREATE EXTENSION loads, @extschema@ is replaced by public and
# the script is wrapped in BEGIN ... COMMIT.
#
# Released scripts are never assembled again: sql/released.sha256 freezes them.
set -eu

usage() {
	echo "usage: $0 install VERSION TARGET | upgrade FROM VERSION TARGET | sources TARGET" >&2
	exit 2
}

cd "$(dirname "$0")/.."
src=sql/src

mode=${1:-}
from=
version=
case "$mode" in
install)
	[ $# = 3 ] || usage
	version=$2
	target=$3
	;;
upgrade)
	[ $# = 4 ] || usage
	from=$2
	version=$3
	target=$4
	;;
sources)
	[ $# = 2 ] || usage
	target=$2
	;;
*)
	usage
	;;
esac

case "$target" in
extension) bindings=$src/c ;;
supabase) bindings=$src/plpgsql ;;
*)
	echo "$0: unknown target \"$target\" (extension or supabase)" >&2
	exit 2
	;;
esac

# sources: the install sources in order, one per line.  Each concern NN
# gives the target's bindings of its native functions first (the portable
# part's triggers, comments and grants refer to them), then the portable
# part.  A native function without a binding for the target is an error.
sources() {
	for nn in $(ls "$src" "$src/c" "$bindings" 2>/dev/null |
		sed -n 's/^\([0-9][0-9]\)_.*\.sql$/\1/p' | sort -u); do
		for f in "$src"/c/"$nn"_*.sql; do
			[ -f "$f" ] || continue
			b="$bindings/$(basename "$f")"
			if [ ! -f "$b" ]; then
				echo "$0: no $target binding $b for $f" >&2
				exit 1
			fi
		done
		for f in "$bindings"/"$nn"_*.sql "$src"/"$nn"_*.sql; do
			[ -f "$f" ] && echo "$f"
		done
	done
}

if [ "$mode" = sources ]; then
	sources
	exit 0
fi

# emit FILE [replay]: prints FILE with the directives applied; with
# "replay", without its @once blocks.
emit() {
	awk -v target="$target" -v src="$src" -v version="$version" \
		-v file="$1" -v replay="${2:-}" '
	function process(path, replaying,    line, rc, tkeep, iif, once, n, w) {
		tkeep = 1
		iif = 0
		once = 0
		n = 0
		while ((rc = (getline line < path)) > 0) {
			n++
			if (line ~ /^-- @if [a-z]+[ \t]*$/) {
				if (iif) fail(path, n, "nested @if")
				split(line, w, /[ \t]+/)
				if (w[3] != "extension" && w[3] != "supabase")
					fail(path, n, "unknown target " w[3])
				iif = 1
				tkeep = (w[3] == target)
				continue
			}
			if (line ~ /^-- @endif[ \t]*$/) {
				if (!iif) fail(path, n, "@endif without @if")
				iif = 0
				tkeep = 1
				continue
			}
			if (line ~ /^-- @once[ \t]*$/) {
				if (once) fail(path, n, "nested @once")
				once = 1
				continue
			}
			if (line ~ /^-- @end-once[ \t]*$/) {
				if (!once) fail(path, n, "@end-once without @once")
				once = 0
				continue
			}
			if (line ~ /^-- @include /) {
				split(line, w, /[ \t]+/)
				if (tkeep) process(src "/" w[3], 0)
				continue
			}
			if (line ~ /^-- @replay[ \t]*$/) {
				if (tkeep) replay_all()
				continue
			}
			if (line ~ /^-- @/) fail(path, n, "unknown directive")
			if (tkeep && !(once && replaying)) {
				gsub(/@hotel_agent_version@/, version, line)
				# No CREATE EXTENSION loads a plain script: the schema of
				# the tables is public there, as the backend expects.
				if (target == "supabase")
					gsub(/@extschema@/, "public", line)
				print line
			}
		}
		if (rc < 0) fail(path, 0, "cannot read")
		if (iif) fail(path, n, "@if without @endif")
		if (once) fail(path, n, "@once without @end-once")
		close(path)
	}
	function replay_all(    cmd, f) {
		cmd = "sh tools/assemble-sql.sh sources " target
		while ((cmd | getline f) > 0) {
			print ""
			print "-- replayed from " f
			process(f, 1)
		}
		close(cmd)
	}
	function fail(path, n, msg) {
		printf "%s:%d: %s\n", path, n, msg > "/dev/stderr"
		exit 1
	}
	BEGIN { process(file, replay == "replay") }'
}

# section FILE: a banner naming the source, then the source.
section() {
	echo
	echo "-- ---------------------------------------------------------------------"
	echo "-- $1"
	echo "-- ---------------------------------------------------------------------"
	echo
	emit "$1"
}

if [ "$target" = extension ]; then
	guard='\echo Use "CREATE EXTENSION hotel_agent" to load this file. \quit'
	loaded_by='CREATE EXTENSION hotel_agent'
else
	guard=''
	loaded_by='psql -v ON_ERROR_STOP=1 -f (one transaction: the script says BEGIN and COMMIT)'
fi

if [ "$mode" = install ]; then
	echo "-- hotel_agent $version install script ($target build)."
	echo "-- Generated by tools/assemble-sql.sh from sql/src/: edit the sources, then run make."
	echo "-- Loaded by: $loaded_by"
	if [ -n "$guard" ]; then
		echo
		echo "-- complain if script is sourced in psql, rather than via CREATE EXTENSION"
		printf '%s\n' "$guard"
	fi
	files=$(sources)
	# A plain script runs in one transaction: all or nothing.
	[ "$target" = supabase ] && printf '\nBEGIN;\n'
	for f in $files; do
		section "$f"
	done
	[ "$target" = supabase ] && printf '\nCOMMIT;\n'
else
	file=$src/upgrade/$from--$version.sql
	if [ ! -f "$file" ]; then
		echo "$0: no upgrade source $file" >&2
		exit 1
	fi
	echo "-- hotel_agent upgrade from $from to $version ($target build)."
	echo "-- Generated by tools/assemble-sql.sh from $file: edit the source, then run make."
	if [ -n "$guard" ]; then
		echo
		echo "-- complain if script is sourced in psql, rather than via ALTER EXTENSION"
		printf '%s\n' '\echo Use "ALTER EXTENSION hotel_agent UPDATE" to load this file. \quit'
	fi
	[ "$target" = supabase ] && printf '\nBEGIN;\n'
	section "$file"
	[ "$target" = supabase ] && printf '\nCOMMIT;\n'
fi
exit 0
