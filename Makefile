# semrec: two set-up commands (`make demo`, `make test`); the rest are for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOME_DIR := demo-home
SAMPLE := $(HOME_DIR)/sample

.PHONY: demo test lint typecheck layers unit bench clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "semrec needs Python >= 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

demo: $(VENV)/.installed
	rm -rf $(HOME_DIR)
	$(BIN)/semrec sample --out $(SAMPLE) --seed 42
	$(BIN)/semrec import items $(SAMPLE)/items.jsonl --home $(HOME_DIR)
	$(BIN)/semrec import events $(SAMPLE)/events.jsonl --home $(HOME_DIR)
	$(BIN)/semrec train --home $(HOME_DIR)
	$(BIN)/python -m semrec.cli.demo --home $(HOME_DIR)
	@echo
	@echo "== the HTTP API on 127.0.0.1:8000 (Ctrl-C stops it); from another terminal: =="
	@KEY=$$($(BIN)/semrec keys create --scope admin --name demo --home $(HOME_DIR) 2>/dev/null) \
	  && echo "  export KEY=$$KEY" \
	  && exec $(BIN)/semrec serve --home $(HOME_DIR) --host 127.0.0.1 --port 8000

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy

layers: $(VENV)/.dev-installed
	$(BIN)/lint-imports

unit: $(VENV)/.dev-installed
	$(BIN)/pytest -n 2 -q

test: lint typecheck layers unit

bench: $(VENV)/.dev-installed
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/evaluate.py

clean:
	rm -rf $(VENV) $(HOME_DIR) .mypy_cache .ruff_cache .pytest_cache
