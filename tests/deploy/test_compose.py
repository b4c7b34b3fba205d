"""docker-compose.yml: valid by the Compose Specification's JSON schema (vendored in tests/schemas,
so no network and no Docker engine are needed), and every service gets what it needs."""

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from casework.service import installed

ROOT = Path(__file__).resolve().parents[2]
SERVICES = installed()


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def settings_read() -> set[str]:
    """Every CASEWORK_* setting the kernel reads (per-service ones without their service part)."""
    source = "\n".join(p.read_text() for p in (ROOT / "shared/casework").rglob("*.py"))
    names = set(re.findall(r'"(CASEWORK_[A-Z_]+)"', source))
    names |= {f"CASEWORK_{name}" for name in re.findall(r'service_env\(service, "([A-Z_]+)"', source)}
    return names


def test_the_compose_file_is_valid_by_the_compose_specification(compose):
    schema = json.loads((ROOT / "tests/schemas/compose-spec.json").read_text())
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(compose), key=lambda e: list(e.path))
    assert [f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors] == []


def test_postgres_makes_one_database_per_service_and_rabbitmq_loads_the_topology(compose):
    init = (ROOT / "deploy/postgres/init.sql").read_text()
    assert {name for name in re.findall(r"CREATE DATABASE (\w+);", init)} == set(SERVICES)
    assert "./deploy/rabbitmq/rabbitmq.conf:/etc/rabbitmq/conf.d/20-casework.conf:ro" in \
        compose["services"]["rabbitmq"]["volumes"]
    # The topology is imported through the management API once the broker is healthy (a boot-time
    # import would skip creating the broker's user).
    definitions = compose["services"]["rabbitmq-definitions"]
    assert "./deploy/rabbitmq/definitions.json:/definitions.json:ro" in definitions["volumes"]
    assert "@/definitions.json" in definitions["command"] and \
        "http://rabbitmq:15672/api/definitions" in definitions["command"]
    assert definitions["depends_on"]["rabbitmq"]["condition"] == "service_healthy"
    conf = (ROOT / "deploy/rabbitmq/rabbitmq.conf").read_text().splitlines()
    assert not [line for line in conf if "definitions" in line and not line.startswith("#")]
    for server in ("postgres", "rabbitmq"):
        assert compose["services"][server]["healthcheck"]["test"]


@pytest.mark.parametrize("name", list(SERVICES))
def test_each_service_is_migrated_then_runs_an_api_and_a_worker_from_one_image(compose, name):
    service = SERVICES[name]
    migrate, api, worker = (compose["services"][f"{name}-{kind}"] for kind in ("migrate", "api", "worker"))
    assert migrate["image"] == api["image"] == worker["image"] == f"casework-{name}"
    assert {p["build"]["dockerfile"] for p in (migrate, api, worker)} == {f"services/{name}/Dockerfile"}
    assert migrate["command"] == ["casework", "migrate", "--service", name]
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "command" not in api  # the image's default: gunicorn
    assert worker["command"] == ["python", "-m", f"{name}.worker"]
    # Start order: the schema is migrated first; the worker also waits for the broker.
    for process in (api, worker):
        assert process["depends_on"][f"{name}-migrate"]["condition"] == "service_completed_successfully"
    assert worker["depends_on"]["rabbitmq-definitions"]["condition"] == "service_completed_successfully"
    # Health: the api's /readyz on its port, the worker's on its health port.
    assert api["ports"] == [f"{service.port}:{service.port}"]
    assert f"127.0.0.1:{service.port}/readyz" in " ".join(api["healthcheck"]["test"])
    health_port = int(worker["environment"].get("CASEWORK_WORKER_HEALTH_PORT", service.port + 100))
    assert f"127.0.0.1:{health_port}/readyz" in " ".join(worker["healthcheck"]["test"])


@pytest.mark.parametrize("name", list(SERVICES))
def test_each_process_gets_its_database_the_broker_and_the_token_secret(compose, name):
    known = settings_read()
    for kind in ("migrate", "api", "worker"):
        env = compose["services"][f"{name}-{kind}"]["environment"]
        database = env.get("CASEWORK_DATABASE_URL") or env.get(f"CASEWORK_{name.upper()}_DATABASE_URL")
        assert database and database.startswith("postgresql://") and database.endswith(f"@postgres:5432/{name}")
        assert env["CASEWORK_BROKER_URL"].startswith("amqp://") and "@rabbitmq:5672/" in env["CASEWORK_BROKER_URL"]
        assert env["CASEWORK_JWT_SECRET"]
        for key in env:  # no misspelt setting that the processes would silently ignore
            generic = re.sub(rf"^CASEWORK_({'|'.join(s.upper() for s in SERVICES)})_", "CASEWORK_", key)
            assert key in known or generic in known or key.endswith("_PUBLIC_URL"), key
    links = compose["services"]["notifications-worker"]["environment"]
    assert {f"CASEWORK_{s.upper()}_PUBLIC_URL" for s in SERVICES} <= set(links)


@pytest.mark.parametrize("name", list(SERVICES))
def test_each_dockerfile_builds_a_slim_non_root_image_for_api_and_worker(name):
    dockerfile = (ROOT / f"services/{name}/Dockerfile").read_text()
    bases = re.findall(r"^FROM (\S+)", dockerfile, re.M)
    assert bases and all(base.endswith("-slim") or base.endswith("-slim AS build") for base in bases)
    users = re.findall(r"^USER (\S+)", dockerfile, re.M)
    assert users and users[-1] not in ("root", "0")
    assert f"EXPOSE {SERVICES[name].port}" in dockerfile
    assert "gunicorn -c gunicorn.conf.py" in dockerfile
    assert "CASEWORK_MIGRATIONS_DIR=/app/migrations" in dockerfile
    assert "COPY services/" + name + "/migrations/ migrations/" in dockerfile
