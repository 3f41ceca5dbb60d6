# Set up, run and test. `make run` and `make test` are the README's two commands.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit eval clean fuzz bench deps ocr-eval

# Debian packages the program needs: OCR of scans (Tesseract 5 and its Polish model) and the
# font the scan generator of the tests renders with. Add a package here to have `make deps`
# install it.
DEB_PACKAGES := tesseract-ocr tesseract-ocr-pol fonts-dejavu-core

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

# Installs the missing DEB_PACKAGES (apt-get update first) when run as root; otherwise it
# only names them: scans then fail with one line naming the package, and the OCR tests are
# skipped with that reason (under CI=true they fail).
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	else \
	  echo "note: missing Debian packages:$$missing (run 'make deps' as root; reading scans needs them)"; \
	fi

DEPS := $(if $(filter 0,$(shell id -u)),deps)

run: $(DEPS) $(STAMP)
	$(BIN)/sprawozdania extract corpus/*.txt

lint: $(STAMP)
	$(BIN)/ruff check extractor models tests corpus/tools

typecheck: $(STAMP)
	$(BIN)/mypy models extractor

unit: $(DEPS) $(STAMP)
	$(BIN)/pytest

eval: $(STAMP)
	$(BIN)/sprawozdania eval corpus

test: $(DEPS) lint typecheck unit

# Facts F1 of corpus reports rendered as scans (corpus/tools/render_scans.py), per degradation;
# OCR_EVAL_ARGS for more (--reports 0: all 48 reports; --errors).
OCR_EVAL_ARGS ?=
ocr-eval: $(DEPS) $(STAMP)
	$(BIN)/python corpus/tools/ocr_eval.py $(OCR_EVAL_ARGS)

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
