# `make parity` and `make test` bootstrap their own environment (.venv) from constraints.txt.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: parity parity-all reference html docs test env browser upgrade-report mutants bench clean

env: $(STAMP)

$(STAMP): constraints.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[test,mutation]"
	$(PY) -c "import torch, tensorflow, keras, jax, scipy, pandas, rich, matplotlib, pytest, selenium, cosmic_ray"
	touch $@

# The gate: every concept, aligned float64 and defaults float32 (of update rules and schedules: aligned float64,
# first set, first regime; parity_tests.suite.in_gate), with Keras on TensorFlow, JAX and torch (one process each).
# Writes reports/divergence.csv (untracked), exits non-zero on a FAIL/ERROR row that is not a listed Keras
# inconsistency (column finding).
parity: $(STAMP)
	$(VENV)/bin/parity run --fast --keras-backends

# The complete matrix, every backend (`make test` checks all of it too).
parity-all: $(STAMP)
	$(VENV)/bin/parity run --keras-backends

# The committed reference report (reports/reference/): the complete matrix with Keras on every backend (issue 14),
# refreshed on purpose only; then the README's generated tables (the cross-backend claim is read from it).
reference: $(STAMP)
	$(VENV)/bin/parity run --keras-backends --out reports/reference || test -s reports/reference/divergence.csv  # FAIL rows are reported, a crash is not
	$(VENV)/bin/parity docs

# The static site (reports/site/index.html) from the latest report, and the README's generated tables.
html: $(STAMP)
	$(VENV)/bin/parity html
docs: $(STAMP)
	$(VENV)/bin/parity docs

# A Keras upgrade, measured: the complete matrix under an older Keras (its own venv, everything else pinned as
# in constraints.txt) against the reference report, summarised by `parity diff` in reports/upgrades/.
KERAS_OLD ?= 3.12.0
OLD_VENV := .venv-keras-$(KERAS_OLD)
upgrade-report: $(STAMP)
	test -x $(OLD_VENV)/bin/python || $(PYTHON) -m venv $(OLD_VENV)
	sed 's/^keras==.*/keras==$(KERAS_OLD)/' constraints.txt > $(OLD_VENV)/constraints.txt
	$(OLD_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -c $(OLD_VENV)/constraints.txt -e .
	$(OLD_VENV)/bin/parity run --out reports/upgrades/keras-$(KERAS_OLD) || true
	$(VENV)/bin/parity diff reports/upgrades/keras-$(KERAS_OLD) reports/reference \
	  --markdown reports/upgrades/keras-$(KERAS_OLD)-to-current.md --csv reports/upgrades/keras-$(KERAS_OLD)-to-current.csv || true

# Debian's chromium and its driver, for the headless check of `parity html` (installed as root when missing).
browser:
	command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver)

# Everything: parity cases plus unit tests of the harness and the views (writes reports/, untracked).
test: $(STAMP) browser
	$(PY) -m pytest

# Mutation testing (issue 12; not part of `make test`): cosmic-ray mutates reference_numpy/ in a copy of the tree
# (/tmp/dl-parity-mutants/tree) and runs the gate on each mutant of a seeded sample (mutation/cosmic-ray.toml,
# mutation/run.py; ~15 s a mutant). Survivors with file:line go to reports/mutation/survivors.txt (untracked);
# equivalent mutants are recorded in mutation/equivalent.toml. Options: N=40 (sample size), MUTANTS=all (every
# mutant, ~16k: days), SEED=20261205, PYTEST=1 (re-run the gate's survivors against the unit tests, ~3 min each),
# FAIL_UNDER=95 (exit 1 below that gate score), HEAD=1 (mutate the committed tree, not the working tree).
N ?= 40
SEED ?= 20261205
mutants: $(STAMP)
	$(PY) mutation/run.py --n $(if $(filter all,$(MUTANTS)),all,$(N)) --seed $(SEED) $(if $(PYTEST),--pytest) $(if $(HEAD),--head) \
	  $(if $(FAIL_UNDER),--fail-under $(FAIL_UNDER))

# Timing (issue 15): NumPy, torch and Keras (eager and tf.function) per family, as ratios to torch and to the
# machine's limits (copy bandwidth, GEMM FLOP/s) measured in the same interleaved rounds (docs/bench.md). Writes
# reports/bench.csv and reports/bench_metadata.json (untracked); a few minutes (`make test` runs --quick once).
# Options: QUICK=1 (under a minute), BENCH_ARGS="--family models --threads 2 --repeats 21 --out DIR".
bench: $(STAMP)
	$(VENV)/bin/parity bench $(if $(QUICK),--quick) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) *.egg-info
