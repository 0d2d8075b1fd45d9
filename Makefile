# The commands the README names. Every target sets up .venv first if it is missing or stale.
#   make book     build the HTML book and print where to open it
#   make test     lint, unit tests, strict nbval, strict build, browser test (stops at the first failure)
#   make refresh  re-execute notebooks in place after changing lossbook (NB=path/to.ipynb for one)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NOTEBOOKS := $(shell find book -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' | sort)
NB ?= $(NOTEBOOKS)
BUILD_FLAGS := -W -n --keep-going

export KERAS_BACKEND := torch
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: setup book test lint unit notebooks build browser refresh clean

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

book: setup build
	@echo
	@echo "The book is built. Open it in a browser:"
	@echo "  file://$(CURDIR)/_build/html/index.html"

test: setup
	@start=$$(date +%s); \
	for step in lint unit notebooks build browser; do \
	  t0=$$(date +%s); \
	  $(MAKE) --no-print-directory $$step || exit 1; \
	  echo "== $$step: $$(( $$(date +%s) - t0 )) s"; \
	done; \
	echo "== make test: all steps passed in $$(( $$(date +%s) - start )) s"

lint:
	$(BIN)/ruff check .

unit:
	$(BIN)/python -m pytest tests -m "not browser" -q -p no:cacheprovider

notebooks:
	$(BIN)/python -m pytest --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
	  -q -p no:cacheprovider $(NOTEBOOKS)

build:
	rm -rf _build/html _build/.doctrees
	$(BIN)/jupyter-book build . $(BUILD_FLAGS)

browser:
	$(BIN)/python -m pytest tests/browser -m browser -q -p no:cacheprovider

refresh: setup
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	  --ExecutePreprocessor.timeout=600 --ExecutePreprocessor.record_timing=False \
	  --NotebookExporter.preprocessors='["nbconvert.preprocessors.CoalesceStreamsPreprocessor"]' \
	  --CoalesceStreamsPreprocessor.enabled=True $(NB)

clean:
	rm -rf _build
