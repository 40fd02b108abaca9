# Front door: `make demo` and `make test` work on a fresh Debian 12 machine as root.
BUILD ?= build
JOBS ?= $(shell nproc)
DUET := $(BUILD)/cli/duet

.PHONY: deps build demo test test-notorch python bench format clean

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
	rm -rf $(BUILD) $(BUILD)-notorch
