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

# In a new mount namespace from here on: nothing mounted below outlives it.
if [ -z "${HOTEL_AGENT_PG17_NS:-}" ]; then
	export HOTEL_AGENT_PG17_NS=1
	exec unshare --mount --propagation private bash "$0" "$@"
fi

t0=$SECONDS
if [ ! -f "$ROOT/.hotel_agent-ready" ]; then
	command -v debootstrap >/dev/null || {
		apt-get update -q
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap
	}
	rm -rf "$ROOT"
	mkdir -p "$ROOT"
	debootstrap --variant=minbase "$SUITE" "$ROOT" "$MIRROR" >build/pg17-debootstrap.log 2>&1 ||
		{ tail -n 30 build/pg17-debootstrap.log; exit 1; }
	echo "test-pg17: debootstrap $SUITE took $((SECONDS - t0))s"
fi

mounted=()
cleanup() {
	local i
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		umount -l "${mounted[$i]}" 2>/dev/null || true
	done
}
trap cleanup EXIT INT TERM
mount_in_root() {
	mkdir -p "$ROOT$2"
	mount "${@:3}" "$1" "$ROOT$2"
	mounted+=("$ROOT$2")
}
mount_in_root proc /proc -t proc
mount_in_root /dev /dev --bind
mount_in_root shm /dev/shm -t tmpfs -o mode=1777
mount_in_root devpts /dev/pts -t devpts -o newinstance,ptmxmode=0666
cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true

in_root() {
	chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
		LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive CI="${CI:-}" FUZZ_SECONDS="${FUZZ_SECONDS:-5}" "$@"
}

if [ ! -f "$ROOT/.hotel_agent-ready" ]; then
	t1=$SECONDS
	# No server may start while packages are installed (the suite makes its own).
	printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
	chmod 755 "$ROOT/usr/sbin/policy-rc.d"
	# shellcheck disable=SC2086
	in_root sh -c "apt-get update -q && apt-get install -y -q --no-install-recommends $PACKAGES" \
		>build/pg17-packages.log 2>&1 || { tail -n 30 build/pg17-packages.log; exit 1; }
	touch "$ROOT/.hotel_agent-ready"
	echo "test-pg17: packages took $((SECONDS - t1))s"
fi

# A fresh copy of the source tree, without build products of the host
# (tools/node_modules, if there, comes along: the suite runs offline).
t2=$SECONDS
rm -rf "$ROOT/hotel_agent"
mkdir -p "$ROOT/hotel_agent"
tar -cf - --exclude=./build --exclude=./.git --exclude='*.o' --exclude='*.so' \
	--exclude='*.bc' --exclude='*.bin' --exclude=./results --exclude=./output_iso \
	--exclude=./regression.diffs --exclude=./regression.out --exclude=./log . | tar -xf - -C "$ROOT/hotel_agent"

# The packages first (once per root; the log keeps apt's output), then the
# suite, whose stage lines are the output.
set +e
in_root bash -c 'cd /hotel_agent && make -s deps PG_VERSION=17' >build/pg17-deps.log 2>&1 ||
	{ tail -n 30 build/pg17-deps.log; exit 1; }
# The suite runs in a network namespace of its own (only loopback): its
# servers' ports cannot meet those of a suite running on the host.
unshare --net bash -c "ip link set lo up && $(declare -f in_root); ROOT='$ROOT'; CI='${CI:-}';
	in_root bash -c 'cd /hotel_agent && make -s test PG_VERSION=17'"
rc=$?
set -e
# Keep the logs where the host can read them.
rm -rf build/pg17-test-logs
cp -r "$ROOT/hotel_agent/build/test-logs" build/pg17-test-logs 2>/dev/null || true
echo "test-pg17: make test (PostgreSQL 17) took $((SECONDS - t2))s; logs in build/pg17-test-logs"
exit $rc
