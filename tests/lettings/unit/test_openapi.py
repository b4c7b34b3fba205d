"""The lettings OpenAPI document is valid, and every operation is documented and guarded."""

from openapi_spec_validator import validate

from casework.testing import TEST_SECRET
from casework.web import create_app
from lettings.service import SERVICE


def test_openapi_is_valid_and_every_operation_has_a_summary_and_roles():
    import dataclasses

    from casework.settings import Settings

    settings = dataclasses.replace(Settings.from_env("lettings"), jwt_secret=TEST_SECRET,
                                   database_url="postgresql://unused/none")
    spec = create_app(SERVICE, settings=settings).extensions["casework_api"].spec.to_dict()
    validate(spec)
    operations = [op for path in spec["paths"].values() for op in path.values() if isinstance(op, dict)]
    assert len(operations) >= 25
    for op in operations:
        assert op.get("summary"), op
        assert op["x-roles"] == ["admin", "lettings_officer", "team_leader"]
