# Set up, run and test. `make run` and `make test` are the README's two commands.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit eval clean

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

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
