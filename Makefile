# kemu: the two everyday entry points and a few helpers around meson.
#   make demo    install dependencies, build, boot the demo guest (exits by itself)
#   make check   install dependencies, build, run every test; ends with
#                "N passed, N failed, N skipped"
# Builds use -j2 (the project's machines have two cores).

BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= 2

.PHONY: all deps build demo check check-unit check-functional check-sanitize check-block-crash check-block-powerloss fuzz-qcow2 bench clean guests

all: build

deps:
	bash scripts/install-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD)

build: $(BUILD)/build.ninja
	ninja -C $(BUILD) -j$(JOBS)

guests:
	$(MAKE) -C tests/guests O=$(abspath $(BUILD))/tests/guests

demo: deps build guests
	bash scripts/demo.sh $(BUILD)

check: deps build guests
	bash scripts/check.sh $(BUILD) $(ASAN_BUILD)

check-unit: build
	meson test -C $(BUILD) --suite unit --suite device --print-errorlogs

check-functional: build guests
	python3 tests/functional/run.py --kemu $(BUILD)/kemu --guests $(abspath $(BUILD))/tests/guests -v
	python3 tests/functional/test-vga.py --kemu $(BUILD)/kemu

check-sanitize:
	bash scripts/check.sh --sanitize-only $(BUILD) $(ASAN_BUILD)

# Long crash-consistency run of the block layer (kill -9 during writes, 100 times).
check-block-crash: build
	bash tests/block/crash.sh $(BUILD) 100

# Long power-loss run: recorded writes replayed at 1200 random power cuts (tests/block/powerloss.py).
check-block-powerloss: build
	python3 tests/block/powerloss.py $(BUILD) 40 30

# libFuzzer on qcow2 open/read/check for FUZZ_SECONDS on seed images (tests/fuzz/run.sh).
FUZZ_SECONDS ?= 60
fuzz-qcow2: build
	@command -v clang >/dev/null || { echo "fuzz-qcow2: needs clang (scripts/install-deps.sh installs it)"; exit 1; }
	ninja -C $(BUILD) tests/fuzz/fuzz-qcow2-libfuzzer
	bash tests/fuzz/run.sh $(BUILD) $(FUZZ_SECONDS)

bench: deps build guests
	python3 bench/run.py --kemu $(BUILD)/kemu
	bash bench/block.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
