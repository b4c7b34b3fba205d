"""An application's status over time (§5): the moves allowed, suspensions after unreasonable
refusals (and expiries, when the policy counts them) lifted by their timer or a refusal review,
housing at sign-up and cancellation dropping open bids. Rules as tables; use cases on an
in-memory session."""

import datetime as dt
import itertools

import pytest
from sqlalchemy import select

from casework.timers import Timer
from casework_dev.testing import audited, pending_timers, published
from lettings.domain import statuses as rules
from lettings.domain.offers import counts_towards_suspension
from lettings.domain.policy import LettingsPolicy
from lettings.domain.shortlist import REASONS
from lettings.letting import Invalid, NotAllowed, adverts, bids, offers, statuses
from lettings.letting.sign_up import sign_up
from lettings.models import Bid
from lettings.shortlisting import rank

from .conftest import NOW, advertised, applicant, void_home

POLICY = LettingsPolicy()
COUNTING_EXPIRY = LettingsPolicy(expired_counts_as_refusal=True)
ALLOWED = {("active", "suspended"), ("active", "housed"), ("active", "cancelled"), ("suspended", "active"),
           ("suspended", "cancelled")}


# -- the rules ------------------------------------------------------------------------------


@pytest.mark.parametrize("current, new", list(itertools.product(rules.STATUSES, repeat=2)))
def test_only_the_schemes_moves_are_allowed_and_a_refusal_says_why(current, new):
    why = rules.move_refusal(current, new)
    assert (why is None) == ((current, new) in ALLOWED)
    if current == new:
        assert why == f"The application is already {current}."
    elif current in rules.FINAL:
        assert "finished" in why


@pytest.mark.parametrize("day, months, expected", [
    (dt.date(2026, 11, 2), 12, dt.date(2027, 11, 2)),
    (dt.date(2026, 8, 31), 6, dt.date(2027, 2, 28)),
    (dt.date(2027, 8, 31), 6, dt.date(2028, 2, 29)),
    (dt.date(2026, 12, 15), 1, dt.date(2027, 1, 15)),
    (dt.date(2026, 1, 31), 3, dt.date(2026, 4, 30)),
])
def test_a_suspension_ends_the_same_day_so_many_months_on(day, months, expected):
    assert rules.suspended_until(day, LettingsPolicy(suspension_months=months)) == expected


@pytest.mark.parametrize("status, reasonable, policy, counts", [
    ("refused", False, POLICY, True),
    ("refused", True, POLICY, False),
    ("refused", None, POLICY, False),
    ("expired", None, POLICY, False),
    ("expired", None, COUNTING_EXPIRY, True),
    ("expired", False, COUNTING_EXPIRY, True),   # reviewed and found unreasonable
    ("expired", True, COUNTING_EXPIRY, False),   # reviewed and found reasonable
    ("withdrawn", None, COUNTING_EXPIRY, False),
    ("signed_up", None, COUNTING_EXPIRY, False),
])
def test_what_counts_as_an_unreasonable_refusal(status, reasonable, policy, counts):
    assert counts_towards_suspension(status, reasonable, policy) is counts


def test_the_policy_file_sets_the_suspension_length_and_whether_an_expiry_counts():
    assert (POLICY.suspension_months, POLICY.expired_counts_as_refusal) == (12, False)
    read = LettingsPolicy.from_dict({"offers": {"suspension_months": 6, "expired_counts_as_refusal": True}})
    assert (read.suspension_months, read.expired_counts_as_refusal) == (6, True)
    with pytest.raises(ValueError, match="suspension_months"):
        LettingsPolicy.from_dict({"offers": {"suspension_months": 0}})


def test_each_status_reason_a_shortlist_gives_has_its_words():
    assert {"suspended", "housed", "cancelled"} <= set(REASONS)


# -- suspensions after refusals -----------------------------------------------------------------


def answer(session, tenant, how: str, day: int, policy: LettingsPolicy):
    """Offer the applicant a new home by direct match on ``day`` and answer it ``how``."""
    at = NOW + dt.timedelta(days=day)
    offer = offers.match_directly(session, void_home(session), tenant, direct_match_reason="Urgent.",
                                  respond_by=at + dt.timedelta(hours=1), by="officer-1", policy=policy, now=at)
    if how == "expired":
        offers.expire_if_pending(session, offer.id, policy=policy, now=at + dt.timedelta(hours=2))
    else:
        offers.refuse(session, offer, reason="Wants a house.", reasonable=how == "reasonable", policy=policy, now=at)
    return offer


@pytest.mark.parametrize("answers, policy, suspended", [
    (["unreasonable"], POLICY, False),
    (["unreasonable", "unreasonable"], POLICY, True),
    (["unreasonable", "reasonable"], POLICY, False),
    (["unreasonable", "expired"], POLICY, False),
    (["unreasonable", "expired"], COUNTING_EXPIRY, True),
    (["expired", "expired"], COUNTING_EXPIRY, True),
    (["expired", "reasonable", "expired"], POLICY, False),
    (["unreasonable", "unreasonable"], LettingsPolicy(unreasonable_refusal_limit=3), False),
    (["unreasonable"] * 3, LettingsPolicy(unreasonable_refusal_limit=3), True),
])
def test_unreasonable_refusals_reaching_the_limit_suspend(session, answers, policy, suspended):
    tenant = applicant(session)
    for day, how in enumerate(answers, start=1):
        answer(session, tenant, how, day, policy)
    assert (tenant.status == "suspended") is suspended


def test_refusals_outside_the_window_do_not_count(session):
    tenant = applicant(session)
    answer(session, tenant, "unreasonable", 0, POLICY)
    answer(session, tenant, "unreasonable", 370, POLICY)
    assert tenant.status == "active"


def test_a_suspension_runs_to_the_policys_date_with_a_timer_and_is_told(session):
    tenant = applicant(session)
    answer(session, tenant, "unreasonable", 1, POLICY)
    second = answer(session, tenant, "unreasonable", 2, POLICY)
    assert (tenant.status, tenant.suspended_until, tenant.suspended_by_offer_id) == (
        "suspended", dt.date(2027, 11, 4), second.id)
    assert pending_timers(session)[f"suspension_ends:{tenant.id}"] == dt.datetime(2027, 11, 4, 0, 5, tzinfo=dt.UTC)
    assert ("suspend", "applicant") in audited(session, with_record_type=True)
    changed = [data for type, data in published(session) if type == "lettings.applicant.status_changed.v1"]
    assert changed == [{"applicant_id": str(tenant.id), "reference": tenant.reference, "from_status": "active",
                        "to_status": "suspended", "suspended_until": "2027-11-04", "cause": "unreasonable_refusals"}]
    refused = [data for type, data in published(session) if type == "lettings.offer.refused.v1"]
    assert [r["applicant_suspended"] for r in refused] == [False, True]


def test_an_expiry_the_policy_counts_suspends_from_the_expiry_timer(session):
    tenant = applicant(session)
    answer(session, tenant, "unreasonable", 1, COUNTING_EXPIRY)
    expired = answer(session, tenant, "expired", 2, COUNTING_EXPIRY)
    assert (expired.status, tenant.status, tenant.suspended_by_offer_id) == ("expired", "suspended", expired.id)


# -- the timer -----------------------------------------------------------------------------------


def suspended(session, policy=POLICY):
    tenant = applicant(session)
    first = answer(session, tenant, "unreasonable", 1, policy)
    second = answer(session, tenant, "unreasonable", 2, policy)
    assert tenant.status == "suspended"
    return tenant, first, second


def timer_of(session, tenant) -> Timer:
    return session.scalar(select(Timer).where(Timer.key == statuses.suspension_key(tenant.id)))


def test_the_timer_lifts_the_suspension_on_its_date_and_tells_the_lettings_team(session):
    tenant, *_ = suspended(session)
    statuses.on_suspension_end(session, timer_of(session, tenant))
    assert (tenant.status, tenant.suspended_until, tenant.suspended_by_offer_id) == ("active", None, None)
    assert tenant.status_reason == "The suspension ended on 04 November 2027."
    assert audited(session, with_record_type=True)[-1] == ("reinstate", "applicant")
    type, data = published(session)[-1]
    assert (type, data["from_status"], data["to_status"], data["cause"]) == (
        "lettings.applicant.status_changed.v1", "suspended", "active", "suspension_ended")


def test_the_timer_does_nothing_once_the_suspension_was_lifted(session):
    tenant, *_ = suspended(session)
    timer = timer_of(session, tenant)
    statuses.change_status(session, tenant, status="active", reason="Agreed on appeal.", until=None, policy=POLICY,
                           now=NOW)
    assert f"suspension_ends:{tenant.id}" not in pending_timers(session)
    before = len(published(session))
    statuses.on_suspension_end(session, timer)
    assert tenant.status == "active" and len(published(session)) == before


# -- an officer's changes ----------------------------------------------------------------------------


def change(session, tenant, status, until=None, now=NOW):
    return statuses.change_status(session, tenant, status=status, reason="Officer's decision.", until=until,
                                  policy=POLICY, now=now)


def test_an_officer_suspends_until_the_policys_date_or_their_own(session):
    tenant = applicant(session)
    change(session, tenant, "suspended")
    assert tenant.suspended_until == dt.date(2027, 11, 2) and tenant.suspended_by_offer_id is None
    other = applicant(session)
    change(session, other, "suspended", until=dt.date(2026, 12, 1))
    assert pending_timers(session)[f"suspension_ends:{other.id}"] == dt.datetime(2026, 12, 1, 0, 5, tzinfo=dt.UTC)
    assert published(session)[-1][1]["cause"] == "officer"


@pytest.mark.parametrize("status, until, field", [
    ("suspended", dt.date(2026, 11, 2), "until"),   # today
    ("cancelled", dt.date(2027, 1, 1), "until"),
    ("housed", None, "status"),
])
def test_an_officer_change_that_cannot_be_done_names_the_field(session, status, until, field):
    with pytest.raises(Invalid) as refused:
        change(session, applicant(session), status, until)
    assert refused.value.field == field


@pytest.mark.parametrize("first, then, message", [
    ("suspended", "suspended", "already suspended"),
    (None, "active", "already active"),
    ("cancelled", "active", "cancelled"),
    ("cancelled", "suspended", "cancelled"),
])
def test_an_officer_change_not_allowed_from_the_status_says_why(session, first, then, message):
    tenant = applicant(session)
    if first:
        change(session, tenant, first)
    with pytest.raises(NotAllowed, match=message):
        change(session, tenant, then)


def test_no_suspension_or_cancellation_while_a_live_offer_waits_for_its_answer(session):
    tenant = applicant(session)
    offer = offers.match_directly(session, void_home(session), tenant, direct_match_reason="Urgent.",
                                  respond_by=NOW + dt.timedelta(days=3), by="officer-1", policy=POLICY, now=NOW)
    for status in ("suspended", "cancelled"):
        with pytest.raises(NotAllowed, match=f"live offer {offer.reference}"):
            change(session, tenant, status)
    assert tenant.status == "active"


def test_cancelling_drops_the_bids_on_open_adverts_and_stops_bids_and_offers(session):
    tenant = applicant(session)
    open_advert = advertised(session, void_home(session))
    closed_advert = advertised(session, void_home(session))
    for advert in (open_advert, closed_advert):
        bids.place_bid(session, advert, applicant_id=tenant.id, policy=POLICY, now=NOW)
    adverts.close_bidding(session, closed_advert, policy=POLICY, now=NOW)
    change(session, tenant, "cancelled")
    dropped = {b.advert_id: (b.dropped_reason, b.dropped_at) for b in session.scalars(select(Bid))}
    assert dropped == {open_advert.id: ("cancelled", NOW), closed_advert.id: (None, None)}
    for advert in (open_advert, closed_advert):
        assert rank(session, advert, NOW.date(), POLICY).excluded[0].reasons == ["cancelled"]
    with pytest.raises(NotAllowed, match="cancelled"):
        bids.place_bid(session, advertised(session, void_home(session)), applicant_id=tenant.id, policy=POLICY,
                       now=NOW)
    with pytest.raises(NotAllowed, match="cancelled"):
        offers.match_directly(session, void_home(session), tenant, direct_match_reason="Urgent.", respond_by=None,
                              by="officer-1", policy=POLICY, now=NOW)
    with pytest.raises(NotAllowed, match="cancelled"):
        offers.offer_from_shortlist(session, closed_advert, applicant_id=tenant.id, bypass_reason=None,
                                    respond_by=None, by="officer-1", policy=POLICY, now=NOW)


# -- housed at sign-up ----------------------------------------------------------------------------------


def test_sign_up_houses_the_applicant_and_their_other_open_bids_drop_out(session):
    tenant = applicant(session)
    let, other = advertised(session, void_home(session)), advertised(session, void_home(session))
    for advert in (let, other):
        bids.place_bid(session, advert, applicant_id=tenant.id, policy=POLICY, now=NOW)
    adverts.close_bidding(session, let, policy=POLICY, now=NOW)
    offer = offers.offer_from_shortlist(session, let, applicant_id=None, bypass_reason=None, respond_by=None,
                                        by="officer-1", policy=POLICY, now=NOW)
    offers.accept(session, offer, now=NOW)
    tenancy = sign_up(session, offer, tenancy_start=NOW.date(), tenancy_type=None, support_needs=[],
                      override_reason=None, by="officer-1", policy=POLICY, now=NOW)
    assert (tenant.status, tenant.status_reason) == ("housed", f"Housed: tenancy {tenancy.reference}.")
    dropped = {b.advert_id: b.dropped_reason for b in session.scalars(select(Bid))}
    assert dropped == {let.id: None, other.id: "housed"}
    assert rank(session, other, NOW.date(), POLICY).excluded[0].reasons == ["housed"]
    assert ("drop_bids", "applicant") in audited(session, with_record_type=True)
    changed = [d for t, d in published(session) if t == "lettings.applicant.status_changed.v1"]
    assert [(d["from_status"], d["to_status"], d["cause"]) for d in changed] == [("active", "housed", "signed_up")]
    with pytest.raises(NotAllowed, match="housed"):
        change(session, tenant, "cancelled")


# -- refusal reviews ----------------------------------------------------------------------------------


def review(session, offer, reasonable=True, policy=POLICY, now=NOW + dt.timedelta(days=10)):
    return statuses.review_refusal(session, offer, reasonable=reasonable, reason="School run is two buses.",
                                   by="leader-1", policy=policy, now=now)


def test_a_refusal_found_reasonable_on_review_lifts_the_suspension_it_caused(session):
    tenant, first, second = suspended(session)
    review(session, first)
    assert (first.refusal_reasonable, first.refusal_reasonable_before_review) == (True, False)
    assert (first.refusal_reviewed_by, first.refusal_review_reason) == ("leader-1", "School run is two buses.")
    assert (tenant.status, tenant.suspended_until) == ("active", None)
    assert f"suspension_ends:{tenant.id}" not in pending_timers(session)
    assert [a for a in audited(session)[-2:]] == ["review_refusal", "reinstate"]
    type, data = published(session)[-1]
    assert (type, data["cause"], data["to_status"]) == ("lettings.applicant.status_changed.v1", "refusal_review",
                                                        "active")


def test_a_review_upholding_the_refusal_leaves_the_suspension(session):
    tenant, first, _ = suspended(session)
    review(session, first, reasonable=False)
    assert first.refusal_reviewed_at is not None and tenant.status == "suspended"


def test_a_review_does_not_lift_a_suspension_the_officer_made(session):
    tenant = applicant(session)
    refused = answer(session, tenant, "unreasonable", 1, POLICY)
    change(session, tenant, "suspended")
    review(session, refused)
    assert tenant.status == "suspended"


def test_a_reasonable_refusal_found_unreasonable_on_review_may_reach_the_limit(session):
    tenant = applicant(session)
    first = answer(session, tenant, "reasonable", 1, POLICY)
    answer(session, tenant, "unreasonable", 2, POLICY)
    review(session, first, reasonable=False)
    assert (tenant.status, tenant.suspended_by_offer_id) == ("suspended", first.id)


def test_an_expiry_is_reviewed_only_when_the_policy_counts_it(session):
    tenant = applicant(session)
    expired = answer(session, tenant, "expired", 1, POLICY)
    with pytest.raises(NotAllowed, match="does not count an expiry"):
        review(session, expired)
    answer(session, tenant, "unreasonable", 2, COUNTING_EXPIRY)
    assert tenant.status == "suspended"
    review(session, expired, policy=COUNTING_EXPIRY)
    assert (expired.refusal_reasonable, tenant.status) == (True, "active")


@pytest.mark.parametrize("how", ["pending", "withdrawn"])
def test_only_a_refusal_is_reviewed(session, how):
    offer = offers.match_directly(session, void_home(session), applicant(session), direct_match_reason="Urgent.",
                                  respond_by=NOW + dt.timedelta(days=3), by="officer-1", policy=POLICY, now=NOW)
    if how == "withdrawn":
        offers.withdraw(session, offer, reason="Repairs needed.", policy=POLICY, now=NOW)
    with pytest.raises(NotAllowed, match=f"This offer is {how}: only a refusal can be reviewed"):
        review(session, offer)


def test_a_refusal_is_reviewed_once(session):
    _, first, _ = suspended(session)
    review(session, first)
    with pytest.raises(NotAllowed, match="reviewed on 12 November 2026"):
        review(session, first, reasonable=False)
