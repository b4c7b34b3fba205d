"""A home going void, the register, adverts and bids: what each use case writes (rows, audit,
timers, events) and how it refuses, on an in-memory session."""

import datetime as dt
import uuid

import pytest

from casework_dev.testing import audited, pending_timers, published
from lettings.letting import Invalid, NotAllowed, NotFound, adverts, bids, properties, register

from .conftest import NOW, adult, advertised, applicant, void_home


def test_a_home_going_void_starts_the_void_clock_and_tells_the_others(session):
    prop = void_home(session, bedrooms=2)
    assert prop.reference == "P-000001" and prop.current_void.void_date == dt.date(2026, 10, 19)
    assert audited(session, with_record_type=True) == [("create", "property"), ("void", "property")]
    [(type, data)] = published(session)
    assert type == "lettings.property.void_started.v1"
    assert (data["reference"], data["bedrooms"], data["reason"]) == ("P-000001", 2, "transfer")


def test_a_home_already_void_is_not_made_void_again(session):
    prop = void_home(session)
    with pytest.raises(NotAllowed, match="already void"):
        properties.record_void(session, prop, void_date=dt.date(2026, 10, 20), reason="transfer",
                               ready_to_let_date=None)
    assert len(published(session)) == 1


def test_registering_an_applicant_reckons_the_bedroom_need_and_audits_no_personal_data(session):
    household = [adult(), adult("other", "Alex Lee", dt.date(1960, 1, 1))]
    made = applicant(session, household=household)
    assert (made.reference, made.status, made.bedroom_need) == ("A-000001", "active", 2)
    assert made.lead_name == "Sam Lee"
    assert audited(session, with_record_type=True) == [("create", "applicant")]


def test_a_household_breaking_the_household_rules_is_refused_naming_the_household(session):
    with pytest.raises(Invalid) as refused:
        applicant(session, household=[adult(), adult(name="Jo Lee")])
    assert refused.value.field == "household" and refused.value.messages


def test_a_growing_household_sets_a_timer_for_the_birthday_that_changes_its_need(session):
    child_born = dt.date(2020, 3, 4)
    made = applicant(session, household=[adult(), {"name": "Kim Lee", "date_of_birth": child_born, "sex": "M",
                                                   "relationship": "child"},
                                         {"name": "Max Lee", "date_of_birth": child_born, "sex": "F",
                                          "relationship": "child"}])
    assert list(pending_timers(session)) == [f"bedroom_need:{made.id}"]  # they turn 10 in 2030
    register.change_household(session, made, household=[adult()], by="officer-1", now=NOW)
    assert made.bedroom_need == 1 and pending_timers(session) == {}
    assert audited(session, with_record_type=True)[-1] == ("change", "applicant")


def test_advertising_opens_bidding_once_for_a_void(session):
    prop = void_home(session)
    advert = advertised(session, prop)
    assert (advert.reference, advert.status, advert.published_at) == ("ADV-000002", "open", NOW)
    type, data = published(session)[-1]
    assert (type, data["advert_id"]) == ("lettings.advert.published.v1", str(advert.id))
    with pytest.raises(NotAllowed, match="being advertised already"):
        advertised(session, prop)


def test_an_advert_must_close_in_the_future(session):
    with pytest.raises(Invalid) as refused:
        adverts.advertise(session, void_home(session), closes_at=NOW, now=NOW)
    assert refused.value.field == "closes_at"


def test_a_bid_for_a_home_too_small_is_refused_with_every_reason(session, policy):
    advert = advertised(session, void_home(session, bedrooms=1))
    pair = applicant(session, household=[adult(), adult("other", "Alex Lee", dt.date(1960, 1, 1))])
    with pytest.raises(Invalid) as refused:
        bids.place_bid(session, advert, applicant_id=pair.id, policy=policy, now=NOW)
    assert refused.value.field == "applicant_id"
    assert refused.value.detail == "The applicant cannot be eligible for this home."
    assert len(refused.value.messages) == 1


def test_a_bid_names_an_applicant_on_the_register(session, policy):
    advert = advertised(session, void_home(session))
    with pytest.raises(NotFound, match="No such applicant"):
        bids.place_bid(session, advert, applicant_id=uuid.uuid4(), policy=policy, now=NOW)


def test_one_bid_per_applicant_and_none_once_bidding_has_closed(session, policy):
    advert = advertised(session, void_home(session))
    bidder = applicant(session)
    bid = bids.place_bid(session, advert, applicant_id=bidder.id, policy=policy, now=NOW)
    assert bid.placed_at == NOW and audited(session, with_record_type=True)[-1] == ("bid", "advert")
    with pytest.raises(NotAllowed, match="already bid"):
        bids.place_bid(session, advert, applicant_id=bidder.id, policy=policy, now=NOW)
    with pytest.raises(NotAllowed, match="closed"):
        bids.place_bid(session, advert, applicant_id=bidder.id, policy=policy, now=advert.closes_at)


def test_closing_bidding_counts_the_bids_and_the_eligible_bidders(session, policy):
    advert = advertised(session, void_home(session))
    for _ in range(2):
        bids.place_bid(session, advert, applicant_id=applicant(session).id, policy=policy, now=NOW)
    adverts.close_bidding(session, advert, policy=policy, now=NOW)
    assert (advert.status, advert.closed_at) == ("closed", NOW)
    type, data = published(session)[-1]
    assert (type, data["bids"], data["eligible"]) == ("lettings.advert.closed.v1", 2, 2)
    with pytest.raises(NotAllowed, match="already closed"):
        adverts.close_bidding(session, advert, policy=policy, now=NOW)
