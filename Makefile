# Every target creates the virtual environment and installs what it needs, so a fresh clone
# needs only `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint reliability bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m bot console --demo

lint: $(STAMP)
	$(BIN)/ruff check bot commands tests bench
	$(BIN)/ruff format --check bot commands tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -q

# The whole reliability suite (faults, rate limits, abuse, secrets, shutdown, endurance; README.md says
# how long it takes); it rewrites docs/reliability.md with the figures of this run. `-m ''` lifts the
# default `-m 'not reliability'`, so the fast part runs too.
reliability: $(STAMP)
	WALLET_RELIABILITY_REPORT=docs/reliability.md $(BIN)/pytest -q -m '' tests/reliability

# Figures, not tests: the real server and the sandbox as subprocesses, driven over HTTP; writes
# docs/performance.md and docs/performance.json (README.md says how long it takes). What was learned
# from the figures is written by hand in docs/findings.md, which this never rewrites.
bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
