# Set up, run and test. `make run` and `make test` are the README's two commands.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit eval clean fuzz bench

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/sprawozdania extract corpus/*.txt

lint: $(STAMP)
	$(BIN)/ruff check extractor models tests corpus/tools

typecheck: $(STAMP)
	$(BIN)/mypy models extractor

unit: $(STAMP)
	$(BIN)/pytest

eval: $(STAMP)
	$(BIN)/sprawozdania eval corpus

test: lint typecheck unit

# Fuzzing, outside `make test`: the readers on mutated documents, then extract_text on
# mutated report text, FUZZ_RUNS inputs each (see tests/fuzz/run.py). FUZZ_ENGINE=atheris
# makes it coverage-guided where atheris installs (Linux).
FUZZ_RUNS ?= 100000
FUZZ_SEED ?= 1
FUZZ_ENGINE ?= builtin
fuzz: $(STAMP)
	@if [ "$(FUZZ_ENGINE)" = atheris ]; then $(BIN)/pip install -q atheris; fi
	$(BIN)/python tests/fuzz/run.py read --runs $(FUZZ_RUNS) --seed $(FUZZ_SEED) --engine $(FUZZ_ENGINE)
	$(BIN)/python tests/fuzz/run.py extract --runs $(FUZZ_RUNS) --seed $(FUZZ_SEED) --engine $(FUZZ_ENGINE)

# Benchmarks on this machine (tools/bench.py): extraction against spaCy's tokenisation, start-up,
# a batch of BENCH_REPORTS generated reports with 1 and 2 workers and the memory of every process
BENCH_REPORTS ?= 10000
bench: $(STAMP)
	$(BIN)/python tools/bench.py --reports $(BENCH_REPORTS)

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
