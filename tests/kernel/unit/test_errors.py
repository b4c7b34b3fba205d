"""Validation messages flattened to field paths a client can show next to its inputs."""

from casework.web.errors import flatten_errors


def test_nested_body_errors_become_dotted_paths():
    messages = {"json": {"person": {"date_of_birth": ["Not a valid date."]}, "reasons": {1: ["Must be one of: …"]}}}
    assert flatten_errors(messages) == {
        "person.date_of_birth": ["Not a valid date."],
        "reasons.1": ["Must be one of: …"],
    }


def test_schema_level_errors_belong_to_their_parent():
    assert flatten_errors({"json": {"consent": {"_schema": ["Consent or an exemption is required."]}}}) == {
        "consent": ["Consent or an exemption is required."]
    }


def test_query_errors_name_the_parameter():
    assert flatten_errors({"query": {"page_size": ["Must be at most 100."]}}) == {"page_size": ["Must be at most 100."]}
