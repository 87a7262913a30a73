# argus — the two commands a newcomer needs:
#   make demo   install missing Debian packages, build Release, serve the demo
#   make test   install missing packages, build with tests, run every test
#   (make package: the Debian package, from the Release build)
# Everything else is a building block of those two.

JOBS        ?= $(shell nproc 2>/dev/null || echo 2)
BUILD_DIR   ?= build
TEST_DIR    ?= build-test
BENCH_DIR   ?= build-bench
FUZZ_DIR    ?= build-fuzz
# make fuzz: seconds per target (docs/robustness.md)
FUZZ_SECONDS ?= 300
FUZZ_TARGETS ?=
CMAKE_FLAGS ?=
LISTEN      ?= 127.0.0.1:8080

.PHONY: all deps node-deps build build-test build-fuzz test fuzz fuzz-smoke demo bench model package format clean

all: build

## deps: install whatever Debian packages from scripts/deps.txt are missing
deps:
	@scripts/install-deps.sh scripts/deps.txt

## node-deps: node + npm and the pinned npm packages (package-lock.json)
node-deps:
	@scripts/install-deps.sh scripts/node-deps.txt
	@npm ci --no-audit --no-fund --loglevel=error

## build: Release build of the argus binary
build: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release -DARGUS_ENABLE_TESTS=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD_DIR) -j$(JOBS) --target argus

## build-test: the argus binary plus the test programs (optimized, with asserts)
build-test: deps
	@cmake -S . -B $(TEST_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DARGUS_ENABLE_TESTS=ON -DARGUS_FUZZ_DIR=$(abspath $(FUZZ_DIR)) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(TEST_DIR) -j$(JOBS)

## test: every unit, actor and integration test through ctest
# Includes the fuzz smoke runs (ctest fuzz.*, the clang tree's entries).
test: build-test build-fuzz node-deps
	@cd $(TEST_DIR) && ctest --output-on-failure --timeout 600 -j$(JOBS)

## build-fuzz: the libFuzzer targets (clang, ASan + UBSan), also run by make test
build-fuzz: deps
	@cmake -S . -B $(FUZZ_DIR) -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug -DARGUS_ENABLE_FUZZ=ON -DARGUS_ENABLE_TESTS=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(FUZZ_DIR) -j$(JOBS) --target fuzz_targets

## fuzz-smoke: each fuzz target over its corpus plus a short bounded run
fuzz-smoke: build-fuzz
	@cd $(FUZZ_DIR) && ctest --output-on-failure --timeout 120

## fuzz: every fuzz target for FUZZ_SECONDS each (FUZZ_TARGETS: a subset), then a summary
fuzz: build-fuzz
	@fuzz/campaign.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

## package: argus_<version>_<arch>.deb in $(BUILD_DIR) from the Release binary (CPack; cmake/package.cmake)
package: build
	@cd $(BUILD_DIR) && cpack -G DEB --config CPackConfig.cmake >/dev/null
	@ls $(abspath $(BUILD_DIR))/argus_*.deb

## demo: serve the synthetic camera on $(LISTEN) (Ctrl-C stops it cleanly)
demo: build
	@echo "argus demo: open http://$(LISTEN)/ (web client); API in README.md"
	@$(BUILD_DIR)/argus serve --config config/demo.yaml --listen $(LISTEN)

## bench: build the benchmarks and run them (results: docs/benchmarks.md)
bench: deps node-deps
	@cmake -S . -B $(BENCH_DIR) -DCMAKE_BUILD_TYPE=Release -DARGUS_ENABLE_TESTS=OFF -DARGUS_ENABLE_BENCH=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BENCH_DIR) -j$(JOBS)
	@bench/run_all.sh $(BENCH_DIR)

## model: retrain the shipped detector (and its 320x256 re-export for model management) and crop classifier on ../shared/data/drone-footage + synthetic sky (python3-torch; ~20 min on 2 cores, GPU if present)
model: build
	@scripts/install-deps.sh scripts/train-deps.txt
	@/usr/bin/python3 scripts/train_detector.py --argus $(BUILD_DIR)/argus --out models/argus-sky.onnx
	@/usr/bin/python3 scripts/export_model_size.py --src models/argus-sky.onnx --width 320 --height 256 --out models/argus-sky-320.onnx
	@/usr/bin/python3 scripts/train_classifier.py --argus $(BUILD_DIR)/argus --out models/argus-sky-cls.onnx

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	@rm -rf $(BUILD_DIR) $(TEST_DIR) $(BENCH_DIR) $(FUZZ_DIR)
