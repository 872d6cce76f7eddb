# hotel_agent: PGXS build, plus the project's own targets.
#
#   make demo    install what is missing, build, install, run the demo in a throwaway cluster
#   make test    install what is missing, build, install, run every suite in a throwaway cluster
#   make bench   benchmarks; they print ratios measured side by side in one run
#   make test-pg17      the whole suite against PostgreSQL 17 in a Debian 13 root (root)
#   make test-sqlsmith  random queries against the installed extension (after make test)
#   make test-load      the backend's mix under pgbench with the maintenance running (after make test)
#   make test-sanitize  the server suites with the library built with ASan and UBSan (root)
#   make supabase-...   operator commands for the pure-SQL build (DATABASE_URL; README, "Supabase")
#   make migrate-data   copy the six tables' rows between two databases with hotel_agent
#                       (SOURCE_DATABASE_URL, TARGET_DATABASE_URL; README, "Moving data")
#   make deb     the Debian package postgresql-15-hotel-agent, into build/deb/ (root
#                installs its Build-Depends)
#   make test-deb       installs that package into a clean Debian 12 root, runs the demo (root)
#
# `test` is also a directory, so every project target is phony.
.PHONY: all install demo test test-pg17 test-sqlsmith test-sanitize test-load test-deb deb migrate-data bench deps unit fuzz metadata bench-core \
	supabase-test-connection supabase-apply supabase-validate supabase-seed supabase-create-role

EXTENSION = hotel_agent
MODULE_big = hotel_agent

# Every C file in src/ is part of the library (one file per concern).
SRCS = $(sort $(wildcard src/*.c))
OBJS = $(SRCS:.c=.o)

# The version being built: default_version of the control file, the one
# place it is written.  The library gets it at compile time, the assembler
# writes it into the scripts.
EXTVERSION := $(shell sed -n "s/^default_version *= *'\\([^']*\\)'.*/\\1/p" hotel_agent.control)

# Extension scripts (see sql/README.md).  Released scripts are listed with
# their checksums in sql/released.sha256 and never rebuilt; the install
# script of EXTVERSION and the upgrade scripts into it are assembled from
# sql/src/ until EXTVERSION is released.
EXT_RELEASED_SCRIPTS := $(shell sed -n 's/^[0-9a-f]*  *//p' sql/released.sha256)
EXT_SQL_SOURCES = $(sort $(wildcard sql/src/*.sql sql/src/*/*.sql))
EXT_INSTALL_SCRIPT = sql/hotel_agent--$(EXTVERSION).sql
EXT_UPGRADE_SCRIPTS = $(patsubst sql/src/upgrade/%.sql,sql/hotel_agent--%.sql,$(wildcard sql/src/upgrade/*--$(EXTVERSION).sql))
EXT_BUILT_SCRIPTS = $(filter-out $(EXT_RELEASED_SCRIPTS),$(EXT_INSTALL_SCRIPT) $(EXT_UPGRADE_SCRIPTS))
DATA = $(sort $(filter-out sql/supabase/%,$(EXT_RELEASED_SCRIPTS)) $(EXT_BUILT_SCRIPTS))

# The pure-SQL build (no C: Supabase), from the same sources; installed with
# psql, not with CREATE EXTENSION, so not part of DATA.
SUPABASE_INSTALL_SCRIPT = sql/supabase/hotel_agent--$(EXTVERSION).sql
SUPABASE_BUILT_SCRIPTS = $(filter-out $(EXT_RELEASED_SCRIPTS),$(SUPABASE_INSTALL_SCRIPT))

# Regression tests run in file-name order; each one sets up what it needs.
REGRESS = $(basename $(notdir $(sort $(wildcard test/sql/*.sql))))
REGRESS_OPTS = --inputdir=test --load-extension=hotel_agent
ISOLATION = $(basename $(notdir $(sort $(wildcard test/specs/*.spec))))
ISOLATION_OPTS = --inputdir=test --load-extension=hotel_agent

PG_CPPFLAGS = -Isrc -DHOTEL_AGENT_VERSION='"$(EXTVERSION)"'
SHLIB_LINK = -lpcre2-8
EXTRA_CLEAN = build test/unit/*.bin test/fuzz/*.bin test/bench/*.bin

# PostgreSQL 15 by default (Debian's pg_config on PATH points at the newest
# installed server); PG_VERSION=17 or PG_CONFIG=... builds for another one.
PG_VERSION ?= 15
export PG_VERSION
PG_CONFIG ?= $(firstword $(wildcard /usr/lib/postgresql/$(PG_VERSION)/bin/pg_config) pg_config)

# Our sources compile without a warning on every supported server version.
# PostgreSQL's headers force the one exception: their static inline
# functions (ilist.h, bufpage.h, fmgr.h) leave parameters unused, as do
# the callbacks with fixed signatures that we register.
PG_CFLAGS = -Wall -Wextra -Werror -Wno-unused-parameter
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
ifeq ($(PGXS),)
# `make demo` / `make test` on a fresh machine: pg_config is not there yet;
# tools/install-deps.sh installs it before the build is re-entered.
all install:
	@echo "pg_config not found: run 'make demo' or 'make test' (they install the build dependencies), or install postgresql-server-dev-15" >&2
	@exit 1
else
include $(PGXS)
endif

# Only scripts not yet released have rules: make never rewrites a released one.
$(filter $(EXT_INSTALL_SCRIPT),$(EXT_BUILT_SCRIPTS)): $(EXT_SQL_SOURCES) tools/assemble-sql.sh hotel_agent.control
	sh tools/assemble-sql.sh install $(EXTVERSION) extension > $@.tmp && mv $@.tmp $@

$(filter-out $(EXT_INSTALL_SCRIPT),$(EXT_BUILT_SCRIPTS)): sql/hotel_agent--%--$(EXTVERSION).sql: $(EXT_SQL_SOURCES) tools/assemble-sql.sh hotel_agent.control
	sh tools/assemble-sql.sh upgrade $* $(EXTVERSION) extension > $@.tmp && mv $@.tmp $@

$(SUPABASE_BUILT_SCRIPTS): $(EXT_SQL_SOURCES) tools/assemble-sql.sh hotel_agent.control
	@mkdir -p sql/supabase
	sh tools/assemble-sql.sh install $(EXTVERSION) supabase > $@.tmp && mv $@.tmp $@

all: $(EXT_BUILT_SCRIPTS) $(SUPABASE_BUILT_SCRIPTS)

# Every object is compiled with the version it reports.
$(OBJS): hotel_agent.control

# PG 15's pg_isolation_regress looks for expected outputs in its output
# directory (output_iso) before --inputdir: point it at the one expected/.
installcheck: output_iso/expected
output_iso/expected:
	mkdir -p output_iso
	ln -sfn ../expected $@

-include mk/cores.mk

deps:
	sh tools/install-deps.sh

demo: deps
	$(MAKE) all
	$(MAKE) install
	sh tools/demo.sh

# The unit stage checks src/e164_metadata.c against its pinned generator
# (tools/package-lock.json, from the npm registry).
test: deps
	$(MAKE) metadata-deps
	$(MAKE) all
	$(MAKE) install
	bash test/run.sh

# The whole suite against PostgreSQL 17 in a Debian 13 root (root only).
test-pg17:
	bash test/pg17/run.sh

# The Debian package (debian/, pg_buildext) into build/deb/, and its test:
# installed with apt into a clean Debian 12 root, where the demo runs.
deb:
	sh tools/build-deb.sh

test-deb:
	bash test/deb/run.sh

# sqlsmith's random queries against the installed extension (after make test).
test-sqlsmith:
	bash test/sqlsmith/run.sh

# The rows of the six tables from one database to another, extension or
# pure-SQL build either way, in one transaction, checked (tools/migrate-data.sh).
migrate-data:
	bash tools/migrate-data.sh

# The server suites with the library built with AddressSanitizer and
# UndefinedBehaviorSanitizer, in a private mount namespace (root only; the
# installed library is not touched).
test-sanitize: deps
	bash test/sanitize/run.sh

# The backend's mix of calls under pgbench, 8 clients for LOAD_SECONDS
# (default 60), the maintenance running beside them; against the installed
# extension (after make test), then against the pure-SQL build.
test-load:
	@rc=0; for build in extension script; do LOAD_BUILD=$$build bash test/load/run.sh || rc=1; done; exit $$rc

bench: deps
	$(MAKE) all
	$(MAKE) install
	bash test/bench/run.sh

# Operator commands for the pure-SQL build on Supabase (README, "Supabase"):
# the database is DATABASE_URL, from the environment; tools/supabase.sh
# keeps every secret off command lines and out of logs/.
supabase-test-connection supabase-apply supabase-validate supabase-seed supabase-create-role:
	@bash tools/supabase.sh $(@:supabase-%=%)
