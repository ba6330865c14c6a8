# autopipe: build, test, demo, install and benchmarks.
# `make demo` and `make test` work on a fresh Debian machine with the Swift toolchain: they install the system
# packages they need (with apt-get when run as root; otherwise they print the exact command).

SWIFT        ?= swift
PREFIX       ?= /usr/local
PYTHON       ?= python3
APT_PACKAGES := libcsv-dev libopenblas-dev openssl
RELEASE_BIN  := .build/release/autopipe
TEST_FLAGS   := -c release -Xswiftc -enable-testing
VENV         := .build-py
VPYTHON      := $(CURDIR)/$(VENV)/bin/python

.PHONY: all deps build release demo test install uninstall clean fixtures bench bench-tools bench-operators \
        bench-search bench-cluster bench-predict python-deps fuzz-frames

all: build

## System packages: libcsv (CSV parsing), OpenBLAS (linear algebra), openssl (the TLS tests make certificates with it).
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing:$$missing"; \
	    (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "autopipe needs these Debian packages:$$missing"; \
	    echo "Install them with:  sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

## Python packages some tests and benchmarks compare against (scikit-learn, pandas), from PyPI, in a virtual
## environment of this checkout ($(VENV)), so the system Python is left alone. Tests find it through AUTOPIPE_PYTHON.
python-deps: $(VENV)/.installed

$(VENV)/.installed: scripts/requirements.txt
	@if ! $(PYTHON) -c 'import venv, ensurepip' >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing: python3 python3-venv python3-pip"; \
	    (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv python3-pip; \
	  else \
	    echo "autopipe's tests need Python 3 with venv: sudo apt-get install -y python3 python3-venv python3-pip"; exit 1; \
	  fi; \
	fi
	@[ -x $(VENV)/bin/python ] || $(PYTHON) -m venv $(VENV)
	@echo "Installing scikit-learn, numpy, scipy, pandas into $(VENV) (pip)"
	@$(VENV)/bin/python -m pip install -q --disable-pip-version-check -r scripts/requirements.txt
	@touch $@

build: deps
	$(SWIFT) build -c release --product autopipe

release: build

demo: build
	@echo "== autopipe search on the bundled iris dataset =="
	$(RELEASE_BIN) search datasets/iris.csv --target species --generations 5 --population-size 20 --seed 1 --output demo-best.json
	@echo
	@echo "== and on penguins (string columns, missing values) =="
	$(RELEASE_BIN) search datasets/penguins.csv --target species --generations 3 --population-size 16 --seed 1 --output demo-penguins.json

## One release build of everything, tests included (built once: `swift test --skip-build` reuses it).
test: deps python-deps
	$(SWIFT) build --build-tests $(TEST_FLAGS)
	AUTOPIPE_PYTHON=$(VPYTHON) $(SWIFT) test --skip-build $(TEST_FLAGS)

install: build
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(RELEASE_BIN) $(DESTDIR)$(PREFIX)/bin/autopipe
	install -m 644 man/autopipe.1 $(DESTDIR)$(PREFIX)/share/man/man1/autopipe.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/autopipe $(DESTDIR)$(PREFIX)/share/man/man1/autopipe.1

## Regenerates the scikit-learn fixtures the operator tests read (pinned versions, from PyPI).
fixtures: python-deps
	$(VPYTHON) scripts/fixtures/make_fixtures.py

clean:
	rm -rf .build $(VENV) demo-best.json demo-penguins.json

## Benchmarks (release builds; the Python peers are installed from PyPI and run in the same run).
bench-tools: deps
	$(SWIFT) build -c release --product autopipe-bench

## CSV load speed and peak memory next to pandas.read_csv (generates a 1,000,000 x 20 CSV into bench-out/ once).
bench: bench-tools python-deps
	$(VPYTHON) scripts/bench/bench_csv.py

bench-operators: bench-tools python-deps
	$(VPYTHON) scripts/bench/bench_operators.py

## `autopipe predict` on 1,000,000 rows next to the exported scikit-learn script (generates the CSV into bench-out/ once).
bench-predict: build python-deps
	$(VPYTHON) scripts/bench/bench_predict.py

## autopipe's search next to TPOT 0.12.2 (installed from PyPI into bench-out/tpot-venv) on the bundled datasets.
## SEARCH_BENCH passes options, e.g. SEARCH_BENCH="--seeds 42,43,44 --datasets iris,wine" (several seeds: a summary
## of mean held-out scores per dataset).
bench-search: build python-deps
	$(VPYTHON) scripts/bench/bench_search.py $(SEARCH_BENCH)

## Cluster benchmarks: scheduler capacity (in-process fake workers), /api/status latency under that load, and the
## loopback overhead of real scheduler + worker processes against `search --jobs 2`.
bench-cluster: deps python-deps
	$(SWIFT) build -c release --product autopipe-bench
	$(SWIFT) build -c release --product autopipe
	$(VPYTHON) scripts/bench/bench_cluster.py

## libFuzzer on the cluster's frame decoder for FUZZ_SECONDS (the NIO-free wire sources, built with swiftc
## -sanitize=fuzzer,address; seeds: one frame per message type). Not part of `make test`.
SWIFTC       ?= swiftc
FUZZ_SECONDS ?= 60
WIRE_SOURCES := $(wildcard Sources/AutopipeCluster/Wire/*.swift)
fuzz-frames:
	mkdir -p .build/fuzz/corpus
	$(SWIFTC) -O -parse-as-library -module-name FrameSeeds $(WIRE_SOURCES) Fuzz/FrameSeeds.swift -o .build/fuzz/frame-seeds
	.build/fuzz/frame-seeds .build/fuzz/corpus
	$(SWIFTC) -sanitize=fuzzer,address -O -parse-as-library -module-name FrameFuzz $(WIRE_SOURCES) Fuzz/FrameFuzz.swift \
	    -o .build/fuzz/frame-fuzz 2>&1 | grep -v "Cannot export local symbol" || true
	.build/fuzz/frame-fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -print_final_stats=1 .build/fuzz/corpus
