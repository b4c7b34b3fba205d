# Casework. `make run` starts the whole system embedded; `make test` runs every test.
# Both create the virtual environment and install everything on first use.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SERVICES := intake sustainment lettings notifications
PACKAGES := -e shared $(foreach s,$(SERVICES),-e services/$(s))

.PHONY: install run test test-fast lint asyncapi clean

$(STAMP): shared/pyproject.toml $(foreach s,$(SERVICES),services/$(s)/pyproject.toml) requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(PACKAGES) -r requirements-dev.txt
	@touch $(STAMP)

install: $(STAMP)

## The whole system in one process: SQLite files under ./data and an in-process broker.
run: install
	$(BIN)/casework run --data-dir data

## Every test, against the PostgreSQL and RabbitMQ named by CASEWORK_TEST_*_URL (default: local).
test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check shared services tests bench

asyncapi: install
	$(BIN)/casework asyncapi

clean:
	rm -rf $(VENV) data .pytest_cache
