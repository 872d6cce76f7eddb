#!/bin/bash
# make test-sanitize: the suites that need a server (pg_regress, isolation
# specs, TAP tests, the twin comparison over the phone corpus: test/run.sh
# with SERVER_SUITES_ONLY=1) with the library built with AddressSanitizer
# and UndefinedBehaviorSanitizer; any sanitizer report fails the run. The
# unit tests and fuzzers already run the pure-C cores under both (make test).
#
# Debian's server is not instrumented, so the AddressSanitizer runtime is
# preloaded into it. Rather than into every process of the run (psql, perl,
# the shell: their own malloc quirks would be reported as ours), only into
# the server: /usr/lib/postgresql/15/bin/postgres is, for this run, a wrapper
# that sets LD_PRELOAD and the sanitizer options and runs the real binary.
# Every server of the run starts through it (the suites' pg_virtualenv
# cluster, whose pg_ctlcluster empties the environment, and the servers the
# TAP tests start themselves), and its backends inherit the runtime.
#
# PostgreSQL 15 loads extensions only from its own directories, and other
# builds of hotel_agent may be installed there. So the run happens in a
# private mount namespace (unshare; root only) in which the server's
# library directory, extension directory and postgres binary are private
# copies: the sanitized build is installed into the copies, and whatever
# is installed on the machine is never touched, during the run or after.
#
#   build/sanitize/tree       the sources, built with the sanitizer flags
#   build/sanitize/reports    the sanitizer reports of the run (any = failure)
#   build/sanitize/canary     the reports of the canaries (expected ones)
#   build/sanitize/test-logs  test/run.sh's logs
#
# Before the suites, a canary module (test/sanitize/canary.c) with three
# deliberate bugs runs in a throwaway server started the same way: each
# bug must be reported, or the run fails (it would otherwise pass without
# checking anything).
set -euo pipefail
cd "$(dirname "$0")/../.."
export LC_ALL=C.UTF-8
PG_VERSION=15
export PG_VERSION
export PG_CONFIG=/usr/lib/postgresql/$PG_VERSION/bin/pg_config
# -fno-sanitize-recover: the first report ends the process, so it cannot
# scroll by unnoticed. -fwrapv (from PostgreSQL's CFLAGS) makes signed
# overflow defined, so UBSan does not check it: our code is compiled with
# it in every build. COPT is PGXS's variable for extra compiler and linker
# flags; exported, it also reaches the build of the 1.0.0 library in
# test/t/011_library_versions.pl.
export COPT="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"

if [ "$(id -u)" != 0 ]; then
	echo "test-sanitize: needs root (a private mount namespace over the server's directories)" >&2
	exit 1
fi
# In a new mount namespace from here on: nothing mounted below outlives it,
# and no other process on the machine sees it.
if [ -z "${HOTEL_AGENT_SANITIZE_NS:-}" ]; then
	export HOTEL_AGENT_SANITIZE_NS=1
	exec unshare --mount --propagation private bash "$0" "$@"
fi

t0=$SECONDS
bindir=$("$PG_CONFIG" --bindir)
pkglibdir=$("$PG_CONFIG" --pkglibdir)
extdir=$("$PG_CONFIG" --sharedir)/extension
asan_runtime=$(gcc -print-file-name=libasan.so)
asan_runtime=$(readlink -f "$asan_runtime")
if [ ! -f "$asan_runtime" ]; then
	echo "test-sanitize: no AddressSanitizer runtime for gcc (libasan8, from build-essential)" >&2
	exit 1
fi
out=$PWD/build/sanitize
rm -rf "$out"
mkdir -p "$out/reports" "$out/canary"
base=$(mktemp -d /tmp/hotel_agent-sanitize.XXXXXX)
chmod 755 "$base"
# The servers run as postgres and write the reports here (copied to
# $out/reports at the end).
reports=$base/reports
mkdir -m 1777 "$reports"
mounted=()
cleanup() {
	local i
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		umount -l "${mounted[$i]}" 2>/dev/null || true
	done
	cp -p "$reports"/* "$out/reports/" 2>/dev/null || true
	rm -rf "$base"
}
trap cleanup EXIT INT TERM
# bind FROM ONTO: FROM takes ONTO's place, in this namespace only.
bind() {
	mount --bind "$1" "$2"
	mounted+=("$2")
}

# The sanitized build, in a copy of the sources without build products
# (the tree's own objects stay those of make install, and objects copied
# from make test's build would look up to date and never be rebuilt).
sh tools/copy-source.sh "$out/tree" --exclude=./tools/node_modules --exclude=./test
make -s -C "$out/tree" with_llvm=no >"$out/build.log" 2>&1 ||
	{ tail -n 40 "$out/build.log"; exit 1; }
nm -D --undefined-only "$out/tree/hotel_agent.so" >"$out/symbols"
if ! grep -q __asan_report "$out/symbols" || ! grep -q __ubsan_handle "$out/symbols"; then
	echo "test-sanitize: the library was built without the sanitizers" >&2
	exit 1
fi

# The server's directories, private from here on.
cp -a "$pkglibdir" "$base/lib"
cp -a "$extdir" "$base/extension"
bind "$base/lib" "$pkglibdir"
bind "$base/extension" "$extdir"
make -s -C "$out/tree" with_llvm=no install >>"$out/build.log" 2>&1 ||
	{ tail -n 40 "$out/build.log"; exit 1; }
# No bitcode: JIT would inline an uninstrumented copy of our functions.
rm -rf "$pkglibdir/bitcode/hotel_agent" "$pkglibdir/bitcode/hotel_agent.index.bc"

# The server binary, behind the wrapper. exec -a keeps the path the server
# was started with, from which it finds its library and share directories.
mkdir -p "$base/server"
cp -p "$bindir/postgres" "$base/server/postgres"
cc -O2 -Wall -Wextra -Werror -Wno-unused-parameter -fPIC -shared \
	-o "$base/server/preload.so" test/sanitize/preload.c
cat >"$base/server/postgres-sanitized" <<EOF
#!/bin/bash
# PostgreSQL's server with the AddressSanitizer runtime preloaded (make test-sanitize).
# detect_leaks=0: PostgreSQL frees by memory context, not by pointer.
# allocator_may_return_null=1: a failed malloc gives the server's own
# "out of memory" error, as without the sanitizer.
# preload.so: what the runtimes need to start and report here (see its source).
export LD_PRELOAD=$asan_runtime:$base/server/preload.so
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:allocator_may_return_null=1:log_path=$reports/asan
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:abort_on_error=1
export SANITIZE_UBSAN_LOG_PATH=$reports/ubsan
exec -a "\$0" $base/server/postgres "\$@"
EOF
chmod 755 "$base/server/postgres-sanitized"
bind "$base/server/postgres-sanitized" "$bindir/postgres"
echo "test-sanitize: sanitized build installed ($((SECONDS - t0))s)"

# The canaries, in a throwaway server of their own: each must kill its
# backend with a report; and a backend that loaded hotel_agent must have
# the runtime and the sanitized library mapped.
cc $COPT $("$PG_CONFIG" --cflags_sl) -I"$("$PG_CONFIG" --includedir-server)" -shared \
	-o "$base/canary.so" test/sanitize/canary.c
canaries() {
	local rc=0 maps name arg i
	psql -X -q -v ON_ERROR_STOP=1 <<SQL || return 1
CREATE FUNCTION canary_stack_read(int) RETURNS int AS '$base/canary.so' LANGUAGE C STRICT;
CREATE FUNCTION canary_palloc_read(int) RETURNS int AS '$base/canary.so' LANGUAGE C STRICT;
CREATE FUNCTION canary_shift(int) RETURNS int AS '$base/canary.so' LANGUAGE C STRICT;
SQL
	maps=$(psql -X -At -c "LOAD 'hotel_agent'" -c "SELECT pg_read_file('/proc/self/maps')") || return 1
	if ! grep -qF "$asan_runtime" <<<"$maps"; then
		echo "canary: the backend has no AddressSanitizer runtime mapped"
		rc=1
	fi
	if ! grep -qF "$pkglibdir/hotel_agent.so" <<<"$maps"; then
		echo "canary: the backend has not mapped $pkglibdir/hotel_agent.so"
		rc=1
	fi
	for name in canary_stack_read:8 canary_palloc_read:65536 canary_shift:40; do
		arg=${name#*:}
		name=${name%:*}
		if psql -X -At -c "SELECT $name($arg)" 2>&1; then
			echo "canary: $name($arg) returned: the bug went unnoticed"
			rc=1
		fi
		# The postmaster restarts after a backend dies.
		for i in $(seq 60); do
			psql -X -At -c 'SELECT 1' >/dev/null 2>&1 && break
			sleep 1
		done
	done
	return $rc
}
export -f canaries
export base pkglibdir asan_runtime
t1=$SECONDS
canary_rc=0
pg_virtualenv -t -v "$PG_VERSION" -i "--encoding=UTF8 --locale=C.UTF-8" \
	bash -c canaries >"$out/canary.log" 2>&1 || canary_rc=1
mv "$reports"/* "$out/canary/" 2>/dev/null || true
for expect in asan:stack-buffer-overflow asan:heap-buffer-overflow "ubsan:shift exponent 40 is too large"; do
	if ! grep -qF "${expect#*:}" "$out/canary/${expect%%:*}".* 2>/dev/null; then
		echo "canary: no ${expect%%:*} report of ${expect#*:}"
		canary_rc=1
	fi
done
if [ $canary_rc != 0 ]; then
	echo "test-sanitize: the canaries were not caught: the run would prove nothing"
	cat "$out/canary.log"
	exit 1
fi
echo "test-sanitize: canaries caught: $(ls "$out/canary" | wc -l) reports ($((SECONDS - t1))s)"

# The suites.
t2=$SECONDS
suites_rc=0
SERVER_SUITES_ONLY=1 TWIN_TIMING=0 LOG_DIR=$out/test-logs bash test/run.sh || suites_rc=1
echo "test-sanitize: suites took $((SECONDS - t2))s"

found=$(find "$reports" -type f -size +0 | sort)
if [ -n "$found" ]; then
	echo "test-sanitize: $(wc -l <<<"$found") sanitizer reports (build/sanitize/reports/):"
	while read -r f; do
		echo "==> ${f##*/}"
		head -n 60 "$f"
	done <<<"$found"
	suites_rc=1
else
	echo "test-sanitize: no sanitizer report"
fi
echo "test-sanitize: $([ $suites_rc = 0 ] && echo ok || echo FAILED) ($((SECONDS - t0))s in all)"
exit $suites_rc
