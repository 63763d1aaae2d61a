# Praxis: the two commands are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PRAXIS := $(BIN)/praxis
SIZE ?= small

.PHONY: demo test test-sqlite test-postgres lint bench install install-dev system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install only when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make demo [PORT=8123]: a demo practice on an embedded SQLite database at http://127.0.0.1:8000
# The printed sign-in link, invitation links and calendar-feed links follow the port.
PORT ?= 8000
PRAXIS_BASE_URL ?= http://127.0.0.1:$(PORT)
DEMO_ENV := PRAXIS_PROFILE=demo PRAXIS_BASE_URL=$(PRAXIS_BASE_URL)
demo: $(VENV)/.installed
	$(DEMO_ENV) $(PRAXIS) migrate --no-input
	$(DEMO_ENV) $(PRAXIS) seed-demo
	$(DEMO_ENV) $(PRAXIS) runserver 127.0.0.1:$(PORT)

## make test: the whole suite on SQLite, then again on PostgreSQL when PRAXIS_TEST_POSTGRES_URL is set
test: $(VENV)/.installed-dev system-deps
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$PRAXIS_TEST_POSTGRES_URL" ]; then \
		$(MAKE) --no-print-directory test-postgres; \
	else \
		echo "PRAXIS_TEST_POSTGRES_URL is not set: PostgreSQL leg skipped"; \
	fi

test-sqlite:
	@mkdir -p var/test-reports
	PRAXIS_TEST_DATABASE_URL= $(BIN)/pytest --junitxml=var/test-reports/sqlite.xml $(PYTEST_ARGS)

# Every test that touches the database runs again on PostgreSQL; the browser leg ran already.
test-postgres:
	@mkdir -p var/test-reports
	PRAXIS_TEST_DATABASE_URL="$$PRAXIS_TEST_POSTGRES_URL" $(BIN)/pytest -m "not e2e" \
		--junitxml=var/test-reports/postgresql.xml $(PYTEST_ARGS)

system-deps:
	@scripts/ensure-system-deps

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src

## make bench [SIZE=full]: benchmarks, one JSON line each
bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench --size $(SIZE)

clean:
	rm -rf $(VENV) var/test-reports
