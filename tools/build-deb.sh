#!/bin/sh
# `make deb`: builds the Debian package postgresql-15-hotel-agent (debian/,
# pg_buildext) into build/deb/, offline, from a copy of the tree.
#
#   build/deb/src     the copy that dpkg-buildpackage builds in (it writes
#                     the packages into the directory above the source)
#   build/deb/*.deb   the packages; build/deb/build.log the build's output
#
# The build needs only debian/control's Build-Depends: the SQL scripts are
# checked in, `make` assembles nothing with npm, and the package build runs
# no tests (debian/rules says why). Missing Build-Depends are installed
# with apt-get build-dep (root), as tools/install-deps.sh does for make test.
set -e
cd "$(dirname "$0")/.."
out=build/deb
t0=$(date +%s)

# Only what the previous build left: the packages of another version must
# not be mistaken for this one's.
rm -rf "$out"
mkdir -p "$out"
sh tools/copy-source.sh "$out/src" --exclude=./tools/node_modules \
	--exclude=./debian/.debhelper --exclude='./debian/postgresql-*-hotel-agent' \
	--exclude=./debian/files --exclude='./debian/*.substvars' --exclude=./debian/debhelper-build-stamp

export DEBIAN_FRONTEND=noninteractive
have_tools() {
	command -v dpkg-buildpackage >/dev/null 2>&1 && command -v dpkg-checkbuilddeps >/dev/null 2>&1
}
if ! have_tools || ! (cd "$out/src" && dpkg-checkbuilddeps >/dev/null 2>&1); then
	if [ "$(id -u)" != 0 ]; then
		echo "deb: Build-Depends missing; run as root, or: sudo apt-get build-dep ./$out/src" >&2
		exit 1
	fi
	echo "deb: installing the Build-Depends of debian/control"
	apt-get update -q >"$out/deps.log" 2>&1 || { tail -n 20 "$out/deps.log"; exit 1; }
	if ! apt-get install -y -q --no-install-recommends dpkg-dev >>"$out/deps.log" 2>&1 ||
		! apt-get build-dep -y -q "./$out/src" >>"$out/deps.log" 2>&1; then
		tail -n 20 "$out/deps.log"
		exit 1
	fi
fi

# Binary packages only (-b): no source package, no signature. The build
# is the same whatever make called this script (`make -s deb` would
# silence it through MAKEFLAGS).
if ! (cd "$out/src" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL dpkg-buildpackage -b -us -uc) >"$out/build.log" 2>&1; then
	tail -n 40 "$out/build.log"
	echo "deb: the package build FAILED (log: $out/build.log)" >&2
	exit 1
fi
for deb in "$out"/*.deb; do
	echo "deb: $deb"
done
echo "deb: depends: $(dpkg-deb -f "$out"/postgresql-*-hotel-agent_*.deb Depends)"
echo "deb: the package build took $(($(date +%s) - t0))s (log: $out/build.log)"
