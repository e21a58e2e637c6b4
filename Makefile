# The two commands a new user runs (see README.md):
#   make demo   build everything and run the end-to-end demo
#   make test   build everything and run every test
SWIFT  ?= swift
CONFIG ?= debug

.PHONY: all build plugins test browser-deps demo bench fuzz clean cjson
all: plugins

build:
	$(SWIFT) build -c $(CONFIG)

# Builds the Swift connectors and the C example and installs them into plugins.d/.
# INSTALL copies to a temporary name and renames it over the target: a file a
# running node has open is replaced, never rewritten in place.
INSTALL = install_so() { cp "$$1" "$$2/.$$(basename $$1).tmp$$$$" && mv -f "$$2/.$$(basename $$1).tmp$$$$" "$$2/$$(basename $$1)"; }
plugins: build cjson
	@$(INSTALL); bin=$$($(SWIFT) build -c $(CONFIG) --show-bin-path) && \
	for lib in $(wildcard Plugins/*/); do \
	  name=$$(basename $$lib); \
	  if [ -f $$bin/lib$$name.so ]; then install_so $$bin/lib$$name.so plugins.d; fi; \
	done
	@$(INSTALL); if [ -f Examples/CConnector/Makefile ]; then $(MAKE) -s -C Examples/CConnector && \
	  for so in Examples/CConnector/build/*.so; do install_so $$so plugins.d; done; fi
	@ls plugins.d/*.so 2>/dev/null | sed 's/^/installed /' || true

# Quiet when green: the build's output only if it fails, each failing test's
# output, then "N passed, N failed".
test: cjson browser-deps
	@mkdir -p .build && $(MAKE) -s plugins > .build/build-output.log 2>&1 || { cat .build/build-output.log; exit 1; }
	@Tests/run-all.sh

# C connectors (the example, the scaffold, test fixtures) use Debian's cJSON.
cjson:
	@dpkg -s libcjson-dev >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y libcjson-dev >/dev/null || { apt-get update -qq && apt-get install -y libcjson-dev; }; \
	  else echo "libcjson-dev is missing: run  sudo apt-get install -y libcjson-dev" >&2; exit 1; fi; }

# The console's browser tests drive Debian's chromium through chromium-driver.
browser-deps:
	@sh Tests/browser-deps.sh

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
