"""Sustainment's events are declared once, as the kernel's catalogue has them: what it publishes
(``sustainment.events``) and what it consumes (``sustainment.handlers``)."""

import dataclasses
import datetime as dt
import uuid
from types import SimpleNamespace

import pytest

from casework.contracts import build, catalogue
from casework.contracts.common import EventData
from sustainment import events
from sustainment.handlers import HANDLERS, consumed
from sustainment.service import SERVICE

NOW = dt.datetime(2026, 11, 2, 10, 15, tzinfo=dt.UTC)
CASE = SimpleNamespace(
    id=uuid.uuid4(), reference="S-000042", case_type="sustainment", officer_id="officer-1", risk_level="high",
    first_contact_due=NOW, first_contact_at=None, settling_in_due=None, referral_id=uuid.uuid4(),
    tenancy_ref="T-000123", consecutive_no_access=1, support_ends=dt.date(2027, 1, 25),
    closure_outcome="tenancy_sustained", closed_at=NOW, status="active")
VISIT = SimpleNamespace(id=uuid.uuid4(), kind="home_visit", scheduled_for=NOW, status="no_access")
PLAN = SimpleNamespace(version=2, review_date=dt.date(2027, 2, 1), actions=[{}, {}])
REFERRAL = SimpleNamespace(id=uuid.uuid4(), agency="citizens_advice", consent_given=True, chase_by=dt.date(2026, 11, 16),
                           status="declined")

#: Each declared type with its data as the use cases build it.
BUILT = {
    events.CASE_OPENED: events.case_opened(CASE),
    events.CASE_ASSIGNED: events.case_assigned(CASE, None, "leader-1"),
    events.PLAN_AGREED: events.plan_agreed(CASE, PLAN),
    events.VISIT_SCHEDULED: events.visit_scheduled(CASE, VISIT),
    events.VISIT_RECORDED: events.visit_recorded(CASE, VISIT),
    events.RISK_CHANGED: events.risk_changed(CASE, "medium", cause="no_access_visits", team_leader_alert=True),
    events.AGENCY_REFERRAL_MADE: events.agency_referral_made(CASE, REFERRAL),
    events.AGENCY_REFERRAL_ANSWERED: events.agency_referral_answered(CASE, REFERRAL),
    events.DEADLINE_MISSED: events.deadline_missed(CASE, "visit", NOW, VISIT.id),
    events.SUPPORT_WINDOW_ENDED: events.support_window_ended(CASE),
    events.TENANCY_ENDED: events.tenancy_ended(CASE, {"tenancy_ref": "T-000012", "end_date": dt.date(2027, 3, 31),
                                                      "reason": "transfer"}),
    events.CASE_CLOSED: events.case_closed(CASE),
    events.CONTACT_RECORDED: events.contact_recorded(CASE, NOW),
    events.CASE_REOPENED: events.case_reopened(CASE),
    events.RESTRICTED_READ: events.restricted_read(CASE, "officer-2", NOW),
}


def test_every_event_sustainment_publishes_is_declared_once_in_its_events_module():
    # The retention sweep's count is published by the kernel's sweep, named for the service.
    published = {c.type for c in catalogue.produced_by("sustainment")} - {"casework.sustainment.records.anonymised.v1"}
    assert {"casework." + type for type in events.PUBLISHED + events.RETIRED} == published
    assert len(set(events.PUBLISHED)) == len(events.PUBLISHED)


@pytest.mark.parametrize("type", events.PUBLISHED)
def test_each_payload_builder_makes_data_its_contract_accepts(type):
    serialised = catalogue.serialise("casework." + type, BUILT[type])
    assert serialised["case_id"] == str(CASE.id)


def test_no_event_carries_who_the_tenant_is():
    assert not any("tenant" in key for data in BUILT.values() for key in data)


def test_sustainment_handles_exactly_the_events_the_catalogue_sends_it():
    assert set(SERVICE.handlers) == {c.type for c in catalogue.consumed_by("sustainment")}
    assert consumed(HANDLERS) == HANDLERS


def test_a_catalogue_sending_sustainment_an_event_it_does_not_handle_stops_it_starting():
    known = build()
    known.register("casework.lettings.tenancy.renewed.v1", type("TenancyRenewed", (EventData,), {}),
                   producer="lettings", consumers=("sustainment",))
    with pytest.raises(RuntimeError, match="unhandled.*tenancy.renewed"):
        consumed(HANDLERS, known)


def test_a_handler_for_an_event_the_catalogue_does_not_send_sustainment_stops_it_starting():
    known = build()
    for type_ in list(HANDLERS)[:1]:
        known.contracts[type_] = dataclasses.replace(known.contracts[type_], consumers=("notifications",))
    with pytest.raises(RuntimeError, match="not sent to sustainment"):
        consumed(HANDLERS, known)
