"""One way a service's policy reaches its rules: ``casework.policy.current(service, parse)``."""

import yaml

from casework import policy


def test_the_council_file_named_for_the_service_is_merged_over_the_defaults_and_read_once(tmp_path, monkeypatch):
    council = tmp_path / "council.yaml"
    council.write_text(yaml.safe_dump({"plan_review_weeks": 8}))
    parsed = []

    def parse(document):
        parsed.append(document)
        return document

    monkeypatch.setenv("CASEWORK_SUSTAINMENT_POLICY_FILE", str(council))
    first = policy.current("sustainment", parse)
    again = policy.current("sustainment", parse)

    assert first is again and len(parsed) == 1
    assert first["plan_review_weeks"] == 8
    assert first["visit_outcome_working_days"] == 1  # the package default, kept


def test_without_a_council_file_the_package_defaults_apply(monkeypatch):
    monkeypatch.delenv("CASEWORK_SUSTAINMENT_POLICY_FILE", raising=False)
    monkeypatch.delenv("CASEWORK_POLICY_FILE", raising=False)
    assert policy.current("sustainment", dict)["plan_review_weeks"] == 12
