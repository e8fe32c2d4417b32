# PharmaCRM developer entry points.
#
#   make setup   install Debian packages and the local Kafka broker jars
#   make build   configure (once) and build with CMake + Ninja
#   make test    build, then run the test suite with CTest
#   make run     build, then run all services locally (deploy/local/run.sh)
#   make bench   build, then run the benchmarks (bench/run.sh)
#   make format  clang-format the C++ sources (if clang-format is installed)
#   make thread-safety  clang build of everything (build-clang) with
#                -Wthread-safety -Werror, ASan+UBSan and fuzzing coverage
#   make sanitize  unit tests under ASan+UBSan (build-clang), then the
#                concurrency tests under TSan (build-tsan, on an abseil
#                built with TSan by deploy/local/absl_tsan.sh)
#   make fuzz    build the libFuzzer targets (build-clang) and run each for
#                FUZZ_SECONDS (default 60); FUZZ_TARGETS picks some
#   make fuzz-merge  merge what make fuzz found into tests/fuzz/*/corpus
#   make clean   remove the build directory
#   make distclean  also remove local data and cached downloads

SHELL := /bin/bash

BUILD_DIR  ?= build
BUILD_TYPE ?= RelWithDebInfo
CMAKE_ARGS ?=
CTEST_ARGS ?=

export PHARMACRM_KAFKA_HOME ?= $(CURDIR)/.cache/kafka

FORMAT_DIRS := proto libs services tests bench

.PHONY: all setup build test run bench clean distclean format
.PHONY: setup-clang configure-clang configure-tsan thread-safety sanitize fuzz fuzz-merge

all: build

setup:
	bash deploy/local/setup.sh

build: setup
	@if [ ! -f "$(BUILD_DIR)/build.ninja" ]; then \
	  echo "cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_ARGS)"; \
	  cmake -S . -B "$(BUILD_DIR)" -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_ARGS); \
	fi
	cmake --build "$(BUILD_DIR)"

test: build
	cd "$(BUILD_DIR)" && ctest --output-on-failure --timeout 600 -j2 $(CTEST_ARGS)

run: build
	PHARMACRM_BIN_DIR="$${PHARMACRM_BIN_DIR:-$(abspath $(BUILD_DIR))/bin}" bash deploy/local/run.sh

bench: build
	PHARMACRM_BIN_DIR="$${PHARMACRM_BIN_DIR:-$(abspath $(BUILD_DIR))/bin}" bash bench/run.sh

# Compiler and runtime checks (docs/TESTING.md): clang from Debian. One
# clang build folder serves all three (its objects carry ASan+UBSan and
# libFuzzer's coverage, and every file compiled there is checked with
# -Wthread-safety), so each object is compiled once for them; TSan cannot
# share a binary with ASan, so it has a folder of its own (build-tsan).
# Configured again on every call (cheap when nothing changed), so a
# changed option takes effect.
CLANG_CXX    ?= clang++-14
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
CLANG_CMAKE  := cmake -S . -G Ninja -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_COMPILER=$(CLANG_CXX) \
                "-DCMAKE_CXX_FLAGS=-O1 -gline-tables-only" $(CMAKE_ARGS)
export ASAN_OPTIONS  ?= detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS ?= print_stacktrace=1:halt_on_error=1

setup-clang:
	bash deploy/local/setup.sh --clang

configure-clang: setup setup-clang
	$(CLANG_CMAKE) -B build-clang -DPHARMACRM_SANITIZE=address -DPHARMACRM_FUZZ=ON

configure-tsan: setup setup-clang
	bash deploy/local/absl_tsan.sh
	$(CLANG_CMAKE) -B build-tsan -DPHARMACRM_SANITIZE=thread

thread-safety: configure-clang
	cmake --build build-clang

sanitize: configure-clang configure-tsan
	cmake --build build-clang --target unit_tests
	cd build-clang && ctest -L unit --output-on-failure --timeout 1200 -j2 $(CTEST_ARGS)
	cmake --build build-tsan --target concurrency_tests
	cd build-tsan && ctest -L concurrency --output-on-failure --timeout 1800 $(CTEST_ARGS)

fuzz: configure-clang
	cmake --build build-clang --target fuzzers
	bash tests/fuzz/run.sh build-clang $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-merge:
	bash tests/fuzz/run.sh --merge build-clang $(FUZZ_TARGETS)

clean:
	rm -rf "$(BUILD_DIR)" build-clang build-tsan

distclean: clean
	rm -rf data .cache

format:
	@if ! command -v clang-format >/dev/null 2>&1; then \
	  echo "clang-format not found; skipping (apt-get install clang-format)"; \
	else \
	  dirs=""; for d in $(FORMAT_DIRS); do [ -d "$$d" ] && dirs="$$dirs $$d"; done; \
	  if [ -n "$$dirs" ]; then \
	    find $$dirs -type f \( -name '*.h' -o -name '*.hpp' -o -name '*.cc' -o -name '*.cpp' -o -name '*.proto' \) \
	      -print0 | xargs -0 -r clang-format -i; \
	  fi; \
	fi
