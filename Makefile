# Two commands for a fresh machine: `make run` and `make test` (and `make dev` while developing).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Stands for "the virtualenv holds what pyproject.toml asks for": reinstalled only when that file changes.
INSTALLED := $(VENV)/.installed

.PHONY: run dev test install lint

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip

$(INSTALLED): pyproject.toml | $(BIN)/python
	@echo "Installing the dependencies of pyproject.toml into $(VENV)…"
	@# PYTHONWARNINGS: setuptools' notice about editable installs, which says nothing about this project
	@PYTHONWARNINGS=ignore $(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $@
	@echo "Installed: $(VENV) has what pyproject.toml asks for (reinstalled when it changes)"

install: $(INSTALLED)

# The site as its users see it: debug off, gunicorn on 127.0.0.1:8000 (icpermed_kb/serve.py).
run: install
	@$(BIN)/python -m icpermed_kb.serve

# Django's autoreloading development server, debug on.
dev: install
	@$(BIN)/python -m icpermed_kb.serve --dev

test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
