# Every target creates the virtual environment and installs what it needs, so a fresh clone
# needs only `make demo` and `make test` (and python3 and make).
#
# uv installs the project from the committed uv.lock, the lock Heroku and Render build from too.
# uv itself comes from PyPI into its own small venv (.uv/); nothing is downloaded from elsewhere:
# uv uses $(PYTHON), never a Python of its own. Edit dependencies in pyproject.toml, then `make lock`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The uv of Heroku's Python buildpack (fly.toml's Dockerfile and render.yaml pin the same one).
UV_VERSION := 0.12.5
UV_HOME := .uv
UV := $(UV_HOME)/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy

.PHONY: demo demo-bulk test lint lock reliability bench clean

$(UV):
	$(PYTHON) -m venv $(UV_HOME)
	$(UV_HOME)/bin/pip install --quiet 'uv==$(UV_VERSION)'

# --locked: a pyproject.toml whose uv.lock is out of date stops here (run `make lock`).
$(STAMP): pyproject.toml uv.lock .python-version | $(UV)
	$(UV) sync --locked --extra dev --python $(PYTHON)
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m bot console --demo

# The second demo: a bulk save of a backlog from a CSV file, with its progress message and report.
demo-bulk: $(STAMP)
	$(BIN)/python -m bot console --demo-bulk

lint: $(STAMP)
	$(BIN)/ruff check bot commands tests bench
	$(BIN)/ruff format --check bot commands tests bench
	$(BIN)/mypy

test: lint
	UV=$(abspath $(UV)) $(BIN)/pytest -q

lock: | $(UV)
	$(UV) lock --python $(PYTHON)

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
	rm -rf $(VENV) $(UV_HOME) .mypy_cache .ruff_cache .pytest_cache
