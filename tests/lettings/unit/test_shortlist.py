"""Shortlist eligibility and order (§6)."""

import datetime as dt

import pytest

from lettings.domain.policy import LettingsPolicy
from lettings.domain.shortlist import Bidder, Home, ineligibility, shortlist

ON = dt.date(2025, 6, 1)
POLICY = LettingsPolicy()
HOME = Home(bedrooms=2, floor=0, wheelchair_accessible=False, min_age=None)


def bidder(name="a", **changes) -> Bidder:
    values = dict(applicant_id=name, status="active", band="B", effective_date=dt.date(2024, 1, 1),
                  application_date=dt.date(2023, 12, 1), bedroom_need=2, lead_date_of_birth=dt.date(1990, 1, 1),
                  needs_wheelchair=False, needs_ground_floor=False,
                  bid_at=dt.datetime(2025, 5, 1, 9, tzinfo=dt.UTC))
    values.update(changes)
    return Bidder(**values)


@pytest.mark.parametrize(("changes", "home", "policy", "reasons"), [
    ({}, HOME, POLICY, []),
    ({"status": "suspended"}, HOME, POLICY, ["suspended"]),
    ({"status": "housed"}, HOME, POLICY, ["housed"]),
    ({"status": "cancelled"}, HOME, POLICY, ["cancelled"]),
    ({"status": "unknown"}, HOME, POLICY, ["not_active"]),
    # A bid that dropped out says why, whatever the status reads now.
    ({"status": "housed", "dropped_reason": "housed"}, HOME, POLICY, ["housed"]),
    ({"status": "cancelled", "dropped_reason": "cancelled"}, HOME, POLICY, ["cancelled"]),
    ({"bedroom_need": 3}, HOME, POLICY, ["too_small"]),
    ({"bedroom_need": 1}, HOME, POLICY, ["too_large"]),
    ({"bedroom_need": 1}, HOME, LettingsPolicy(extra_bedrooms_allowed=1), []),
    ({"lead_date_of_birth": dt.date(1980, 6, 2)}, Home(2, 0, False, 45), POLICY, ["under_minimum_age"]),
    ({"lead_date_of_birth": dt.date(1980, 6, 1)}, Home(2, 0, False, 45), POLICY, []),
    ({"needs_wheelchair": True}, HOME, POLICY, ["not_wheelchair_accessible"]),
    ({"needs_wheelchair": True}, Home(2, 0, True, None), POLICY, []),
    ({"needs_ground_floor": True}, Home(2, 2, False, None), POLICY, ["not_ground_floor"]),
    ({"needs_ground_floor": True}, Home(2, 2, False, None),
     LettingsPolicy(ground_floor_need_excludes_upper_floors=False), []),
    ({"live_offer_elsewhere": True}, HOME, POLICY, ["live_offer_elsewhere"]),
    ({"status": "cancelled", "bedroom_need": 4, "needs_wheelchair": True, "live_offer_elsewhere": True}, HOME, POLICY,
     ["cancelled", "too_small", "not_wheelchair_accessible", "live_offer_elsewhere"]),
])
def test_ineligibility_lists_every_reason(changes, home, policy, reasons):
    assert ineligibility(bidder(**changes), home, policy, ON) == reasons


def test_order_is_band_then_effective_date_then_application_date_then_bid_time():
    bidders = [
        bidder("c-late-bid", band="C"),
        bidder("b-later-effective", effective_date=dt.date(2024, 3, 1)),
        bidder("b-later-bid", bid_at=dt.datetime(2025, 5, 2, tzinfo=dt.UTC)),
        bidder("b-first"),
        bidder("b-later-application", application_date=dt.date(2023, 12, 2)),
        bidder("a", band="A", effective_date=dt.date(2025, 1, 1)),
    ]
    ranked = [b.applicant_id for b in shortlist(bidders, HOME, POLICY, ON).ranked]
    assert ranked == ["a", "b-first", "b-later-bid", "b-later-application", "b-later-effective", "c-late-bid"]


def test_wheelchair_users_rank_first_on_accessible_homes_only_when_policy_says_so():
    home = Home(2, 0, True, None)
    bidders = [bidder("band-a", band="A"), bidder("wheelchair-d", band="D", needs_wheelchair=True)]
    assert [b.applicant_id for b in shortlist(bidders, home, POLICY, ON).ranked] == ["wheelchair-d", "band-a"]
    no_priority = LettingsPolicy(wheelchair_priority=False)
    assert [b.applicant_id for b in shortlist(bidders, home, no_priority, ON).ranked] == ["band-a", "wheelchair-d"]


def test_excluded_bidders_are_listed_with_reasons_and_not_ranked():
    result = shortlist([bidder("ok"), bidder("big", bedroom_need=3)], HOME, POLICY, ON)
    assert [b.applicant_id for b in result.ranked] == ["ok"]
    assert [(e.applicant_id, e.reasons) for e in result.excluded] == [("big", ["too_small"])]


def test_policy_band_order_comes_from_the_policy_file():
    policy = LettingsPolicy.from_dict({"bands": ["B", "A", "C", "D"]})
    bidders = [bidder("a", band="A"), bidder("b", band="B")]
    assert [b.applicant_id for b in shortlist(bidders, HOME, policy, ON).ranked] == ["b", "a"]
