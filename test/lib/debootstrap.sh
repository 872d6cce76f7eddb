# shellcheck shell=bash
# test/lib/debootstrap.sh: a Debian root made with debootstrap under build/,
# for the stages that test in a Debian other than the host (test/pg17: the
# suite on Debian 13; test/deb: the package in a clean Debian 12). Sourced
# by bash scripts that run as root.
#
# The caller sets ROOT (the root's directory), ROOT_NAME (the prefix of the
# lines printed) and optionally ROOT_ENV (an array of VAR=value passed into
# the root), then calls:
#
#   root_namespace "$@"          first thing: re-runs the script in a mount
#                                namespace of its own, so that nothing
#                                mounted in the root outlives the script
#   root_debootstrap SUITE MIRROR LOG
#                                makes ROOT anew (minbase), output to LOG
#   root_mount                   mounts /proc, /dev, /dev/shm and /dev/pts
#                                in ROOT; the exit trap unmounts them
#   root_no_services             no package may start a server in ROOT
#   in_root CMD...               runs CMD in ROOT with a clean environment
#   in_root_offline CMD...       the same in a network namespace with only
#                                loopback: a server started there cannot
#                                take a port that one on the host uses

root_namespace() {
	if [ -z "${HOTEL_AGENT_ROOT_NS:-}" ]; then
		export HOTEL_AGENT_ROOT_NS=1
		exec unshare --mount --propagation private bash "$0" "$@"
	fi
}

root_debootstrap() {
	local suite=$1 mirror=$2 log=$3 t0=$SECONDS
	command -v debootstrap >/dev/null || {
		apt-get update -q
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap
	}
	rm -rf "$ROOT"
	mkdir -p "$ROOT"
	debootstrap --variant=minbase "$suite" "$ROOT" "$mirror" >"$log" 2>&1 ||
		{ tail -n 30 "$log"; return 1; }
	echo "$ROOT_NAME: debootstrap $suite took $((SECONDS - t0))s"
}

ROOT_MOUNTED=()
root_unmount() {
	local i
	for ((i = ${#ROOT_MOUNTED[@]} - 1; i >= 0; i--)); do
		umount -l "${ROOT_MOUNTED[$i]}" 2>/dev/null || true
	done
	ROOT_MOUNTED=()
}
root_mount_one() {
	mkdir -p "$ROOT$2"
	mount "${@:3}" "$1" "$ROOT$2"
	ROOT_MOUNTED+=("$ROOT$2")
}
root_mount() {
	trap root_unmount EXIT INT TERM
	root_mount_one proc /proc -t proc
	root_mount_one /dev /dev --bind
	root_mount_one shm /dev/shm -t tmpfs -o mode=1777
	root_mount_one devpts /dev/pts -t devpts -o newinstance,ptmxmode=0666
	cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
}

root_no_services() {
	printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
	chmod 755 "$ROOT/usr/sbin/policy-rc.d"
}

root_argv() {
	ROOT_ARGV=(chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
		LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive ${ROOT_ENV[@]+"${ROOT_ENV[@]}"})
}
in_root() {
	root_argv
	"${ROOT_ARGV[@]}" "$@"
}
in_root_offline() {
	root_argv
	unshare --net bash -c 'ip link set lo up && exec "$@"' in_root_offline "${ROOT_ARGV[@]}" "$@"
}
