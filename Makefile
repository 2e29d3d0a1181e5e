# devops-info-service lab report: measure the images, build the site from the measurements.
SHELL := /bin/bash
VENV ?= .venv
PORT ?= 8000
TEST_WORKERS ?= 2
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: help setup serve report measure history-merge site picture bench test pytest go-test standins test-fast mutation lint clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(VENV)/.installed: requirements.txt pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	touch $@

setup: $(VENV)/.installed ## create the virtualenv from requirements.txt (once; again when it changes)

serve: setup ## serve the site on PORT (8000) at once; re-measures in the background when inputs changed (SERVE_MEASURE=0: never)
	$(PY) -m labreport serve --port $(PORT)

measure: setup ## measure every variant into data/measurements.json (skipped when current; FORCE=1 re-measures)
	scripts/prereqs.sh
	$(PY) -m labreport measure $(if $(FORCE),--force)

history-merge: setup ## merge the published site's data/history.json into the committed one (FROM=url or path; a warning when unreachable)
	$(PY) -m labreport history merge $(if $(FROM),--from $(FROM))

site: setup ## build the site strictly from the data file into site/
	$(BIN)/mkdocs build --strict

report: measure site ## measure, then build the site strictly

picture: setup ## redraw the README's picture of the site (docs/assets/site-home.png) from the data
	$(PY) scripts/screenshot.py

bench: setup ## print the benchmarks: pipeline overhead, measurement time (cold, warm, one-line change; AGAINST=main too; ~40 min on the engine) and site build time against plain MkDocs
	$(PY) scripts/bench_pipeline.py
	$(PY) scripts/bench_speed.py $(if $(AGAINST),--against $(AGAINST))
	$(PY) scripts/bench_site.py

# Lint and the Go tests keep the cores busy while the stand-ins mostly wait on disk and network:
# side by side. Then pytest on two workers: the real-engine tests in file order on one, the rest
# on the other (tests/conftest.py).
test: setup ## everything CI runs: lint, Go tests, Python unit, real-Docker and site tests
	scripts/prereqs.sh --browser
	$(MAKE) --jobs=3 --output-sync=target lint go-test standins
	$(MAKE) pytest

pytest: setup ## the Python tests alone (unit, real-engine, site), on TEST_WORKERS (2) workers
	$(BIN)/pytest --numprocesses=$(TEST_WORKERS)

go-test: setup ## the Go tests of the service (with the race detector) and of the example
	cd app && go test ./... && CGO_ENABLED=1 go test -race ./...
	cd examples/quote-service && go test ./...

standins: setup ## build (or reuse) the stand-in base images of every variant
	$(PY) -m labreport standins --quiet

test-fast: setup ## unit tests only: no Docker engine, no browser
	$(BIN)/pytest -m "not docker and not site"

mutation: setup ## mutation testing (mutmut) of the measure phases, analysis, derive and claims, fast tests only
	$(BIN)/mutmut run; $(BIN)/mutmut results

lint: setup ## gofmt, go vet, ruff (lint and format), mypy, hadolint, zizmor and the workflow schema
	@test -z "$$(cd app && $$(go env GOROOT)/bin/gofmt -l .)" || { echo "gofmt: run gofmt -w app"; exit 1; }
	cd app && go vet ./...
	@test -z "$$(cd examples/quote-service && $$(go env GOROOT)/bin/gofmt -l .)" || { echo "gofmt: run gofmt -w examples/quote-service"; exit 1; }
	cd examples/quote-service && go vet ./...
	$(BIN)/ruff check src scripts tests
	$(BIN)/ruff format --check src scripts tests
	$(BIN)/mypy
	$(BIN)/zizmor --offline --no-progress --quiet .github/workflows/report.yml
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/report.yml
	$(BIN)/hadolint --failure-threshold error Dockerfile variants/*.Dockerfile src/labreport/measure/recipes/*.Dockerfile \
		examples/quote-service/Dockerfile examples/quote-service/Dockerfile.*

clean: ## remove the site, caches, and the project's images and stand-ins
	rm -rf site .artifacts .pytest_cache .mypy_cache .ruff_cache mutants
	-$(PY) -m labreport clean
