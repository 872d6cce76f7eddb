# hotel_agent: PGXS build, plus the project's own targets.
#
#   make demo    install what is missing, build, install, run the demo in a throwaway cluster
#   make test    install what is missing, build, install, run every suite in a throwaway cluster
#   make bench   benchmarks; they print ratios measured side by side in one run
#
# `test` is also a directory, so every project target is phony.
.PHONY: all install demo test bench deps installcheck-all sql-script unit fuzz metadata bench-core

EXTENSION = hotel_agent
MODULE_big = hotel_agent

# Every C file in src/ is part of the library (one file per concern).
SRCS = $(sort $(wildcard src/*.c))
OBJS = $(SRCS:.c=.o)

# The extension scripts: 1.0.0 is assembled from one fragment per concern
# (sql/parts/NN_concern.sql), so each concern's SQL lives next to its peers
# in one place; upgrade scripts are written by hand.
SQL_PARTS = $(sort $(wildcard sql/parts/*.sql))
DATA = sql/hotel_agent--1.0.0.sql $(filter-out sql/hotel_agent--1.0.0.sql,$(wildcard sql/hotel_agent--*--*.sql))

# Regression tests run in file-name order; each one sets up what it needs.
REGRESS = $(basename $(notdir $(sort $(wildcard test/sql/*.sql))))
REGRESS_OPTS = --inputdir=test --load-extension=hotel_agent
ISOLATION = $(basename $(notdir $(sort $(wildcard test/specs/*.spec))))
ISOLATION_OPTS = --inputdir=test --load-extension=hotel_agent

PG_CPPFLAGS = -Isrc
SHLIB_LINK = -lpcre2-8
EXTRA_CLEAN = build test/unit/*.bin test/fuzz/*.bin test/bench/*.bin

# PostgreSQL 15 by default (Debian's pg_config on PATH points at the newest
# installed server); PG_CONFIG=... builds for another one.
PG_CONFIG ?= $(firstword $(wildcard /usr/lib/postgresql/15/bin/pg_config) pg_config)
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

sql/hotel_agent--1.0.0.sql: $(SQL_PARTS) tools/assemble-sql.sh
	sh tools/assemble-sql.sh $(SQL_PARTS) > $@.tmp && mv $@.tmp $@

all: sql/hotel_agent--1.0.0.sql

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

test: deps
	$(MAKE) all
	$(MAKE) install
	bash test/run.sh

bench: deps
	$(MAKE) all
	$(MAKE) install
	bash test/bench/run.sh
