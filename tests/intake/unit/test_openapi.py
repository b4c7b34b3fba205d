"""The intake OpenAPI document: valid, every operation summarised, secured, with problem-details errors."""

import pytest
from openapi_spec_validator import validate

from casework.web import create_app
from intake.service import SERVICE


@pytest.fixture(scope="module")
def spec():
    # No database is touched: the document is built from the blueprints.
    return create_app(SERVICE).test_client().get("/openapi.json").json


def test_the_document_is_valid_openapi(spec):
    validate(spec)


def test_every_journey_endpoint_is_documented(spec):
    assert set(spec["paths"]) == {"/referrals", "/referrals/{referral_id}", "/referrals/{referral_id}/triage",
                                  "/referrals/{referral_id}/withdraw", "/referrals/{referral_id}/audit",
                                  "/subjects/export", "/legal-holds", "/legal-holds/{record_type}/{record_id}",
                                  "/reports/performance", "/referrals/batch", "/referrals/batch/{batch_id}",
                                  "/imports/{kind}"}


def test_the_batch_endpoint_says_how_many_households_it_takes(spec):
    from intake.batch_schemas import MOST_HOUSEHOLDS

    assert f"up to {MOST_HOUSEHOLDS} households" in spec["paths"]["/referrals/batch"]["post"]["description"]


def test_every_operation_has_a_summary_description_roles_and_problem_errors(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            where = f"{method.upper()} {path}"
            assert operation.get("summary") and operation.get("description"), where
            assert operation["security"] == [{"bearerAuth": []}], where
            assert {"401", "403"} <= set(operation["responses"]), where
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")) and "content" in response:
                    assert list(response["content"]) == ["application/problem+json"], f"{where} {status}"


def test_request_schemas_carry_examples(spec):
    create = spec["components"]["schemas"]["ReferralCreate"]["properties"]
    assert create["reasons"]["example"] == ["rent_arrears", "mental_health"]
    body = spec["paths"]["/referrals"]["post"]["requestBody"]["content"]["application/json"]
    assert body["example"]["consent"]["given"] is True
