# wirewatch: `make run` sets everything up and runs the sample wire; `make test` runs the suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
WW     := $(BIN)/wirewatch
STAMP  := $(VENV)/.installed-stamp
SAMPLE ?= samples/wire

.PHONY: help setup browser stack stack-down stack-status db run lint test test-unit test-integration test-e2e bench clean

help:
	@echo "make run     - install, start Kafka + PostgreSQL, publish and process the sample wire, print alerts"
	@echo "make test    - install, start the stack, run unit + integration + e2e tests"
	@echo "make lint    - ruff, and mypy on producers/ consumers/ schemas/; make test runs it first"
	@echo "make bench   - run the benchmark (writes bench/results.json)"
	@echo "make stack-down / stack-status - stop or inspect the local stack"

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11+" >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "error: wirewatch needs Python 3.11+ ($(PYTHON) is older)" >&2; exit 1; }
	@echo "==> installing wirewatch into $(VENV) (pinned by constraints.txt)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[test]'
	@touch $@

setup: $(STAMP)

stack: setup
	$(WW) stack up

# The console's browser tests drive Debian's Chromium through Playwright; no browser is
# downloaded from anywhere else.
CHROMIUM ?= /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { echo "==> installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium; }
	@test -x $(CHROMIUM) || { echo "error: $(CHROMIUM) is missing: install Debian's chromium package" \
	  "(apt-get install chromium) or set CHROMIUM=/path/to/chromium" >&2; exit 1; }

stack-down: setup
	$(WW) stack down

stack-status: setup
	$(WW) stack status

db: stack
	$(WW) db upgrade

run: db
	@echo "==> publishing the sample wire ($(SAMPLE))"
	$(WW) produce $(SAMPLE)
	@echo "==> consuming until idle"
	$(WW) consume --until-idle 5
	@echo "==> alerts"
	$(WW) alerts

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy

# Fast feedback first: the linter, pure unit tests, then the real services, then the real daemon.
test: lint stack browser
	WIREWATCH_TEST_CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest tests/unit tests/integration tests/e2e

test-unit: setup
	$(BIN)/python -m pytest tests/unit

test-integration: stack
	$(BIN)/python -m pytest tests/integration

test-e2e: stack browser
	WIREWATCH_TEST_CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest tests/e2e

bench: stack
	$(WW) bench

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
