# The two commands a newcomer needs: `make demo` and `make test`. Everything else is a building block.
.PHONY: help install build test bench demo dist clean

help:
	@echo "make demo     the whole product offline: starts the emulator, runs examples/umbrella-and-exceptions through"
	@echo "              the offline runner (preview with the bucket-move warnings, up, refresh, coverage), writes flow"
	@echo "              logs, reads them with ibm-flowlogs logs, destroys the stack and stops the emulator"
	@echo "make test     install (when needed), build, and run every test; ends with N passed, N failed"
	@echo "make bench    the benchmarks: figures and ratios measured side by side (not pass/fail)"
	@echo "make build    install (when needed) and compile TypeScript into dist/; only what changed is rebuilt"
	@echo "make dist     the release artifacts in release/: plugin tarballs, the SDK's and the CLI's npm tarballs, notes.md"
	@echo "make install  npm ci, when node_modules is missing or older than package.json or the lockfile"
	@echo "make clean    remove dist/ and release/"

# npm ci runs again whenever package.json or the lockfile is newer than the last install.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.installed

# tsc -b: an unchanged tree is up to date in a fraction of a second (dist/.tsbuildinfo records what was built).
# Then outputs whose source was moved or deleted are removed: a stale dist/x.js would shadow a new folder x/index.js.
build: node_modules/.installed
	node_modules/.bin/tsc -b tsconfig.json
	@find dist -name '*.js' | while read -r f; do s=$${f#dist/}; [ -f "$${s%.js}.ts" ] || rm -f "$$f" "$$f.map"; done

test: build
	node_modules/.bin/mocha

bench: build
	npm run bench

demo: build
	node dist/scripts/demo.js

# What the release workflow (.github/workflows/release.yml) uploads: scripts/release/dist.ts.
dist: build
	node dist/scripts/release/dist.js

clean:
	rm -rf dist release
