# The front door. `make run` and `make test` work on a fresh Debian 12 machine.
SHELL := /bin/bash
JOBS ?= 2
BUILD ?= build
ASAN_BUILD ?= build-asan
CMAKE_FLAGS := -G Ninja -DCMAKE_BUILD_TYPE=Release
ifeq ($(CI),true)
  CMAKE_FLAGS += -DMINDME_WERROR=ON
endif

.PHONY: all deps build asan run stack stack-down test test-unit test-release test-asan bench bench-250k \
  fuzz fuzz-long format format-check lint clean

all: build

deps:
	@scripts/deps.sh

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

# -O1 -g1: line numbers in sanitizer reports, and a build that costs far less than
# -O2 -g on two cores (the sanitizer build is the larger part of CI's time).
$(ASAN_BUILD)/build.ninja: | deps
	cmake -S . -B $(ASAN_BUILD) $(CMAKE_FLAGS) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" -DMINDME_SANITIZE=ON

asan: deps $(ASAN_BUILD)/build.ninja
	cmake --build $(ASAN_BUILD) -j $(JOBS)

# The whole backend in one process, with the web app (built with the rest when its
# sources changed) at http://127.0.0.1:8080/.
run: build
	$(BUILD)/mindme all --set http.static_dir=$(BUILD)/web

# The seed architecture on this machine, on real servers (docs/operations.md):
# HAProxy in front of mindme serve processes, worker, files, PostgreSQL + replica,
# Redis. Prints where everything listens; build/stack/env has it as shell lines.
STACK ?= build/stack
stack: build
	scripts/stack.sh up $(STACK)

stack-down:
	scripts/stack.sh down $(STACK)

# The checks that take seconds first, then the whole suite on the release build and
# again under ASan + UBSan.
test: format-check lint
	$(MAKE) test-release
	$(MAKE) test-asan

# The unit tier alone: no server is started (CONTRIBUTING.md, "Test tiers").
test-unit: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L unit

test-release: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: asan
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS)

bench: build
	@scripts/deps.sh bench
	bench/http_baseline.sh
	bench/api_embedded.sh
	bench/files.sh
	bench/search.sh
	bench/gateway.sh
	bench/loadgen_vs_wrk.sh
	bench/idle_connections.sh
	bench/capacity.sh all
	bench/users_10k.sh
	bench/web.sh

# The seed's 250,000 concurrent users on this machine (~10 minutes, ~15 GiB of memory).
bench-250k: build
	bench/users_250k.sh

# libFuzzer over every parser that reads outside bytes (FUZZ_SECONDS per target).
fuzz:
	scripts/deps.sh fuzz
	tests/fuzz/run.sh

# Each target for 10 million executions (FUZZ_SECONDS caps each, default 1800); the
# figures go to docs/fuzzing.md.
fuzz-long:
	scripts/deps.sh fuzz
	tests/fuzz/long.sh

# C++ sources that clang-format keeps (.clang-format), and the shell scripts shellcheck reads.
CXX_SOURCES = $$(git ls-files 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'bench/*.cpp')
SHELL_SCRIPTS = $$(git ls-files '*.sh' .ci/run)

format:
	clang-format -i $(CXX_SOURCES)

format-check: deps
	clang-format --dry-run --Werror $(CXX_SOURCES)

lint: deps
	shellcheck --severity=warning $(SHELL_SCRIPTS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
