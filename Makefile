# `make parity` and `make test` bootstrap their own environment (.venv) from constraints.txt.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: parity parity-all test env clean

env: $(STAMP)

$(STAMP): constraints.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e .
	$(PY) -c "import torch, tensorflow, keras, scipy, pandas, pytest"
	touch $@

# The gate (target: <= 3x a bare framework import): every concept, aligned float64 and defaults float32 (of
# update rules and schedules: aligned float64, first set, first regime; parity_tests.suite.in_gate).
# Writes reports/divergence.csv, exits non-zero on FAIL/ERROR.
parity: $(STAMP)
	$(PY) -m parity_tests --fast

# The complete matrix (`make test` checks all of it too).
parity-all: $(STAMP)
	$(PY) -m parity_tests

# Everything: parity cases plus unit tests of the harness (also rewrites the report).
test: $(STAMP)
	$(PY) -m pytest

clean:
	rm -rf $(VENV) *.egg-info
