"""The council changes points, thresholds and the floor in its own file, without code."""

import pytest
import yaml

from intake import policy
from intake.domain.policy import PolicyError, from_document
from intake.domain.risk import assess


def test_the_council_file_overrides_points_thresholds_and_floors(tmp_path):
    council = tmp_path / "council.yaml"
    council.write_text(yaml.safe_dump({"risk": {
        "reasons": {"mental_health": 25},
        "levels": [{"level": "critical", "min_score": 90}, {"level": "high", "min_score": 50},
                   {"level": "medium", "min_score": 25}, {"level": "low", "min_score": 0}],
        "floors": {"domestic_abuse": "critical"},
    }}))
    rules = policy.load(str(council))
    assert assess(["mental_health"], policy=rules.risk).level == "medium"
    assert assess(["domestic_abuse"], policy=rules.risk).level == "critical"
    assert assess(["safeguarding_child"], policy=rules.risk).level == "high"  # default floors kept
    assert rules.triage_working_days["critical"] == 0


def test_defaults_give_triage_days_priorities_and_the_duplicate_window():
    rules = policy.load()
    assert dict(rules.triage_working_days) == {"low": 1, "medium": 1, "high": 1, "critical": 0}
    assert rules.default_priority["critical"] == "emergency"
    assert rules.duplicate_window_days == 90


@pytest.mark.parametrize(("change", "message"), [
    ({"triage": {"default_priority": {"low": "soon"}}}, "not a priority"),
    ({"risk": {"floors": {"domestic_abuse": "severe"}}}, "not a risk level"),
    ({"risk": {"levels": [{"level": "high", "min_score": 10}]}}, "score of 0"),
    ({"risk": {"arrears": {"bands": [{"min_weeks": 8}]}}}, "points"),
])
def test_a_policy_intake_cannot_use_is_refused_with_what_is_wrong(change, message):
    from casework.policy import merge

    doc = merge(yaml.safe_load(open(policy.__file__.replace("policy.py", "policy.yaml"))), change)
    with pytest.raises(PolicyError, match=message):
        from_document(doc)
