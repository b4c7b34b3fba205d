"""The sustainment OpenAPI document: valid, every operation summarised, secured, with problem-details errors."""

import pytest
from openapi_spec_validator import validate

from casework.web import create_app
from sustainment.service import SERVICE


@pytest.fixture(scope="module")
def spec():
    # No database is touched: the document is built from the blueprints.
    return create_app(SERVICE).test_client().get("/openapi.json").json


def test_the_document_is_valid_openapi(spec):
    validate(spec)


def test_the_journey_endpoints_are_documented(spec):
    assert {
        "/cases", "/cases/{case_id}", "/cases/{case_id}/assignment", "/cases/{case_id}/plan",
        "/cases/{case_id}/visits", "/cases/{case_id}/visits/{visit_id}/outcome", "/cases/{case_id}/agency-referrals",
        "/cases/{case_id}/notes", "/cases/{case_id}/closure", "/cases/{case_id}/audit",
    } <= set(spec["paths"])


def test_every_operation_has_a_summary_description_roles_and_problem_errors(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            where = f"{method.upper()} {path}"
            assert operation.get("summary") and operation.get("description"), where
            if path.startswith("/agency-links/"):  # an agency's secure link: its token is the credential
                assert operation["security"] == [] and "x-roles" not in operation, where
                continue
            assert operation["security"] == [{"bearerAuth": []}], where
            assert "referrer" not in operation["x-roles"], where
            assert {"401", "403"} <= set(operation["responses"]), where
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")) and "content" in response:
                    assert list(response["content"]) == ["application/problem+json"], f"{where} {status}"


def test_assignment_and_the_audit_trail_are_for_team_leaders(spec):
    assert spec["paths"]["/cases/{case_id}/assignment"]["post"]["x-roles"] == ["admin", "team_leader"]
    assert spec["paths"]["/cases/{case_id}/audit"]["get"]["x-roles"] == ["admin", "team_leader"]


def test_schemas_and_bodies_carry_examples(spec):
    assert spec["components"]["schemas"]["PlanAction"]["properties"]["owner"]["example"] == "tenant"
    body = spec["paths"]["/cases/{case_id}/plan"]["put"]["requestBody"]["content"]["application/json"]
    assert body["example"]["actions"][0]["owner"] == "tenant"
