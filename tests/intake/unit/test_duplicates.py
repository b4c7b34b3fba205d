"""Possible duplicates: the same tenancy, or the same person by name and date of birth, recently."""

import datetime as dt
import uuid

import pytest

from intake.domain.duplicates import Identity, OpenReferral, match, normal_name, possible_duplicates

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
DOB = dt.date(1984, 3, 2)


@pytest.mark.parametrize(("new", "other", "expected"), [
    (Identity("Alex Morgan", None, "T-1"), Identity("Someone Else", None, "T-1"), "same_tenancy"),
    (Identity("Alex Morgan", None, "t 1"), Identity("Someone Else", None, "T1"), "same_tenancy"),
    (Identity("Alex Morgan", DOB, None), Identity("alex  MORGAN", DOB, "T-9"), "same_person"),
    (Identity("Alex O'Neill", DOB, None), Identity("alex o neill", DOB, None), "same_person"),
    (Identity("Alex Morgan", DOB, None), Identity("Alex Morgan", dt.date(1984, 3, 3), None), None),
    (Identity("Alex Morgan", None, None), Identity("Alex Morgan", None, None), None),  # a name alone is not enough
    (Identity("Alex Morgan", DOB, "T-1"), Identity("Jo Morgan", DOB, "T-2"), None),
])
def test_matching(new, other, expected):
    assert match(new, other) == expected


def test_normal_name_ignores_case_spacing_and_punctuation():
    assert normal_name("  Mary-Jane  O'BRIEN ") == "mary jane o brien"


def _open(identity, days_ago, reference):
    return OpenReferral(uuid.uuid4(), reference, identity, NOW - dt.timedelta(days=days_ago))


def test_only_referrals_within_the_window_are_linked_oldest_first():
    new = Identity("Alex Morgan", DOB, "T-1")
    candidates = [_open(Identity("X", None, "T-1"), 10, "R-000003"), _open(Identity("X", None, "T-1"), 91, "R-000001"),
                  _open(Identity("Alex Morgan", DOB, None), 30, "R-000002"), _open(Identity("Y", None, "T-2"), 1, "R-4")]
    found = possible_duplicates(new, candidates, now=NOW, window_days=90)
    assert [(d.reference, d.match) for d in found] == [("R-000002", "same_person"), ("R-000003", "same_tenancy")]
