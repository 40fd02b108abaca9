# Front door: `make demo` and `make test` work on a fresh Debian 12 machine as root.
BUILD ?= build
JOBS ?= $(shell nproc)
DUET := $(BUILD)/cli/duet

.PHONY: deps build demo test bench format clean

deps:
	bash scripts/install-deps

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	$(DUET) sim --arch configs/accel/mobile.json --workload bert-base --seq-len 128

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: build
	bash bench/run.sh $(DUET)
	bash bench/evaluator.sh $(DUET)
	bash bench/explore.sh $(DUET)

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD)
