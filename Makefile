# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
# Each creates or refreshes the virtual environment, installs the package with its test extras, and
# makes sure a Chromium exists. Re-running them is cheap: the install is skipped while pyproject.toml
# is unchanged.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup demo test prove bench bench-explore bench-batch docs clean

setup: $(STAMP)
	@bash scripts/ensure-chromium.sh $(PY)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

demo: setup
	$(VENV)/bin/consent-audit audit fixtures/meta-2024/flow.yaml --out reports/meta-2024

# `make test TEST_WORKERS=3` runs the suite in three pytest-xdist processes, each test module whole in one
# of them (its shared browser and audits stay together): on two cores about 13.5 minutes instead of 18-21.
# Serial is the default: under three workers' load (load average 10-17) a few browser tests with wall-time
# bounds (hostile pages that hang or busy-loop) still fail now and then.
TEST_WORKERS ?= 0

test: setup
	$(PY) -m pytest $(if $(filter-out 0,$(TEST_WORKERS)),-n $(TEST_WORKERS) --dist loadscope)

bench: setup
	$(PY) benchmarks/overhead.py

bench-explore: setup
	$(PY) benchmarks/explore.py

# 200 generated sites at concurrency 1, 2, 4 and 8 against a pool of bare Playwright runs (tens of minutes);
# `$(PY) benchmarks/batch.py --quick` is the one-minute smoke run.
bench-batch: setup
	$(PY) benchmarks/batch.py

# The slow proofs over every fixture (tens of minutes): every minimal click count in
# fixtures/explore/expected.yaml by exhaustive search, and the plug-in's parity with `audit` on every flow.
prove: setup
	$(PY) -m pytest -m exhaustive

docs: setup
	$(PY) -m auditor.docs

clean:
	rm -rf $(VENV) reports/*/
