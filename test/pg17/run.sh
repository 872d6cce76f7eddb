#!/bin/bash
# make test-pg17: the whole suite (make test) against PostgreSQL 17, in a
# Debian 13 (trixie) root made with debootstrap under the build tree.
#
#   build/pg17-root         the root; made once, then reused by later runs
#                           (`make clean` removes it; CI starts without it)
#   /hotel_agent            inside the root: a copy of the source tree
#                           (no build products), built there for 17
#
# /proc, /dev and /dev/shm are mounted in a private mount namespace
# (unshare), so they vanish with it whatever happens; the trap unmounts
# them explicitly as well. The suite itself runs in a network namespace with
# only loopback. The fuzz stage runs FUZZ_SECONDS=5 per harness there (the
# cores do not depend on the server version; make test on the host fuzzes
# them for longer). Runs as root.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=${PG17_ROOT:-build/pg17-root}
SUITE=${DEBIAN_SUITE:-trixie}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# Only make goes in here: `make test` installs the rest with
# tools/install-deps.sh (PG_VERSION=17), the same list as on the host.
PACKAGES="make"

if [ "$(id -u)" != 0 ]; then
	echo "test-pg17: needs root (debootstrap, chroot, mount)" >&2
	exit 1
fi

# shellcheck source=test/lib/debootstrap.sh
. test/lib/debootstrap.sh
root_namespace "$@"
ROOT_NAME=test-pg17
ROOT_ENV=(CI="${CI:-}" FUZZ_SECONDS="${FUZZ_SECONDS:-5}")

[ -f "$ROOT/.hotel_agent-ready" ] || root_debootstrap "$SUITE" "$MIRROR" build/pg17-debootstrap.log
root_mount

if [ ! -f "$ROOT/.hotel_agent-ready" ]; then
	t1=$SECONDS
	# No server may start while packages are installed (the suite makes its own).
	root_no_services
	# shellcheck disable=SC2086
	in_root sh -c "apt-get update -q && apt-get install -y -q --no-install-recommends $PACKAGES" \
		>build/pg17-packages.log 2>&1 || { tail -n 30 build/pg17-packages.log; exit 1; }
	touch "$ROOT/.hotel_agent-ready"
	echo "test-pg17: packages took $((SECONDS - t1))s"
fi

# A fresh copy of the source tree, without build products of the host
# (tools/node_modules, if there, comes along: the suite runs offline).
t2=$SECONDS
sh tools/copy-source.sh "$ROOT/hotel_agent"

# The packages first (once per root; the log keeps apt's output), then the
# suite, whose stage lines are the output.
set +e
in_root bash -c 'cd /hotel_agent && make -s deps PG_VERSION=17' >build/pg17-deps.log 2>&1 ||
	{ tail -n 30 build/pg17-deps.log; exit 1; }
# The suite runs in a network namespace of its own (only loopback): its
# servers' ports cannot meet those of a suite running on the host.
in_root_offline bash -c 'cd /hotel_agent && make -s test PG_VERSION=17'
rc=$?
set -e
# Keep the logs where the host can read them.
rm -rf build/pg17-test-logs
cp -r "$ROOT/hotel_agent/build/test-logs" build/pg17-test-logs 2>/dev/null || true
echo "test-pg17: make test (PostgreSQL 17) took $((SECONDS - t2))s; logs in build/pg17-test-logs"
exit $rc
