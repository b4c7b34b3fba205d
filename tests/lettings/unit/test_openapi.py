"""The lettings OpenAPI document is valid, and every operation is documented and guarded."""

from openapi_spec_validator import validate

from casework.web import create_app
from casework_dev.testing import TEST_SECRET
from lettings.service import SERVICE


def test_openapi_is_valid_and_every_operation_has_a_summary_and_roles():
    import dataclasses

    from casework.settings import Settings

    settings = dataclasses.replace(Settings.from_env("lettings"), jwt_secret=TEST_SECRET,
                                   database_url="postgresql://unused/none")
    spec = create_app(SERVICE, settings=settings).extensions["casework_api"].spec.to_dict()
    validate(spec)
    operations = [(path, op) for path, item in spec["paths"].items() for op in item.values() if isinstance(op, dict)]
    assert len(operations) >= 25
    for path, op in operations:
        assert op.get("summary"), op
        # Data protection (subject access, legal holds) is for team leaders and admins only; imports
        # for the housing system's client and admins.
        expected = ["admin", "team_leader"] if path.startswith(("/subjects", "/legal-holds")) else [
            "admin", "importer"] if path.startswith("/imports") else ["admin", "lettings_officer", "team_leader"]
        assert op["x-roles"] == expected
