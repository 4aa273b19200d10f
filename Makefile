# Two commands do all the set-up: `make report` and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
PY     := $(VENV)/bin/python
CORPUS ?= corpus
OUT    ?= reports
# extra options for `make report`, e.g. REPORT_ARGS="--tables --no-input --param period=W"
REPORT_ARGS ?=

.PHONY: all venv venv-model report test lab bench check clean

all: test

# The venv is (re)built when pyproject.toml changes. `report` and `lab` need the light install;
# `test` adds the optional model extra (torch, ~1 GB) so that the model scorer's tests run too.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev,dask]"
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

$(VENV)/.installed-model: $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[dev,dask,model]"
	touch $@

venv: $(VENV)/.installed

# Byte-compile the package before running it: an editable install does not, and where
# PYTHONDONTWRITEBYTECODE is set (as on these machines) every process, kernel and test would
# compile toolkit's modules again (0.08 s each).
COMPILE := $(PY) -m compileall -q toolkit

venv-model: $(VENV)/.installed-model

report: venv
	$(COMPILE)
	$(PY) -m toolkit report --corpus $(CORPUS) --out $(OUT) $(REPORT_ARGS)

test: venv-model
	$(COMPILE)
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

check: venv
	$(PY) -m toolkit check $(CORPUS)

lab: venv
	$(COMPILE)
	$(VENV)/bin/jupyter lab notebooks

bench: venv
	$(COMPILE)
	$(PY) bench/run.py --corpus $(CORPUS)

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
