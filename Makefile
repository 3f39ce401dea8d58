# Ennakko — every target installs what it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
STAMP := $(VENV)/.installed

.PHONY: install run test test-pg test-browser check lint format typecheck migrate migration openapi bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	mkdir -p var
	$(BIN)/ennakko migrate
	$(BIN)/ennakko demo-data
	@echo "Ennakko on http://$(HOST):$(PORT)  (API docs: http://$(HOST):$(PORT)/docs)"
	ENNAKKO_WEBHOOK_ALLOW_PRIVATE_TARGETS=$${ENNAKKO_WEBHOOK_ALLOW_PRIVATE_TARGETS:-true} \
		$(BIN)/ennakko run-all --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest -m "not browser" -q

test-browser: $(STAMP)
	$(BIN)/python -m pytest -m browser -q

check: $(STAMP) lint typecheck
	$(BIN)/python -m app.devtools check-openapi
	$(BIN)/python -m app.devtools check-migrations
	$(BIN)/python -m app.devtools check-translations
	$(BIN)/ennakko templates validate assessment_templates

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(STAMP)
	$(BIN)/mypy app

migrate: $(STAMP)
	$(BIN)/ennakko migrate

migration: $(STAMP)
	$(BIN)/alembic revision --autogenerate -m "$(m)"

openapi: $(STAMP)
	$(BIN)/python -m app.devtools write-openapi

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run_all

clean:
	rm -rf $(VENV) var/ennakko.db* .mypy_cache .ruff_cache
