# Front door: `make demo` and `make test` work on a fresh Debian 12 machine as root.
BUILD ?= build
JOBS ?= $(shell nproc)
DUET := $(BUILD)/cli/duet

.PHONY: deps build demo test test-notorch test-sanitize test-fidelity fuzz-build fuzz fuzz-smoke python bench format clean

deps:
	bash scripts/install-deps

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	$(DUET) sim --arch configs/accel/mobile.json --workload bert-base --seq-len 128

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The configuration without libtorch: the simulator, importers, datasets and Python bindings.
test-notorch: deps
	cmake -S . -B $(BUILD)-notorch -DCMAKE_BUILD_TYPE=Release -DDUET_WITH_TORCH=OFF
	cmake --build $(BUILD)-notorch -j $(JOBS)
	cd $(BUILD)-notorch && ctest --output-on-failure -j $(JOBS)

# The torch-free test suite under AddressSanitizer and UBSan (libtorch is not instrumented).
# Excluded: the dataset runs whose workers throw after simulating (docs/robustness.md says why).
SANITIZE_EXCLUDE = DatasetMpi\.|Dataset\.ResumeAfterAKill
test-sanitize: deps
	cmake -S . -B $(BUILD)-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDUET_WITH_TORCH=OFF -DDUET_SANITIZE=ON
	cmake --build $(BUILD)-sanitize -j $(JOBS)
	cd $(BUILD)-sanitize && UBSAN_OPTIONS=print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j $(JOBS) -E '$(SANITIZE_EXCLUDE)'

# `--fidelity cycle` gives the fast mode's cycles on every zoo network (edge, mobile, cloud; both
# schedules; cycle runs over FIDELITY_LIMIT seconds are skipped) and on FIDELITY_RANDOM random
# small configs and workloads (bench/fidelity.sh).
FIDELITY_RANDOM ?= 200
FIDELITY_LIMIT ?= 60
test-fidelity: build
	bash bench/fidelity.sh $(DUET) $(FIDELITY_RANDOM) $(FIDELITY_LIMIT)

# libFuzzer harnesses of every input parser (tests/fuzz), built with clang and the sanitizers.
FUZZ_RUNS ?= 1000000
fuzz-build: deps
	CC=clang CXX=clang++ cmake -S . -B $(BUILD)-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDUET_FUZZ=ON -DDUET_WITH_TORCH=OFF
	cmake --build $(BUILD)-fuzz -j $(JOBS) --target fuzz_accelerator_config fuzz_workload_json fuzz_scalesim_cfg fuzz_topology_csv fuzz_lut fuzz_search_space fuzz_onnx fuzz_recast_plan fuzz_study

fuzz: fuzz-build
	bash scripts/fuzz $(BUILD)-fuzz $(FUZZ_RUNS)

# CI: a few seconds per harness.
fuzz-smoke: fuzz-build
	FUZZ_SEED=1 bash scripts/fuzz $(BUILD)-fuzz 1000000000 3

# The Python package: import it with PYTHONPATH=$(BUILD)/python.
python: build
	@echo "python: PYTHONPATH=$(BUILD)/python /usr/bin/python3 -c 'import duet'"

bench: build
	bash bench/run.sh $(DUET)
	bash bench/evaluator.sh $(DUET)
	bash bench/explore.sh $(DUET)

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD) $(BUILD)-notorch $(BUILD)-sanitize $(BUILD)-fuzz
