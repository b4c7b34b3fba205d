"""schemathesis against notifications's OpenAPI document, in process, with an admin token: no 5xx, and
every answer's status, content type, headers and body as documented."""

import pytest
from hypothesis import settings

from .openapi import SETTINGS, app_and_schema, bind, check

app, schema = app_and_schema("notifications")


@pytest.fixture(scope="module", autouse=True)
def database(harnesses):
    bind(app, harnesses("notifications"))


@schema.parametrize()
@settings(**SETTINGS)
def test_notifications_answers_as_documented(case):
    check(case)
