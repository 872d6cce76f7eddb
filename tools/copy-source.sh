#!/bin/sh
# Copies the source tree (the working tree as it is, uncommitted changes
# included) into DEST, without build products or .git: the tree that
# `make test-pg17` builds in its Debian 13 root and `make deb` packages.
#
#   tools/copy-source.sh DEST [TAR-OPTION...]
#
# DEST is emptied first. Extra options go to tar (e.g.
# --exclude=./tools/node_modules).
set -e
cd "$(dirname "$0")/.."
[ -n "${1:-}" ] || { echo "usage: tools/copy-source.sh DEST [TAR-OPTION...]" >&2; exit 2; }
dest=$1
shift
rm -rf "$dest"
mkdir -p "$dest"
# The make supabase-* commands' secrets and logs (.gitignore) never leave
# the tree.
tar -cf - --exclude=./build --exclude=./.git --exclude='*.o' --exclude='*.so' \
	--exclude='*.bc' --exclude='*.bin' --exclude=./results --exclude=./output_iso \
	--exclude=./regression.diffs --exclude=./regression.out --exclude=./log \
	--exclude=./.secrets --exclude=./.env --exclude=./logs "$@" . |
	tar -xf - -C "$dest"
