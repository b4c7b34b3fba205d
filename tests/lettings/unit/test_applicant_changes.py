"""An applicant's circumstances change (``applicant_changes.change_applicant``): what each change
sets, what it audits and publishes, the band's dated history, and how it refuses."""

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from casework.audit import AuditEntry
from casework_dev.testing import audited, published
from lettings.letting import Invalid, NotAllowed
from lettings.letting.applicant_changes import band_history, change_applicant
from lettings.models import BandChange

from .conftest import NOW, adult, applicant

MEDICAL = {"reason": "Medical priority awarded by the medical adviser.", "decision_date": dt.date(2026, 10, 28)}


def child(name: str, born: dt.date, sex: str) -> dict:
    return {"name": name, "date_of_birth": born, "sex": sex, "relationship": "child"}


TEENAGERS = [adult(), child("Kim Lee", dt.date(2014, 3, 4), "M"), child("Max Lee", dt.date(2014, 3, 4), "F")]

#: (what changes, the fields named as changed, what the applicant then holds)
CHANGES = [
    ({"income": {"monthly_net": Decimal("1800.00")}}, ["monthly_net_income"],
     {"monthly_net_income": Decimal("1800.00"), "monthly_outgoings": Decimal("900.00")}),
    ({"income": {"monthly_net": None, "monthly_outgoings": Decimal("950")}}, ["monthly_net_income", "monthly_outgoings"],
     {"monthly_net_income": None, "monthly_outgoings": Decimal("950")}),
    ({"income": {"monthly_net": Decimal("2100")}}, [], {"monthly_net_income": Decimal("2100")}),  # the same sum
    ({"needs": {"wheelchair": True}}, ["needs_wheelchair"], {"needs_wheelchair": True, "needs_ground_floor": False}),
    ({"contact": {"email": None}}, ["email"], {"email": None, "phone": "07700 900123"}),
    ({"support_needs": ["mental_health"], "existing_tenant": True}, ["existing_tenant", "support_needs"],
     {"support_needs": ["mental_health"], "existing_tenant": True}),
    ({"reasonable_preference": ["medical_or_welfare"], "move_on_from": "care"},
     ["move_on_from", "reasonable_preference"], {"move_on_from": "care"}),
    ({"household": [adult(), adult("partner", "Alex Lee")]}, ["household"], {"bedroom_need": 1}),
    ({"household": TEENAGERS}, ["bedroom_need", "household"], {"bedroom_need": 3}),
    ({"household": [adult(name="Sam Lee-Patel")]}, ["household"], {"lead_name": "Sam Lee-Patel"}),
    ({"band": "A", "band_change": MEDICAL}, ["band"], {"band": "A", "effective_date": dt.date(2024, 1, 10)}),
    ({"band": "A", "effective_date": dt.date(2026, 10, 28), "band_change": MEDICAL}, ["band", "effective_date"],
     {"band": "A", "effective_date": dt.date(2026, 10, 28)}),
    ({"band": "B", "band_change": MEDICAL}, [], {"band": "B"}),  # no move, no history
]


@pytest.mark.parametrize(("changes", "changed", "holds"), CHANGES)
def test_a_change_sets_what_it_names_and_tells_which_fields_changed(session, changes, changed, holds):
    made = applicant(session)  # band B, income 2100.00 / 900.00, one adult
    change_applicant(session, made, changes=changes, by="officer-2", now=NOW)

    assert {name: getattr(made, name) for name in holds} == holds
    events = [data for type, data in published(session) if type == "lettings.applicant.changed.v1"]
    if changed:
        assert events == [{"applicant_id": str(made.id), "reference": made.reference, "changed": changed,
                           "band": "A" if "band" in changed else None}]
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()[-1]
        assert entry.action == "change" and sorted(entry.before) == sorted(entry.after) == changed
    else:
        assert events == [] and audited(session) == ["create"]


def test_the_audit_holds_each_changed_field_before_and_after(session):
    made = applicant(session)
    change_applicant(session, made, changes={"income": {"monthly_net": Decimal("1800")}, "household": TEENAGERS,
                                             "contact": {"phone": "01793 000000"}}, by="officer-2", now=NOW)

    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "change")).one()
    assert entry.before["monthly_net_income"] == "2100.00" and entry.after["monthly_net_income"] == "1800.00"
    assert (entry.before["phone"], entry.after["phone"]) == ("07700 900123", "01793 000000")
    assert (entry.before["bedroom_need"], entry.after["bedroom_need"]) == (1, 3)
    assert [m["name"] for m in entry.before["household"]] == ["Sam Lee"]
    assert [m["name"] for m in entry.after["household"]] == ["Sam Lee", "Kim Lee", "Max Lee"]
    assert entry.reason is None


def test_the_band_keeps_a_dated_history_from_registration_on(session):
    made = applicant(session)
    later = NOW + dt.timedelta(days=3)
    change_applicant(session, made, changes={"band": "A", "effective_date": dt.date(2026, 10, 28),
                                             "band_change": MEDICAL}, by="officer-2", now=later)

    history = band_history(session, made)
    assert [(h.band, h.effective_date, h.reason, h.decision_date, h.changed_by, h.changed_at) for h in history] == [
        ("B", dt.date(2024, 1, 10), "Band given at registration.", None, "officer-1", NOW),
        ("A", dt.date(2026, 10, 28), MEDICAL["reason"], MEDICAL["decision_date"], "officer-2", later)]
    change = session.scalars(select(AuditEntry).where(AuditEntry.action == "change")).one()
    assert change.reason == MEDICAL["reason"]
    assert (change.before, change.after) == ({"band": "B", "effective_date": "2024-01-10"},
                                             {"band": "A", "effective_date": "2026-10-28"})
    assert audited(session)[-1] == "read"  # the history's reasons may be medical


#: (what is asked, the field the refusal names)
REFUSED = [
    ({"band": "A"}, "band_change"),
    ({"effective_date": dt.date(2026, 1, 1)}, "band_change"),
    ({"band_change": MEDICAL}, "band_change"),
    ({"band_change": MEDICAL, "income": {"monthly_net": Decimal("1")}}, "band_change"),
    ({"household": [adult(), adult(name="Jo Lee")], "income": {"monthly_net": Decimal("1")}}, "household"),
]


@pytest.mark.parametrize(("changes", "field"), REFUSED)
def test_a_change_the_rules_refuse_names_the_field_and_changes_nothing(session, changes, field):
    made = applicant(session)
    with pytest.raises(Invalid) as refused:
        change_applicant(session, made, changes=changes, by="officer-2", now=NOW)

    assert refused.value.field == field and refused.value.messages
    assert (made.band, made.monthly_net_income, len(made.household)) == ("B", Decimal("2100.00"), 1)
    assert published(session) == [] and audited(session) == ["create"]
    assert len(session.scalars(select(BandChange)).all()) == 1


def test_an_anonymised_application_cannot_be_changed(session):
    made = applicant(session)
    made.anonymised_at = NOW
    with pytest.raises(NotAllowed, match="removed"):
        change_applicant(session, made, changes={"contact": {"phone": "01793 000000"}}, by="officer-2", now=NOW)
