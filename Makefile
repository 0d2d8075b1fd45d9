# The commands the README names. Every target sets up .venv first if it is missing or stale.
#   make book     build the HTML book and print where to open it
#   make test     lint, unit tests, strict nbval, strict build, browser test (stops at the first failure)
#   make refresh  re-execute notebooks in place after changing lossbook (NB=path/to.ipynb for one)
#   make bench    time lossbook's torch path against torch.nn.functional (a measurement, not a test)
# `make unit` and `make notebooks` run on JOBS pytest-xdist workers: `auto` (the default) is one per
# CPU core, JOBS=N is N workers, JOBS=0 runs them in one process without xdist.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NOTEBOOKS := $(shell find book -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' | sort)
NB ?= $(NOTEBOOKS)
BUILD_FLAGS := -W -n --keep-going
JOBS ?= auto

export KERAS_BACKEND := torch
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# Let Python cache compiled bytecode (some machines, CI among them, turn it off): each pytest process
# and kernel would otherwise recompile lossbook, the tests and their libraries, about 2 s each.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: setup book test lint unit notebooks build browser refresh bench clean

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps torchvision==0.28.0
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

# --dist loadfile: a test file's tests run in one worker, which warms up torch and Keras for them once.
# -p no:PLUGIN: a plugin the step does not use, not loaded (1-2 s of start-up in every pytest process).
unit:
	$(BIN)/python -m pytest tests -m "not browser" -q -p no:cacheprovider -p no:nbval \
	  -n $(JOBS) --dist loadfile

# Strict nbval (every output compared; no lax mode). --dist loadfile sends all the cells of a
# notebook to one worker, in order; nbval starts a fresh kernel for each notebook file and stops it
# after the notebook's last cell. OMP_NUM_THREADS=1: two kernels at once, each with a thread per core,
# made torch's small training loops spin against each other (the margin chapter's 40 s became 3 s).
notebooks:
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
	  -q -p no:cacheprovider -p no:hypothesispytest -n $(JOBS) --dist loadfile $(NOTEBOOKS)

build:
	rm -rf _build/html _build/.doctrees
	$(BIN)/jupyter-book build . $(BUILD_FLAGS)

# --confcutdir: the browser test needs none of tests/conftest.py (torch, Keras, Hypothesis set-up).
browser:
	$(BIN)/python -m pytest tests/browser -m browser -q -p no:cacheprovider -p no:nbval \
	  -p no:hypothesispytest --confcutdir tests/browser

refresh: setup
	OMP_NUM_THREADS=1 $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	  --ExecutePreprocessor.timeout=600 --ExecutePreprocessor.record_timing=False \
	  --NotebookExporter.preprocessors='["nbconvert.preprocessors.CoalesceStreamsPreprocessor"]' \
	  --CoalesceStreamsPreprocessor.enabled=True $(NB)

# A measurement, not a test: lossbook's torch path against torch.nn.functional (forward + backward).
bench: setup
	$(BIN)/python tests/bench_torch_path.py

clean:
	rm -rf _build
