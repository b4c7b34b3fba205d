"""Offers from a shortlist or by direct match, their answers and expiry, the pre-tenancy checks
and sign-up: what each use case writes and how it refuses, on an in-memory session."""

import datetime as dt
from decimal import Decimal

import pytest

from casework_dev.testing import audited, pending_timers, published
from lettings.letting import Invalid, NotAllowed, adverts, bids, checks, offers
from lettings.letting.sign_up import sign_up
from lettings.models import Bypass

from .conftest import NOW, advertised, applicant, void_home

SOON = NOW + dt.timedelta(days=3)


@pytest.fixture
def closed(session, policy):
    """A home advertised, bid for by two applicants (the first ranked higher), bidding closed."""
    advert = advertised(session, void_home(session))
    first, second = applicant(session, band="A"), applicant(session, band="B")
    for bidder in (first, second):
        bids.place_bid(session, advert, applicant_id=bidder.id, policy=policy, now=NOW)
    adverts.close_bidding(session, advert, policy=policy, now=NOW)
    return advert, first, second


def offered(session, policy, advert, **changes):
    asked = {"applicant_id": None, "bypass_reason": None, "respond_by": SOON, "by": "officer-1", "policy": policy,
             "now": NOW, **changes}
    return offers.offer_from_shortlist(session, advert, **asked)


def test_an_offer_goes_to_the_top_bidder_with_an_expiry_timer_and_is_told(session, policy, closed):
    advert, first, _ = closed
    offer = offered(session, policy, advert)
    assert (offer.applicant_id, offer.status, offer.made_at, offer.respond_by) == (first.id, "pending", NOW, SOON)
    assert pending_timers(session) == {f"offer_expiry:{offer.id}": SOON}
    type, data = published(session)[-1]
    assert (type, data["bypassed"], data["direct_match"]) == ("lettings.offer.made.v1", 0, False)


def test_an_offer_waits_for_bidding_to_close(session, policy):
    advert = advertised(session, void_home(session))
    with pytest.raises(NotAllowed, match="once bidding has closed"):
        offered(session, policy, advert)


def test_the_respond_by_time_defaults_from_policy_and_must_be_in_the_future(session, policy, closed):
    advert, *_ = closed
    with pytest.raises(Invalid) as refused:
        offered(session, policy, advert, respond_by=NOW)
    assert refused.value.field == "respond_by"
    assert offered(session, policy, advert, respond_by=None).respond_by > NOW


def test_passing_over_a_higher_bidder_needs_a_reason_recorded_against_them(session, policy, closed):
    advert, first, second = closed
    with pytest.raises(Invalid) as refused:
        offered(session, policy, advert, applicant_id=second.id)
    assert refused.value.field == "bypass_reason"
    offer = offered(session, policy, advert, applicant_id=second.id, bypass_reason="Needs a home near work.")
    [bypass] = session.query(Bypass).all()
    assert (bypass.applicant_id, bypass.offer_id, bypass.reason) == (first.id, offer.id, "Needs a home near work.")
    assert published(session)[-1][1]["bypassed"] == 1


def test_one_live_offer_of_a_home_at_a_time(session, policy, closed):
    advert, *_ = closed
    offered(session, policy, advert)
    with pytest.raises(NotAllowed, match="live offer"):
        offered(session, policy, advert)


def test_a_direct_match_needs_a_void_home_the_applicant_is_eligible_for(session, policy):
    prop, tenant = void_home(session), applicant(session)
    offer = offers.match_directly(session, prop, tenant, direct_match_reason="Fleeing violence.", respond_by=SOON,
                                  by="officer-1", policy=policy, now=NOW)
    assert offer.advert_id is None and offer.direct_match_reason == "Fleeing violence."
    assert published(session)[-1][1]["direct_match"] is True
    with pytest.raises(NotAllowed, match="live offer"):
        offers.match_directly(session, prop, applicant(session), direct_match_reason="Urgent.", respond_by=SOON,
                              by="officer-1", policy=policy, now=NOW)


def test_answering_an_offer_cancels_its_expiry_and_is_told(session, policy, closed):
    advert, *_ = closed
    offer = offers.accept(session, offered(session, policy, advert), now=SOON)
    assert (offer.status, offer.answered_at) == ("accepted", SOON) and pending_timers(session) == {}
    assert published(session)[-1][0] == "lettings.offer.accepted.v1"
    with pytest.raises(NotAllowed, match="This offer is accepted"):
        offers.accept(session, offer, now=SOON)
    offers.withdraw(session, offer, reason="The home failed its gas check.", policy=policy, now=SOON)
    assert offer.status == "withdrawn" and published(session)[-1][0] == "lettings.offer.withdrawn.v1"


def test_unreasonable_refusals_up_to_the_policys_limit_suspend_the_applicant(session, policy):
    tenant = applicant(session)
    for day in (1, 2):
        offer = offers.match_directly(session, void_home(session), tenant, direct_match_reason="Urgent.",
                                      respond_by=SOON + dt.timedelta(days=day), by="officer-1", policy=policy,
                                      now=NOW + dt.timedelta(days=day))
        offers.refuse(session, offer, reason="Too far from school.", reasonable=False, policy=policy,
                      now=NOW + dt.timedelta(days=day))
    assert tenant.status == "suspended"
    assert ("suspend", "applicant") in audited(session, with_record_type=True)
    type, data = published(session)[-1]
    assert (type, data["reasonable"], data["applicant_suspended"]) == ("lettings.offer.refused.v1", False, True)
    assert "reason" not in data


def test_only_a_pending_offer_expires(session, policy, closed):
    advert, *_ = closed
    offer = offered(session, policy, advert)
    assert offers.expire_if_pending(session, offer.id, policy=policy, now=SOON) is True
    assert offer.status == "expired" and published(session)[-1][0] == "lettings.offer.expired.v1"
    assert offers.expire_if_pending(session, offer.id, policy=policy, now=SOON) is False


def test_the_checks_are_run_for_an_accepted_offer_and_need_the_income(session, policy, closed):
    advert, *_ = closed
    offer = offered(session, policy, advert)
    with pytest.raises(NotAllowed, match="pending"):
        checks.check_offer(session, offer, by="officer-1", policy=policy, now=NOW)
    offers.accept(session, offer, now=NOW)
    check = checks.check_offer(session, offer, by="officer-1", policy=policy, now=NOW)
    assert (check.result, check.eligible, check.checked_at) == ("pass", True, NOW)
    offer.applicant.monthly_net_income = None
    with pytest.raises(Invalid) as refused:
        checks.check_offer(session, offer, by="officer-1", policy=policy, now=NOW)
    assert refused.value.field == "income"


def test_signing_up_ends_the_void_houses_the_applicant_and_lets_the_advert(session, policy, closed):
    advert, first, _ = closed
    offer = offers.accept(session, offered(session, policy, advert), now=NOW)
    start = dt.date(2026, 11, 9)
    tenancy = sign_up(session, offer, tenancy_start=start, tenancy_type=None, support_needs=[], override_reason=None,
                      by="officer-1", policy=policy, now=NOW)
    assert (tenancy.tenancy_type, tenancy.high_risk, tenancy.checks.result) == ("introductory", False, "pass")
    assert offer.property.voids[-1].let_date == start and advert.status == "let"
    assert (first.status, first.status_reason) == ("housed", f"Housed: tenancy {tenancy.reference}.")
    type, data = published(session)[-1]
    assert (type, data["tenant_details"]) == ("lettings.tenancy.started.v2", None)
    with pytest.raises(NotAllowed, match="already been signed up"):
        sign_up(session, offer, tenancy_start=start, tenancy_type=None, support_needs=[], override_reason=None,
                by="officer-1", policy=policy, now=NOW)


def test_a_high_risk_tenancy_carries_the_tenant_sealed_for_sustainment(session, policy, closed):
    advert, *_ = closed
    offer = offers.accept(session, offered(session, policy, advert), now=NOW)
    tenancy = sign_up(session, offer, tenancy_start=dt.date(2026, 11, 9), tenancy_type=None,
                      support_needs=["mental_health"], override_reason=None, by="officer-1", policy=policy, now=NOW)
    assert tenancy.high_risk_reasons == ["support_needs"]
    _, data = published(session)[-1]
    assert data["high_risk"] is True and data["tenant_details"].startswith("sealed.v1.")
    assert "Sam Lee" not in str(data)


def test_failed_checks_block_sign_up_unless_overridden_with_a_reason(session, policy, closed):
    advert, first, _ = closed
    first.monthly_outgoings = Decimal("2100.00")  # nothing left for the rent
    offer = offers.accept(session, offered(session, policy, advert), now=NOW)
    asked = {"tenancy_start": dt.date(2026, 11, 9), "tenancy_type": None, "support_needs": [], "by": "officer-1",
             "policy": policy, "now": NOW}
    with pytest.raises(NotAllowed, match="checks failed"):
        sign_up(session, offer, override_reason=None, **asked)
    tenancy = sign_up(session, offer, override_reason="Housing benefit confirmed.", **asked)
    assert tenancy.override_reason == "Housing benefit confirmed."


def test_a_tenancy_cannot_start_before_the_home_went_void(session, policy, closed):
    advert, *_ = closed
    offer = offers.accept(session, offered(session, policy, advert), now=NOW)
    with pytest.raises(Invalid) as refused:
        sign_up(session, offer, tenancy_start=dt.date(2026, 10, 1), tenancy_type=None, support_needs=[],
                override_reason=None, by="officer-1", policy=policy, now=NOW)
    assert refused.value.field == "tenancy_start"
