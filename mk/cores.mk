# mk/cores.mk: the pure-C cores (E.164, e-mail, identifier kinds) outside the server.
# Included by the top-level Makefile; usable alone too:
#   make -f mk/cores.mk unit | fuzz | metadata | bench-core
#
#   metadata    regenerate src/e164_metadata.c and its SQL twin
#               sql/src/plpgsql/19_e164_metadata.sql from libphonenumber-js
#   metadata-deps  install the pinned generator (tools/package-lock.json)
#               into tools/node_modules when it is missing or another version
#   unit        build and run the unit tests (and the oracle corpus), and
#               check both metadata files against their generator; with
#               METADATA_CHECK=required (make test) a check that cannot
#               run (no node, no tools/node_modules) is a failure
#   fuzz        libFuzzer + ASan + UBSan, FUZZ_SECONDS per harness
#   bench-core  time the E.164 core (BENCH_INPUT file, BENCH_REGION)

.PHONY: metadata metadata-deps unit fuzz bench-core

CORES_CC ?= gcc
CORES_CFLAGS ?= -O2 -Wall -Wextra -Werror
CORES_LIBS = -lpcre2-8
FUZZ_CC ?= $(firstword $(foreach c,clang-14 clang,$(shell command -v $(c) 2>/dev/null)) clang)
FUZZ_CFLAGS ?= -g -O1 -Wall -Wextra -Werror -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_SECONDS ?= 30
FUZZ_HARNESSES = e164 email identifier
BENCH_INPUT ?= -
BENCH_REGION ?= AR
BENCH_CALLS ?= 1000000

E164_CORE = src/e164.c src/e164_metadata.c src/e164_policy.c
E164_DEPS = $(E164_CORE) src/e164.h src/e164_metadata.h src/e164_policy.h
EMAIL_CORE = src/email.c
EMAIL_DEPS = $(EMAIL_CORE) src/email.h
IDENTIFIER_CORE = src/identifier_kind.c $(E164_CORE) $(EMAIL_CORE)
IDENTIFIER_DEPS = src/identifier_kind.c src/identifier_kind.h $(E164_DEPS) $(EMAIL_DEPS)

METADATA_CHECK ?= optional

metadata-deps:
	cd tools && { node -e "process.exit(require('./node_modules/libphonenumber-js/package.json').version === require('./package-lock.json').packages['node_modules/libphonenumber-js'].version ? 0 : 1)" 2>/dev/null || npm ci --no-audit --no-fund; }

metadata: metadata-deps
	node tools/gen_e164_metadata.js src/e164_metadata.c
	node tools/gen_e164_metadata.js --sql sql/src/plpgsql/19_e164_metadata.sql

test/unit/test_e164.bin: test/unit/test_e164.c $(E164_DEPS)
	$(CORES_CC) $(CORES_CFLAGS) -Isrc -o $@ test/unit/test_e164.c $(E164_CORE) $(CORES_LIBS)

test/unit/test_email.bin: test/unit/test_email.c $(EMAIL_DEPS)
	$(CORES_CC) $(CORES_CFLAGS) -Isrc -o $@ test/unit/test_email.c $(EMAIL_CORE)

test/unit/test_identifier.bin: test/unit/test_identifier.c $(IDENTIFIER_DEPS)
	$(CORES_CC) $(CORES_CFLAGS) -Isrc -o $@ test/unit/test_identifier.c $(IDENTIFIER_CORE) $(CORES_LIBS)

test/unit/bench_e164.bin: test/unit/bench_e164.c $(E164_DEPS)
	$(CORES_CC) $(CORES_CFLAGS) -Isrc -o $@ test/unit/bench_e164.c $(E164_CORE) $(CORES_LIBS)

# Each test prints "NAME: N passed, N failed" last; sum them.
unit: test/unit/test_e164.bin test/unit/test_email.bin test/unit/test_identifier.bin
	@mkdir -p build; status=0; p=0; f=0; \
	for t in test_e164 test_email test_identifier; do \
		./test/unit/$$t.bin > build/$$t.out 2>&1 || status=1; \
		cat build/$$t.out; \
		line=$$(grep -E '^[a-z_0-9]+: [0-9]+ passed, [0-9]+ failed$$' build/$$t.out | tail -n 1); \
		if [ -z "$$line" ]; then status=1; f=$$((f + 1)); \
			echo "$$t: no result line (crashed?)"; continue; fi; \
		p=$$((p + $$(echo "$$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/'))); \
		f=$$((f + $$(echo "$$line" | sed -E 's/.*, ([0-9]+) failed/\1/'))); \
	done; \
	if command -v node > /dev/null 2>&1 && \
		[ -f tools/node_modules/libphonenumber-js/metadata.max.json ]; then \
		if node tools/gen_e164_metadata.js build/e164_metadata.c > /dev/null && \
			cmp -s build/e164_metadata.c src/e164_metadata.c; then \
			echo "metadata: src/e164_metadata.c matches its generator"; p=$$((p + 1)); \
		else \
			echo "metadata: src/e164_metadata.c is stale or edited by hand: run make metadata"; \
			f=$$((f + 1)); status=1; \
		fi; \
		if node tools/gen_e164_metadata.js --sql build/19_e164_metadata.sql > /dev/null && \
			cmp -s build/19_e164_metadata.sql sql/src/plpgsql/19_e164_metadata.sql; then \
			echo "metadata: sql/src/plpgsql/19_e164_metadata.sql matches its generator"; p=$$((p + 1)); \
		else \
			echo "metadata: sql/src/plpgsql/19_e164_metadata.sql is stale or edited by hand: run make metadata"; \
			f=$$((f + 1)); status=1; \
		fi; \
	elif [ "$(METADATA_CHECK)" = required ]; then \
		echo "metadata: cannot check the metadata files (needs node and tools/node_modules: make metadata-deps)"; \
		f=$$((f + 1)); status=1; \
	else \
		echo "metadata: freshness not checked (needs node and tools/node_modules: make metadata-deps)"; \
	fi; \
	if [ $$status -ne 0 ] && [ $$f -eq 0 ]; then f=1; fi; \
	echo "unit: $$p passed, $$f failed"; \
	[ $$status -eq 0 ] && [ $$f -eq 0 ]

test/fuzz/fuzz_e164.bin: test/fuzz/fuzz_e164.c $(E164_DEPS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Isrc -o $@ test/fuzz/fuzz_e164.c $(E164_CORE) $(CORES_LIBS)

test/fuzz/fuzz_email.bin: test/fuzz/fuzz_email.c $(EMAIL_DEPS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Isrc -o $@ test/fuzz/fuzz_email.c $(EMAIL_CORE)

test/fuzz/fuzz_identifier.bin: test/fuzz/fuzz_identifier.c $(IDENTIFIER_DEPS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Isrc -o $@ test/fuzz/fuzz_identifier.c $(IDENTIFIER_CORE) $(CORES_LIBS)

# New corpus entries go to build/fuzz/corpus-NAME (the seeds stay as they
# are); crashes to build/fuzz/artifacts/.  Any finding fails the target.
fuzz: $(foreach h,$(FUZZ_HARNESSES),test/fuzz/fuzz_$(h).bin)
	@mkdir -p build/fuzz/artifacts; status=0; total=0; \
	for h in $(FUZZ_HARNESSES); do \
		mkdir -p build/fuzz/corpus-$$h; hs=0; \
		echo "fuzz_$$h: $(FUZZ_SECONDS)s"; \
		./test/fuzz/fuzz_$$h.bin -max_len=4096 -max_total_time=$(FUZZ_SECONDS) \
			-print_final_stats=1 -artifact_prefix=build/fuzz/artifacts/$$h- \
			build/fuzz/corpus-$$h test/fuzz/seeds/$$h > build/fuzz/$$h.log 2>&1 || hs=1; \
		n=$$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' build/fuzz/$$h.log | tail -n 1); \
		if [ -z "$$n" ]; then n=0; hs=1; fi; \
		total=$$((total + n)); \
		if grep -qE 'ERROR: |runtime error|SUMMARY: ' build/fuzz/$$h.log; then hs=1; fi; \
		if [ $$hs -ne 0 ]; then status=1; tail -n 40 build/fuzz/$$h.log; fi; \
		echo "fuzz_$$h: $$n executions"; \
	done; \
	echo "fuzz: $$total executions"; \
	if [ $$status -ne 0 ]; then echo "fuzz: FAILED (see build/fuzz/)"; exit 1; fi

bench-core: test/unit/bench_e164.bin
	./test/unit/bench_e164.bin $(BENCH_INPUT) '$(BENCH_REGION)' $(BENCH_CALLS)
