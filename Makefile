# Praxis: the two commands are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PRAXIS := $(BIN)/praxis
SIZE ?= small

.PHONY: demo test test-sqlite test-postgres lint bench install install-dev lock audit-deps system-deps \
	clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Dependencies come from the lock files (exact versions and hashes, what CI tested), then Praxis
# itself without resolving anything. Each lock file ends with a fingerprint of pyproject.toml's
# dependency lists: a dependency changed without `make lock` stops the install with that advice.
# Re-install only when a list changes.
DEPS_FINGERPRINT = $(shell $(PYTHON) -c 'import hashlib, json, tomllib; \
	p = tomllib.load(open("pyproject.toml", "rb"))["project"]; \
	d = [p["dependencies"], p.get("optional-dependencies", {})]; \
	print(hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()[:16])')
FINGERPRINT_LINE = \# pyproject.toml dependencies fingerprint: $(DEPS_FINGERPRINT)
define install_locked
	@grep -qx "$(FINGERPRINT_LINE)" $(1) || { echo "$(1) was made for other dependencies than \
	pyproject.toml lists: run make lock" >&2; exit 1; }
	$(BIN)/pip install --quiet --require-hashes -r $(1)
	$(BIN)/pip install --quiet --no-deps -e .
endef

$(VENV)/.installed: requirements/lock.txt pyproject.toml | $(BIN)/python
	$(call install_locked,requirements/lock.txt)
	touch $@

$(VENV)/.installed-dev: requirements/dev-lock.txt pyproject.toml | $(BIN)/python
	$(call install_locked,requirements/dev-lock.txt)
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make lock [UPGRADE=1]: re-pin requirements/ from pyproject.toml (keeps current pins unless
## UPGRADE=1). Resolves against the package indexes pip is configured with; the dev lock comes
## first, and the runtime lock is held to its versions so the two never disagree.
LOCK_FLAGS = --quiet --strip-extras --generate-hashes --allow-unsafe --no-emit-index-url \
	--no-emit-find-links $(if $(UPGRADE),--upgrade)
lock: | $(BIN)/python
	@test -x $(BIN)/pip-compile || $(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile $(LOCK_FLAGS) --extra dev -o requirements/dev-lock.txt pyproject.toml
	$(BIN)/pip-compile $(LOCK_FLAGS) -c requirements/dev-lock.txt -o requirements/lock.txt \
		pyproject.toml
	echo "$(FINGERPRINT_LINE)" >> requirements/dev-lock.txt
	echo "$(FINGERPRINT_LINE)" >> requirements/lock.txt

## make audit-deps: known vulnerabilities in the locked set (pip-audit); fails only on a finding,
## and says so plainly when no vulnerability database could be reached.
audit-deps: $(VENV)/.installed-dev
	$(BIN)/python scripts/audit-deps requirements/dev-lock.txt

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
