"""The letters' wording, from the values kept when each was issued: the refusal letter follows the
council's limits (``offers.unreasonable_refusal_limit``, ``refusal_window_months``) and that refusal."""

import datetime as dt
import re
from types import SimpleNamespace

import pytest

from lettings import letters
from lettings.domain.policy import LettingsPolicy

ISSUED = dt.datetime(2025, 7, 1, 23, 30, tzinfo=dt.UTC)  # 2 July in London (BST)
OFFER = SimpleNamespace(
    reference="O-000042", refusal_reason="Too far from the children's school", refusal_reasonable=False,
    withdrawal_reason="The home failed its gas check", respond_by=dt.datetime(2025, 7, 4, 16, tzinfo=dt.UTC),
    applicant=SimpleNamespace(lead_name="Sam Lee"),
    property=SimpleNamespace(address="Flat 3, 12 Fleming Way", bedrooms=2, property_type="flat",
                             weekly_rent=98, service_charge=7))


def refusal(*, limit: int, count: int, suspended: bool, reasonable: bool = False, window: int = 12) -> str:
    offer = SimpleNamespace(**{**vars(OFFER), "refusal_reasonable": reasonable})
    values = letters.refusal_values(
        offer, ISSUED, policy=LettingsPolicy(unreasonable_refusal_limit=limit, refusal_window_months=window),
        unreasonable_in_window=count, suspended=suspended)
    return " ".join(re.sub(r"<[^>]+>", " ", letters.render("refusal", values)).split())


@pytest.mark.parametrize(("limit", "count", "suspended", "says"), [
    # A limit of one: the first unreasonable refusal suspends.
    (1, 1, True, "Under our allocation scheme, one unreasonable refusal within twelve months suspends an "
                 "application. This is your first unreasonable refusal within twelve months, so your "
                 "application has been suspended."),
    # Two (the default): the first warns, the second suspends.
    (2, 1, False, "Under our allocation scheme, two unreasonable refusals within twelve months suspend an "
                  "application. This is your first unreasonable refusal within twelve months. One more "
                  "unreasonable refusal within twelve months will suspend your application."),
    (2, 2, True, "Under our allocation scheme, two unreasonable refusals within twelve months suspend an "
                 "application. This is your second unreasonable refusal within twelve months, so your "
                 "application has been suspended."),
    # Three: two more, then one more, then suspended.
    (3, 1, False, "This is your first unreasonable refusal within twelve months. Two more unreasonable "
                  "refusals within twelve months will suspend your application."),
    (3, 2, False, "This is your second unreasonable refusal within twelve months. One more unreasonable "
                  "refusal within twelve months will suspend your application."),
    (3, 3, True, "Under our allocation scheme, three unreasonable refusals within twelve months suspend an "
                 "application. This is your third unreasonable refusal within twelve months, so your "
                 "application has been suspended."),
    # At the limit but not suspended by it (the application was not active): no threat, no suspension.
    (2, 2, False, "This is your second unreasonable refusal within twelve months. Your right"),
])
def test_an_unreasonable_refusal_letter_follows_the_limit_and_that_refusal(limit, count, suspended, says):
    text = refusal(limit=limit, count=count, suspended=suspended)
    assert "not reasonable" in text and says in text
    assert ("has been suspended" in text) is suspended


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_a_reasonable_refusal_letter_never_counts_it_whatever_the_limit(limit):
    text = refusal(limit=limit, count=0, suspended=False, reasonable=True)
    assert "refusal was reasonable" in text and "does not count against your application" in text
    assert "suspend" not in text and "unreasonable refusal" not in text


def test_the_window_is_the_councils():
    assert "two unreasonable refusals within six months suspend" in refusal(limit=2, count=2, suspended=True,
                                                                              window=6)


def test_the_letters_are_dated_and_timed_in_london_and_quote_what_was_true_when_issued():
    offer_letter = letters.render("offer", letters.offer_values(OFFER, ISSUED))
    assert "Date: 2 July 2025" in offer_letter and "4 July 2025 at 17:00" in offer_letter
    assert "£98.00" in offer_letter and "Dear Sam Lee" in offer_letter
    refused = refusal(limit=2, count=1, suspended=False)
    assert "Too far from the children&#39;s school" in letters.render("refusal", letters.refusal_values(
        OFFER, ISSUED, policy=LettingsPolicy(), unreasonable_in_window=1, suspended=False)) and "O-000042" in refused
    withdrawn = letters.render("withdrawal", letters.withdrawal_values(OFFER, ISSUED))
    assert "The home failed its gas check" in withdrawn and "Date: 2 July 2025" in withdrawn
