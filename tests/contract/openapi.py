"""What every service's schemathesis run shares: the schema, a bounded budget, the checks.

schemathesis parametrizes at collection, before fixtures exist, so the app is built at import
with settings that connect to nothing, and ``bind`` points it at the harness's migrated
database once the fixture has made it (an app opens its database on first use).
"""

import importlib

import schemathesis
from hypothesis import HealthCheck
from schemathesis import checks

from casework.web import create_app
from casework_dev.testing import bearer, test_settings

SETTINGS = {"max_examples": 8, "deadline": None, "derandomize": True, "database": None,
            "suppress_health_check": list(HealthCheck)}
ADMIN = bearer("contract-admin", "admin")


def app_and_schema(name: str):
    service = importlib.import_module(f"{name}.service").SERVICE
    settings = test_settings(name, database_url="sqlite://", broker_url="memory://", namespace="contract")
    app = create_app(service, settings=settings)
    return app, schemathesis.openapi.from_wsgi("/openapi.json", app)


def bind(app, harness) -> None:
    kernel = app.extensions["casework"]
    kernel.db = harness.db
    kernel.settings = harness.settings


# positive_data_acceptance is left out: a schema-valid body may still break a rule across
# fields (a reason to reject, consent or an exemption), which the design answers with 422.
# negative_data_rejection is left out: marshmallow reads 0/1 as booleans and "12" as an
# integer, a leniency the contract does not forbid (money, where it matters, is strict).
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


def check(case) -> None:
    case.call_and_validate(headers=ADMIN, checks=CHECKS)
