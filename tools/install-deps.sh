#!/bin/sh
# Installs the Debian 12 packages that building, testing and benchmarking
# hotel_agent need, and only those that are missing. Runs as root (apt-get);
# as another user it prints the command to run instead.
# PG_VERSION (default 15) chooses the server: 17 on Debian 13 for
# `make test-pg17`, which runs this inside its Debian 13 root.
set -e

v=${PG_VERSION:-15}
packages="
	build-essential
	postgresql-$v
	postgresql-server-dev-$v
	postgresql-$v-cron
	libpcre2-dev
	clang
	libclang-rt-dev
	libipc-run-perl
	libphonenumber-dev
	pgbouncer
	openssl
	python3-asyncpg
	prometheus-postgres-exporter
"

missing=""
for p in $packages; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
# node and npm run the pinned phone-metadata generator (tools/package.json),
# whose output the unit tests compare with src/e164_metadata.c. Debian's
# nodejs and npm, unless a node with its own npm (e.g. NodeSource's, which
# conflicts with Debian's npm) is there already.
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"

if [ -z "$missing" ]; then
	echo "deps: all build and test packages are installed"
	exit 0
fi

echo "deps: installing:$missing"
if [ "$(id -u)" != 0 ]; then
	echo "deps: not root; run: sudo apt-get update && sudo apt-get install -y$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
