# The two commands a new user runs (see README.md):
#   make demo   build everything and run the end-to-end demo
#   make test   build everything and run every test
SWIFT  ?= swift
CONFIG ?= debug

.PHONY: all build plugins test demo bench fuzz clean
all: plugins

build:
	$(SWIFT) build -c $(CONFIG)

# Builds the Swift connectors and the C example and copies them into plugins.d/.
plugins: build
	@bin=$$($(SWIFT) build -c $(CONFIG) --show-bin-path) && \
	for lib in $(wildcard Plugins/*/); do \
	  name=$$(basename $$lib); \
	  [ -f $$bin/lib$$name.so ] && cp $$bin/lib$$name.so plugins.d/ || true; \
	done
	@if [ -f Examples/CConnector/Makefile ]; then $(MAKE) -s -C Examples/CConnector && cp Examples/CConnector/build/*.so plugins.d/; fi
	@ls plugins.d/*.so 2>/dev/null | sed 's/^/installed /' || true

test: plugins
	$(SWIFT) test

# Two simulated trackers and two nodes play a scenario; exits 0 when every
# step held. `make demo DEMO_ARGS=--keep` leaves them running until Ctrl-C.
DEMO_ARGS ?=
demo: plugins
	@bin=$$($(SWIFT) build -c $(CONFIG) --show-bin-path) && $$bin/tandem demo $(DEMO_ARGS)

bench:
	$(SWIFT) build -c release
	@echo "run: $$($(SWIFT) build -c release --show-bin-path)/tandem-bench --help"

# Builds and runs every libFuzzer target under Fuzz/ for FUZZ_SECONDS each
# (see README.md, Fuzzing); exits non-zero when any target found a crash.
FUZZ_SECONDS ?= 60
fuzz:
	Fuzz/run.sh $(FUZZ_SECONDS)

clean:
	rm -rf .build plugins.d/*.so Examples/CConnector/build
