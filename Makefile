# The two commands a newcomer needs: `make demo` and `make test`. Everything else is a building block.
.PHONY: help install build test bench demo dist clean

help:
	@echo "make demo   start the local IBM Cloud emulator and walk through its API"
	@echo "make test   install (when needed), build and run every test"
	@echo "make bench  run the benchmarks (figures and ratios, not pass/fail)"
	@echo "make build  compile TypeScript into dist/"
	@echo "make dist   the release artifacts in release/: plugin tarballs, SDK and CLI npm tarballs"

# npm ci runs again whenever package.json or the lockfile is newer than the last install.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.installed

build: node_modules/.installed
	node_modules/.bin/tsc -p tsconfig.json

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
