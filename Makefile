# Ennakko — every target installs what it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
STAMP := $(VENV)/.installed
# the bench extra (WeasyPrint, bench_annex's second reference) on top: only `make bench` needs it
BENCH_STAMP := $(VENV)/.installed-bench
# axe-core for the browser tests' WCAG checks, from the npm registry (never served)
AXE := frontend/node_modules/axe-core/axe.min.js

.PHONY: install run test test-pg test-browser fuzz check lint format typecheck imports migrate migration openapi bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,bench]'
	touch $(BENCH_STAMP)

run: $(STAMP)
	mkdir -p var
	$(BIN)/ennakko migrate
	$(BIN)/ennakko demo-data
	@echo "Ennakko on http://$(HOST):$(PORT)  (API docs: http://$(HOST):$(PORT)/docs)"
	ENNAKKO_WEBHOOK_ALLOW_PRIVATE_TARGETS=$${ENNAKKO_WEBHOOK_ALLOW_PRIVATE_TARGETS:-true} \
		$(BIN)/ennakko run-all --host $(HOST) --port $(PORT)

# pytest exits 5 when it collected no test: say so, and fail.
NO_TESTS = if [ $$status -eq 5 ]; then echo "error: 'make $@' collected no tests" >&2; fi; exit $$status

test: $(STAMP)
	$(BIN)/python -m pytest -m "not browser and not fuzz" -q

# Deep schemathesis exploration (every operation × anonymous, person, API client, then
# stateful sequences). FUZZ_EXAMPLES per operation and caller bounds the time (200: ~10 min);
# FUZZ_SEED replays a run (a random one is drawn and printed otherwise); FUZZ_ARGS narrows it.
# The API client's rate limit is lifted, or it would answer 429 to most of the client's cases.
FUZZ_EXAMPLES ?= 200
fuzz: $(STAMP)
	@seed=$${FUZZ_SEED:-$$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}; \
	echo "make fuzz: seed $$seed, $(FUZZ_EXAMPLES) examples per operation and caller"; \
	status=0; ENNAKKO_HYPOTHESIS_PROFILE=fuzz ENNAKKO_FUZZ_SEED=$$seed \
		ENNAKKO_CLIENT_RATE_PER_MINUTE=$${ENNAKKO_CLIENT_RATE_PER_MINUTE:-10000000} \
		ENNAKKO_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -m fuzz -q \
		--hypothesis-seed=$$seed $(FUZZ_ARGS) || status=$$?; \
	$(NO_TESTS)

$(AXE): frontend/package.json frontend/package-lock.json
	npm ci --prefix frontend --no-audit --no-fund --loglevel=error
	touch $(AXE)

test-browser: $(STAMP) $(AXE)
	$(BIN)/python -m pytest -m browser -q

check: $(STAMP) lint typecheck imports
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

imports: $(STAMP)
	$(BIN)/lint-imports

migrate: $(STAMP)
	$(BIN)/ennakko migrate

migration: $(STAMP)
	$(BIN)/alembic revision --autogenerate -m "$(m)"

openapi: $(STAMP)
	$(BIN)/python -m app.devtools write-openapi

# One run: the read and write scenarios on PostgreSQL (1 and 2 workers; `*-postgresql.json`),
# then every scenario on SQLite (its summary.json written last). A missed budget is reported,
# not a failure (exit 1 of a scenario); a crash fails. The bench extra (WeasyPrint) is
# installed first, so the annex scenario reports its WeasyPrint ratio.
BENCH_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
bench: $(BENCH_STAMP)
	$(BIN)/python -m benchmarks.run_all --database-url $(BENCH_POSTGRES_URL) --only matrix_read,cell_writes
	$(BIN)/python -m benchmarks.bench_cell_writes --workers 2 --database-url $(BENCH_POSTGRES_URL) || [ $$? -eq 1 ]
	$(BIN)/python -m benchmarks.run_all

clean:
	rm -rf $(VENV) var/ennakko.db* .mypy_cache .ruff_cache
