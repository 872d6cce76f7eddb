#!/bin/bash
# make test-deb: builds the Debian package (make deb) and installs it, the
# way a user would, into a clean Debian 12 (bookworm) root made with
# debootstrap: `apt-get install ./postgresql-15-hotel-agent_*.deb` must pull
# PostgreSQL 15 and whatever else the package depends on. Then, in a fresh
# cluster there, CREATE EXTENSION and the demo (the package's copy of
# tools/demo.sql), and the update from 1.0.0 with the packaged scripts.
# The root holds nothing of the source tree: what runs is what the
# package installed.
#
#   build/deb-pristine   debootstrap's root, made once and kept between
#                        local runs (`make clean` removes it), never changed
#   build/deb-root       a copy of it, made anew by every run, where the
#                        package is installed (kept after the run to look at)
#   build/deb-apt-archives  the packages apt downloaded, kept between runs
#   build/deb-install.log  apt-get's log of the install
#
# Mounts and the cluster's server live in namespaces of this script (test/
# lib/debootstrap.sh); the exit trap unmounts. Runs as root.
set -euo pipefail
cd "$(dirname "$0")/../.."
PRISTINE=${DEB_PRISTINE_ROOT:-build/deb-pristine}
SUITE=bookworm
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}

if [ "$(id -u)" != 0 ]; then
	echo "test-deb: needs root (apt-get, debootstrap, chroot, mount)" >&2
	exit 1
fi

# shellcheck source=test/lib/debootstrap.sh
. test/lib/debootstrap.sh
root_namespace "$@"
ROOT_NAME=test-deb
t0=$SECONDS
failures=0
fail() {
	echo "test-deb: FAILED: $*"
	failures=$((failures + 1))
}

version=$(sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" hotel_agent.control)
pgversion=$(sed -n 's/^\([0-9][0-9]*\)$/\1/p' debian/pgversions | head -n 1)
package=postgresql-$pgversion-hotel-agent

# The package, built now from this tree.
make -s deb
deb=$(ls build/deb/"${package}"_*.deb)

# What the package holds: the library, the control file, every extension
# script (the released ones and those of $version; see the Makefile's
# DATA), the demo, and not the pure-SQL build, which is for Supabase, where
# no package can be installed. What it depends on: the server, the LLVM of
# the server's JIT (the package ships bitcode for it) and PCRE2.
contents=$(dpkg-deb -c "$deb" | awk '{ print $6 }')
expect_file() {
	grep -qx "./$1" <<<"$contents" || fail "the package lacks /$1"
}
expect_file "usr/lib/postgresql/$pgversion/lib/hotel_agent.so"
expect_file "usr/share/postgresql/$pgversion/extension/hotel_agent.control"
for f in sql/hotel_agent--*.sql; do
	expect_file "usr/share/postgresql/$pgversion/extension/${f#sql/}"
done
expect_file "usr/share/doc/$package/examples/demo.sql"
expect_file "usr/share/doc/$package/copyright"
if grep -q 'supabase' <<<"$contents"; then
	fail "the package holds the pure-SQL build"
fi
depends=$(dpkg-deb -f "$deb" Depends)
for d in "postgresql-$pgversion" "postgresql-$pgversion-jit-llvm" libpcre2-8-0; do
	grep -Eq "(^|, )$d( |,|$)" <<<"$depends" || fail "Depends lacks $d: $depends"
done
echo "test-deb: $(basename "$deb"): $(grep -c . <<<"$contents") entries, Depends: $depends"

# The clean root: debootstrap once, then a fresh copy for every run.
if [ ! -f "$PRISTINE/.hotel_agent-pristine" ]; then
	ROOT=$PRISTINE root_debootstrap "$SUITE" "$MIRROR" build/deb-debootstrap.log
	# The sources of an installed Debian 12: the point release, its
	# updates and the security archive (the package depends on the
	# server's minor version it was built with).
	cat >"$PRISTINE/etc/apt/sources.list" <<-SOURCES
		deb $MIRROR $SUITE main
		deb $MIRROR $SUITE-updates main
		deb $SECURITY_MIRROR $SUITE-security main
	SOURCES
	touch "$PRISTINE/.hotel_agent-pristine"
fi
ROOT=build/deb-root
rm -rf "$ROOT"
cp -a "$PRISTINE" "$ROOT"
rm "$ROOT/.hotel_agent-pristine"
root_mount
# apt's downloads are kept between local runs (apt checks each against its
# hash); the root itself stays as debootstrap made it.
mkdir -p build/deb-apt-archives
root_mount_one build/deb-apt-archives /var/cache/apt/archives --bind
# The package's installation creates no cluster and starts no server: the
# test makes its own cluster.
root_no_services
mkdir -p "$ROOT/etc/postgresql-common/createcluster.d"
echo 'create_main_cluster = false' >"$ROOT/etc/postgresql-common/createcluster.d/hotel_agent-test.conf"
cp "$deb" "$ROOT/tmp/"

t1=$SECONDS
if in_root sh -c "cd /tmp && apt-get update -q && apt-get install -y --no-install-recommends ./$(basename "$deb")" \
	>build/deb-install.log 2>&1; then
	echo "test-deb: apt-get install ./$(basename "$deb") took $((SECONDS - t1))s; the log's last lines:"
	tail -n 8 build/deb-install.log | sed 's/^/    /'
else
	tail -n 30 build/deb-install.log
	echo "test-deb: FAILED: apt-get install ./$(basename "$deb") (log: build/deb-install.log)"
	exit 1
fi
for p in "$package" "postgresql-$pgversion" libpcre2-8-0; do
	# shellcheck disable=SC2016
	status=$(in_root dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$status" = "install ok installed" ] || fail "$p is not installed ($status)"
done

# In a fresh cluster (a throwaway one, as make demo makes): the demo as the
# package installed it, then an update from 1.0.0 along the packaged path.
t2=$SECONDS
cat >"$ROOT/tmp/update.sql" <<'SQL'
\set ON_ERROR_STOP 1
CREATE DATABASE update_test;
\c update_test
CREATE EXTENSION hotel_agent VERSION '1.0.0';
ALTER EXTENSION hotel_agent UPDATE;
SELECT 'updated to ' || extversion || ', library ' || hotel_agent.version() FROM pg_extension WHERE extname = 'hotel_agent';
-- Every check but the schedule's: no pg_cron here, nothing has run yet.
SELECT 'not ok: ' || check_name || ': ' || detail FROM hotel_agent.validate() WHERE NOT ok AND check_name NOT LIKE 'maintenance%';
SQL
demo=/usr/share/doc/$package/examples/demo.sql
if in_root_offline pg_virtualenv -t -v "$pgversion" -i '--encoding=UTF8 --locale=C.UTF-8' -o TimeZone=UTC \
	sh -c "psql -X -v ON_ERROR_STOP=1 -f $demo && psql -X -At -f /tmp/update.sql" >build/deb-demo.log 2>&1; then
	echo "test-deb: the demo and the update took $((SECONDS - t2))s (log: build/deb-demo.log)"
else
	tail -n 30 build/deb-demo.log
	fail "the demo or the update (log: build/deb-demo.log)"
fi
# The demo's answers that prove the package's library and scripts ran.
grep -Eq "^ *hotel_agent +\| +$version +\| +public" build/deb-demo.log ||
	fail "the demo did not show hotel_agent $version installed"
grep -Eq '^ *5491112345678@s\.whatsapp\.net +\| +\+5491112345678 +\| +hotel-demo' build/deb-demo.log ||
	fail "the demo did not resolve a WhatsApp JID to its hotel"
grep -qx "updated to $version, library $version" build/deb-demo.log ||
	fail "the update from 1.0.0 did not reach $version"
grep -q '^not ok: ' build/deb-demo.log && fail "validate() after the update: $(grep '^not ok: ' build/deb-demo.log)"

echo "test-deb: took $((SECONDS - t0))s ($([ $failures = 0 ] && echo ok || echo "$failures FAILED"))"
[ $failures = 0 ]
