# Two commands do all the set-up: `make report` and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
PY     := $(VENV)/bin/python
CORPUS ?= corpus
ACTORS ?= $(CORPUS)/actors.yml
OUT    ?= reports
EXTRAS ?= dev,dask

.PHONY: all venv report test lab bench check clean

all: test

# The venv is rebuilt when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[$(EXTRAS)]"
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

venv: $(VENV)/.installed

report: venv
	$(PY) -m toolkit report --corpus $(CORPUS) --out $(OUT)

test: venv
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

check: venv
	$(PY) -m toolkit check $(CORPUS)

lab: venv
	$(VENV)/bin/jupyter lab notebooks

bench: venv
	$(PY) bench/run.py --corpus $(CORPUS)

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
