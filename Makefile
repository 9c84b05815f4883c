# Spate's entry points. On a fresh Debian 12 machine each target installs what
# it needs first (scripts/bootstrap.sh: Debian packages, the .venv).
#
#   make demo       build and run the demo
#   make test       build and run every test (C++ with ctest, Python with pytest)
#   make test-asan  the C++ tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make bench      build and run the benchmarks (prints rows/s and peak RSS)
#   make bench-nexmark  the Nexmark queries over EVENTS (default 1000000) events; VS_SPARK=1
#                   runs them on PySpark 4.1 too and prints the ratio
#   make format     clang-format the C++ sources
#   make wheel      build the self-contained (manylinux) wheel into dist/
#   make wheel-test build the wheel, install it in a fresh venv, smoke-test it
#   make fuzz-diff  the differential fuzzer against PySpark 4.1 for SECONDS (default 30)
#   make stubs      regenerate python/spate/_native.pyi
#   make fuzz       fuzz the SQL and DDL parsers, from_json, from_avro and avro files, and the checkpoint
#                   readers, SECONDS (default 30) each

BUILD_DIR ?= build/release
ASAN_DIR  ?= build/asan
JOBS      ?= $(shell nproc)
VENV      := .venv
# ccache hits across checkouts: paths under the repository hash relative to it.
export CCACHE_BASEDIR ?= $(CURDIR)
export CCACHE_NOHASHDIR ?= 1
PYTHON    := $(VENV)/bin/python
SITE      = $(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')

.PHONY: all deps build demo fuzz test test-cpp test-python test-asan bench bench-nexmark format clean wheel wheel-test fuzz-diff stubs

all: build

deps:
	@scripts/bootstrap.sh

# Configures once, then builds incrementally; the .pth file makes python/ the
# installed spate package of the .venv (an editable install).
build: deps
	@test -f $(BUILD_DIR)/build.ninja || cmake -S . -B $(BUILD_DIR) -G Ninja \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPython_EXECUTABLE=$(abspath $(PYTHON))
	@cmake --build $(BUILD_DIR) -j $(JOBS)
	@echo "$(abspath python)" > "$(SITE)/spate.pth"

demo: build
	@$(PYTHON) examples/streaming_demo.py

test: build
	@$(MAKE) --no-print-directory test-cpp test-python

test-cpp:
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# A test still running after 15 minutes fails, and the others still run.
test-python:
	@$(PYTHON) -m pytest -q --timeout=900 tests/python

test-asan: deps
	@test -f $(ASAN_DIR)/build.ninja || cmake -S . -B $(ASAN_DIR) -G Ninja \
	  -DCMAKE_BUILD_TYPE=Debug -DSPATE_SANITIZE=ON -DSPATE_BUILD_PYTHON=OFF \
	  -DPython_EXECUTABLE=$(abspath $(PYTHON))
	@cmake --build $(ASAN_DIR) -j $(JOBS)
	@cd $(ASAN_DIR) && ASAN_OPTIONS=detect_leaks=0 ctest --output-on-failure -j $(JOBS)

# The C++ benchmarks keep freed memory for reuse, as the Python package does
# (docs/architecture.md, "Memory").
# stream_join_bench runs over the in-memory state store only: over RocksDB
# (stream_join_bench 50000 12 rocksdb) it takes minutes for now.
bench: export MIMALLOC_PURGE_DELAY ?= -1
bench: build
	@$(BUILD_DIR)/bench/query_core_bench
	@$(BUILD_DIR)/bench/streaming_bench
	@$(BUILD_DIR)/bench/state_store_bench
	@$(BUILD_DIR)/bench/stateful_bench
	@$(BUILD_DIR)/bench/kafka_bench
	@$(PYTHON) bench/json_bench.py
	@$(BUILD_DIR)/bench/iceberg_bench
	@$(BUILD_DIR)/bench/window_bench
	@$(BUILD_DIR)/bench/stream_join_bench 50000 12 hdfs

EVENTS ?= 1000000
bench-nexmark: build
	@cd bench && MIMALLOC_PURGE_DELAY=-1 ../$(PYTHON) -m nexmark --events $(EVENTS) $(if $(VS_SPARK),--vs-spark)

wheel: build
	@CMAKE_BUILD_PARALLEL_LEVEL=$(JOBS) scripts/build_wheel.sh dist

wheel-test: build
	@CMAKE_BUILD_PARALLEL_LEVEL=$(JOBS) scripts/wheel_test.sh

# Random SQL expressions on Spate and on PySpark 4.1 (installed in the .venv by the
# bootstrap); differences are shrunk and printed (SAVE=1 appends them to the regressions).
fuzz-diff: build
	@$(PYTHON) tests/python/differential/fuzz_diff.py --seconds $(SECONDS) \
	  $(if $(SEED),--seed $(SEED)) $(if $(SAVE),--save)

SECONDS ?= 30
fuzz: build
	@for target in sql ddl from_json avro checkpoint; do \
	  $(BUILD_DIR)/tests/fuzz/spate_fuzz $$target --seconds $(SECONDS) || exit 1; done

stubs: build
	@$(PYTHON) -m nanobind.stubgen -q -m spate._native -o python/spate/_native.pyi

format:
	@clang-format -i $$(git ls-files '*.cc' '*.h')

clean:
	rm -rf build python/spate/*.so
