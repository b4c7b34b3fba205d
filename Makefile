# Casework. `make run` starts the whole system embedded; `make test` runs every test.
# Both create the virtual environment and install everything on first use.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SERVICES := intake sustainment lettings notifications
PACKAGES := -e shared -e shared/dev $(foreach s,$(SERVICES),-e services/$(s))
# Added to every service's port (8001…8004) by `make run` and looked for by `make demo`.
PORT_OFFSET ?= 0

.PHONY: install run up demo test test-e2e test-failover test-cluster lint asyncapi definitions clean bench bench-council bench-scale-seed bench-scale

$(STAMP): shared/pyproject.toml shared/dev/pyproject.toml $(foreach s,$(SERVICES),services/$(s)/pyproject.toml) requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(PACKAGES) -r requirements-dev.txt
	@touch $(STAMP)

install: $(STAMP)

## The whole system in one process: SQLite files under ./data and an in-process broker.
## `make run PORT_OFFSET=1000` serves it on 9001…9004 instead.
run: install
	$(BIN)/casework run --data-dir data --port-offset $(PORT_OFFSET)

## The whole system for real: each api under gunicorn and each worker as its own process, on the
## PostgreSQL and RabbitMQ named by CASEWORK_POSTGRES_URL and CASEWORK_BROKER_URL (default: local).
up: install
	$(BIN)/casework up

## A short scenario against a running system (`make run` or `make up` in another terminal); give it
## the same PORT_OFFSET as `make run`, or each service's CASEWORK_<SERVICE>_URL.
demo: install
	$(BIN)/python scripts/demo.py --port-offset $(PORT_OFFSET)

## Every test, against the PostgreSQL and RabbitMQ named by CASEWORK_TEST_*_URL (default: local): the
## suite in two pytest-xdist workers (a test file stays on one worker, so its module's servers start
## once), then the tests that start a broker cluster and a database pair of their own, one at a time.
test: install
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "not cluster and not failover" --durations=25
	$(BIN)/python -m pytest -m "cluster or failover" tests/reliability

## Every benchmark beside its baseline (about 12 minutes): results in bench/results/, summary in bench/README.md.
bench: install
	$(BIN)/python bench/run.py

## The managers' pages over a year of a large council's data, beside their JSON (5–8 minutes).
bench-council: install
	$(BIN)/python bench/council.py
	$(BIN)/python bench/summarise.py

## The whole system on a three-node RabbitMQ cluster of its own losing nodes under load (about 3.5 minutes;
## needs rabbitmq-server installed, never the machine's broker): bench/results/broker_cluster.json.
test-cluster: install
	$(BIN)/python -m pytest -m cluster tests/reliability -q -s

## Five years of a large council (bench/at_scale.py): seed it once on both backends (minutes on a
## quiet machine; kept between runs), then every list, report and page measured over it beside its SQL.
bench-scale-seed: install
	$(BIN)/python bench/at_scale.py seed --backend both

bench-scale: install
	$(BIN)/python bench/at_scale.py measure --backend both
	$(BIN)/python bench/summarise.py

## The journeys end to end, every process real.
test-e2e: install
	$(BIN)/python -m pytest tests/e2e

## The database failing over under load: a PostgreSQL primary and standby of its own (about 1.5 minutes).
test-failover: install
	$(BIN)/python -m pytest -m failover tests/reliability

lint: install
	$(BIN)/ruff check shared services tests bench scripts

asyncapi: install
	$(BIN)/casework asyncapi

## deploy/rabbitmq/definitions.json from the services' handlers (after adding a consumer).
definitions: install
	$(BIN)/casework definitions

clean:
	rm -rf $(VENV) data .pytest_cache
