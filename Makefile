# PharmaCRM developer entry points.
#
#   make setup   install Debian packages and the local Kafka broker jars
#   make build   configure (once) and build with CMake + Ninja
#   make test    build, then run the test suite with CTest
#   make run     build, then run all services locally (deploy/local/run.sh)
#   make bench   build, then run the benchmarks (bench/run.sh)
#   make format  clang-format the C++ sources (if clang-format is installed)
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

clean:
	rm -rf "$(BUILD_DIR)"

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
