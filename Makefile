# Kennisbank Marketing. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
OUT ?= output
PORT ?= 8001

.PHONY: help install run build check serve test fuzz sample docs clean bench bench-readme

help: ## Show this list
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "} {printf "  make %-10s %s\n", $$1, $$2}'

# axe-core (npm registry, this version) for the accessibility tests (tests/test_a11y.py), into the
# git-ignored .axe/; without npm the tests say what is missing (and fail on CI).
AXE_VERSION := 4.14.1
AXE := .axe/node_modules/axe-core/axe.min.js

$(BIN)/kennisbank: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

$(AXE): Makefile
	@if command -v npm >/dev/null; then \
		npm install --prefix .axe --no-save --no-package-lock --no-audit --no-fund --loglevel=error axe-core@$(AXE_VERSION) && touch $@; \
	else echo "npm ontbreekt: de toegankelijkheidstests (axe-core) worden overgeslagen; installeer het met: apt-get install npm"; fi

install: $(BIN)/kennisbank $(AXE) ## Create .venv and install the project with its test tools (and axe-core)

$(OUT)/kennisbank.db: $(BIN)/kennisbank pipeline/data/voorbeeld-kennisbank.xlsx $(wildcard schemas/*.yml templates/reports/*) $(shell find pipeline -name "*.py")
	$(BIN)/kennisbank build --out $(OUT)

build: $(OUT)/kennisbank.db ## Build the catalogue from the embedded sample into output/

check: install ## Validate the embedded sample and print the findings
	$(BIN)/kennisbank check

run: build ## Install, build the sample and serve it on http://127.0.0.1:8001/
	$(BIN)/kennisbank serve --db $(OUT)/kennisbank.db --port $(PORT)

serve: ## Serve the existing catalogue
	$(BIN)/kennisbank serve --db $(OUT)/kennisbank.db --port $(PORT)

test: install ## Install the test dependencies, lint (ruff) and run the whole suite
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

fuzz: install ## Long robustness run (~45 min): many more fuzzed sheets, damaged files and kills
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q tests/test_fuzz.py tests/test_crash.py

sample: install ## Regenerate the embedded sample workbook (fictional data)
	$(BIN)/python -m tools.sample.workbook pipeline/data/voorbeeld-kennisbank.xlsx

docs: install ## Regenerate the field, vocabulary and findings lists, the selection options of the requirements and the terms' settings in docs/ from schemas/
	$(BIN)/python -m pipeline.contract.guide
	$(BIN)/python -m pipeline.catalogue.terms
	$(BIN)/python -m bench.shape --docs

bench: install ## Benchmarks at 1.000-100.000 actions (BENCH_FULL=1: also 1.000.000); not in make test
	BENCH_FULL=$(BENCH_FULL) $(BIN)/python -m bench.run

bench-readme: install ## Regenerate the figures of README.md "Prestaties" from output/bench/latest.json
	$(BIN)/python -m bench.readme output/bench/latest.json

clean: ## Remove generated output (keeps .venv)
	rm -rf $(OUT)/*.db $(OUT)/raw $(OUT)/rapporten
