"""Lettings' events are declared once, as the kernel's catalogue has them (``lettings.events``)."""

import datetime as dt
import uuid
from decimal import Decimal
from types import SimpleNamespace

import pytest

from casework.contracts import catalogue
from casework.sealing import PREFIX
from lettings import events
from lettings.domain.shortlist import Shortlist
from lettings.service import SERVICE

NOW = dt.datetime(2026, 11, 2, 10, 15, tzinfo=dt.UTC)
PROPERTY = SimpleNamespace(id=uuid.uuid4(), reference="P-000001", bedrooms=2, property_type="flat",
                           address="1 High Street, Anytown", uprn="100023336956", weekly_rent=Decimal("98.50"))
VOID = SimpleNamespace(void_date=dt.date(2026, 10, 26), reason="transfer")
ADVERT = SimpleNamespace(id=uuid.uuid4(), reference="ADV-000002", property_id=PROPERTY.id, closes_at=NOW)
APPLICANT = SimpleNamespace(id=uuid.uuid4(), reference="A-000005", band="A", lead_name="Sam Lee",
                            lead_date_of_birth=dt.date(1990, 5, 1), phone="07700900123", email="sam@example.org",
                            status="suspended", status_reason="Two unreasonable refusals.",
                            suspended_until=dt.date(2027, 11, 2))
OFFER = SimpleNamespace(id=uuid.uuid4(), reference="O-000003", advert_id=ADVERT.id, property_id=PROPERTY.id,
                        applicant_id=APPLICANT.id, respond_by=NOW, direct_match_reason=None, refusal_reasonable=False)
TENANCY = SimpleNamespace(id=uuid.uuid4(), reference="T-000004", offer_id=OFFER.id, tenancy_start=dt.date(2026, 11, 9),
                          tenancy_type="introductory", high_risk=True, high_risk_reasons=["support_needs"],
                          support_needs=["mental_health"])
ENDED = SimpleNamespace(id=TENANCY.id, reference=TENANCY.reference, property_id=PROPERTY.id,
                        applicant_id=APPLICANT.id, end_date=dt.date(2027, 3, 31), end_reason="transfer")
PACK = SimpleNamespace(id=uuid.uuid4())
SHORTLIST = Shortlist(ranked=[object(), object()], excluded=[object()])

#: Each declared type with its data as the use cases build it.
BUILT = {
    events.PROPERTY_VOID_STARTED: events.property_void_started(PROPERTY, VOID),
    events.ADVERT_PUBLISHED: events.advert_published(ADVERT),
    events.ADVERT_CLOSED: events.advert_closed(ADVERT, SHORTLIST),
    events.OFFER_MADE: events.offer_made(OFFER, bypassed=1),
    events.OFFER_ACCEPTED: events.offer_ref(OFFER),
    events.OFFER_REFUSED: events.offer_refused(OFFER, applicant_suspended=True, bidders_left=2),
    events.OFFER_WITHDRAWN: events.offer_not_taken_up(OFFER, bidders_left=0),
    events.OFFER_EXPIRED: events.offer_not_taken_up(OFFER, bidders_left=1),
    events.TENANCY_STARTED: events.tenancy_started(TENANCY, PROPERTY, APPLICANT),
    events.TENANCY_ENDED: events.tenancy_ended(ENDED),
    events.APPLICANT_CHANGED: events.applicant_changed(APPLICANT, ["band", "monthly_net_income"]),
    events.APPLICANT_STATUS_CHANGED: events.applicant_status_changed(APPLICANT, from_status="active",
                                                                     cause="unreasonable_refusals"),
    events.SIGN_UP_PACK_NOT_SIGNED: events.sign_up_pack_not_signed(OFFER, PACK, outcome="declined"),
}


def test_every_event_lettings_publishes_is_declared_once_in_its_events_module():
    # The retention sweep's count is published by the kernel's sweep, named for the service.
    published = {c.type for c in catalogue.produced_by("lettings")} - {"casework.lettings.records.anonymised.v1"}
    assert {"casework." + type for type in events.PUBLISHED + events.RETIRED} == published
    assert len(set(events.PUBLISHED)) == len(events.PUBLISHED)


@pytest.mark.parametrize("type", events.PUBLISHED)
def test_each_payload_builder_makes_exactly_the_data_its_contract_declares(type):
    assert set(BUILT[type]) == set(catalogue.get("casework." + type).schema().fields)
    catalogue.serialise("casework." + type, BUILT[type])  # raises when the contract refuses it


def test_the_offer_events_carry_the_offer_reference_and_no_reasons():
    for type in (events.OFFER_MADE, events.OFFER_ACCEPTED, events.OFFER_REFUSED, events.OFFER_WITHDRAWN,
                 events.OFFER_EXPIRED):
        assert BUILT[type]["offer_id"] == OFFER.id
        assert not any(key.endswith("reason") for key in BUILT[type])  # the officers' and applicant's words


def test_a_status_change_carries_the_move_and_its_cause_not_the_officers_reason():
    data = BUILT[events.APPLICANT_STATUS_CHANGED]
    assert data == {"applicant_id": APPLICANT.id, "reference": "A-000005", "from_status": "active",
                    "to_status": "suspended", "suspended_until": dt.date(2027, 11, 2),
                    "cause": "unreasonable_refusals"}
    assert "refusals." not in str(catalogue.serialise("casework." + events.APPLICANT_STATUS_CHANGED, data))


def test_a_high_risk_tenancy_carries_the_tenant_sealed_for_sustainment_alone():
    serialised = catalogue.serialise("casework." + events.TENANCY_STARTED, BUILT[events.TENANCY_STARTED])
    assert serialised["tenant_details"].startswith(PREFIX) and "Sam Lee" not in str(serialised)
    loaded = catalogue.load("casework." + events.TENANCY_STARTED, serialised)
    details = catalogue.unseal("casework." + events.TENANCY_STARTED, loaded, "tenant_details")
    assert details["tenant"]["name"] == "Sam Lee" and details["support_needs"] == ["mental_health"]


def test_a_tenancy_that_is_not_high_risk_carries_no_tenant():
    low_risk = SimpleNamespace(**{**vars(TENANCY), "high_risk": False, "high_risk_reasons": [], "support_needs": []})
    data = events.tenancy_started(low_risk, PROPERTY, APPLICANT)
    assert data["tenant_details"] is None
    assert catalogue.serialise("casework." + events.TENANCY_STARTED, data)["tenant_details"] is None


def test_a_tenancy_end_carries_references_its_date_and_a_reason_code_only():
    data = catalogue.serialise("casework." + events.TENANCY_ENDED, BUILT[events.TENANCY_ENDED])
    assert data == {"tenancy_id": str(TENANCY.id), "tenancy_ref": "T-000004", "property_id": str(PROPERTY.id),
                    "applicant_id": str(APPLICANT.id), "end_date": "2027-03-31", "reason": "transfer"}


def test_lettings_handles_exactly_the_events_the_catalogue_sends_it():
    assert set(SERVICE.handlers) == {c.type for c in catalogue.consumed_by("lettings")}


def test_an_applicant_change_names_the_fields_and_carries_no_personal_details():
    data = events.applicant_changed(APPLICANT, ["household", "phone"])
    assert data == {"applicant_id": APPLICANT.id, "reference": "A-000005", "changed": ["household", "phone"],
                    "band": None}
    assert BUILT[events.APPLICANT_CHANGED]["band"] == "A"  # a decision of the council's, not a detail of theirs
