# OpenKAM: `make demo` runs the app with demo data; `make test` runs every check and test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_VERSION := $(shell cat .python-version)
PYENV_ROOT ?= $(HOME)/.pyenv
# Python from .python-version: pyenv's build if present, else pythonX.Y on the PATH.
BASE_PYTHON ?= $(firstword $(wildcard $(PYENV_ROOT)/versions/$(PYTHON_VERSION)/bin/python3) \
                 $(shell command -v python$(basename $(PYTHON_VERSION)) 2>/dev/null))
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export KAM_DATA_DIR ?= var
REPORTS := .ci-reports

.PHONY: help demo test lint typecheck migrations-check test-sqlite test-postgresql clean

help:
	@echo "make demo   - install, migrate, load the demo portfolio and serve on http://127.0.0.1:$(PORT)"
	@echo "make test   - lint, type check, migration check, tests on SQLite (and PostgreSQL if DATABASE_URL is set)"

$(BIN)/python:
	@test -n "$(BASE_PYTHON)" || { echo "Python $(PYTHON_VERSION) not found: install it with 'pyenv install $(PYTHON_VERSION)'." >&2; exit 1; }
	$(BASE_PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Stamps re-run the install when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[dev]"
	@touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/kam migrate --noinput
	$(BIN)/kam demo
	KAM_HTTPS=$${KAM_HTTPS:-false} $(BIN)/kam serve --port $(PORT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

migrations-check: $(VENV)/.installed-dev
	KAM_DATA_DIR=$(KAM_DATA_DIR)/check env -u DATABASE_URL $(BIN)/kam makemigrations --check --dry-run

test-sqlite: $(VENV)/.installed-dev
	@mkdir -p $(REPORTS)
	@echo "== Test suite on SQLite"
	env -u DATABASE_URL KAM_DATA_DIR=$(KAM_DATA_DIR)/test-sqlite \
		$(BIN)/pytest --junitxml=$(REPORTS)/sqlite.xml $(PYTEST_ARGS)

test-postgresql: $(VENV)/.installed-dev
	@mkdir -p $(REPORTS)
	@if [ -z "$$DATABASE_URL" ]; then \
		echo "== PostgreSQL run skipped: DATABASE_URL is not set"; \
	else \
		echo "== Test suite on PostgreSQL"; \
		KAM_DATA_DIR=$(KAM_DATA_DIR)/test-postgresql \
			$(BIN)/pytest --junitxml=$(REPORTS)/postgresql.xml $(PYTEST_ARGS); \
	fi

test: lint typecheck migrations-check test-sqlite test-postgresql

clean:
	rm -rf $(VENV) $(REPORTS) .mypy_cache .ruff_cache .pytest_cache
