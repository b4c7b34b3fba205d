"""The case work forms: visits (schedule, record the outcome, a visit already made), agency
referrals and their answers, contacts, notes and risk. Each posts, calls one use case, and
redirects back to the case; a refused form is the page it was on again with its errors (422, or
409 when the case's state does not allow it): the case page, or its own (``work_pages``)."""

from __future__ import annotations

import uuid

from marshmallow import Schema

from casework.context import Principal
from casework.db import utcnow
from casework.pages import officer_page
from casework.web import db_session
from sustainment.cases import agency_referrals, agency_sending, contacts, notes, reading, risk, visits
from sustainment.policy import current as policy
from sustainment.schemas import (
    AgencyReferralCreate,
    AgencyResponse,
    ContactCreate,
    NoteCreate,
    RiskChangeCreate,
    VisitCreate,
    VisitMade,
    VisitOutcome,
)

from . import forms
from .blueprint import blueprint
from .common import CASEWORKERS, FORM_PAGES, Refused, done, form_page, keep_what_the_page_shows, refusals, refused_page

#: The sending form carries nothing but the case's version.
_NOTHING = Schema()


def _work(key: str, name: str, form, schema, change, message: str, anchor: str, **given):
    """Check ``form`` as the API checks its body, then ``change(session, case, data)`` on the case
    locked for it; back to the case with ``message``, or the page the form was on again, refused."""
    def again(status: int):
        if name in FORM_PAGES:  # a form with a page of its own (work_pages)
            keep_what_the_page_shows()
            return form_page(key, name, form, status=status)
        return refused_page(key, status, **{name: form}, **given)

    data = forms.checked(form, schema) if form.validate() else None
    if data is None:
        return again(422)
    try:
        with refusals(form):
            case = reading.find_case(db_session(), key, for_update=True)
            change(db_session(), case, data)
    except Refused as refusal:
        return again(refusal.status)
    return done(case, message, anchor)


@blueprint.post("/app/cases/<key>/visits")
@officer_page(*CASEWORKERS)
def schedule_visit(me: Principal, key: str):
    return _work(key, "schedule", forms.ScheduleVisitForm(prefix="schedule"), VisitCreate(), lambda session, case, data:
                 visits.schedule_visit(session, case, kind=data["kind"], scheduled_for=data["scheduled_for"],
                                       by=me.sub, policy=policy()), "Visit scheduled", "visits")


@blueprint.post("/app/cases/<key>/visits/made")
@officer_page(*CASEWORKERS)
def record_visit_made(me: Principal, key: str):
    return _work(key, "made", forms.VisitMadeForm(prefix="made"), VisitMade(), lambda session, case, data:
                 visits.record_visit_made(session, case, kind=data["kind"], visited_at=data["visited_at"],
                                          outcome=data["outcome"], notes=data["notes"],
                                          risks_identified=data["risks_identified"], by=me.sub, policy=policy(),
                                          now=utcnow()), "Visit recorded", "visits")


@blueprint.post("/app/cases/<key>/visits/<uuid:visit_id>/outcome")
@officer_page(*CASEWORKERS)
def record_outcome(me: Principal, key: str, visit_id: uuid.UUID):
    prefix = f"v{_position(key, 'visits', visit_id)}"

    def change(session, case, data):
        visit = reading.find_visit(session, case, visit_id, for_update=True)
        visits.record_outcome(session, case, visit, outcome=data["outcome"], notes=data["notes"],
                              risks_identified=data["risks_identified"], by=me.sub, policy=policy(), now=utcnow())

    return _work(key, "outcome", forms.VisitOutcomeForm(prefix=prefix), VisitOutcome(), change,
                 "Visit outcome recorded", "visits", visit_id=str(visit_id))


@blueprint.post("/app/cases/<key>/agency-referrals")
@officer_page(*CASEWORKERS)
def refer_to_agency(me: Principal, key: str):
    return _work(key, "agency", forms.AgencyReferralForm(prefix="agency"), AgencyReferralCreate(), lambda session, case, data:
                 agency_referrals.refer_to_agency(
                     session, case, agency_id=data["agency_id"], reason=data["reason"], consent_given=data["consent_given"],
                     safeguarding_reason=data["safeguarding_reason"], by=me.sub, policy=policy(), now=utcnow()),
                 "Agency referral made", "agencies")


@blueprint.post("/app/cases/<key>/agency-referrals/<uuid:referral_id>/response")
@officer_page(*CASEWORKERS)
def record_agency_response(me: Principal, key: str, referral_id: uuid.UUID):
    prefix = f"a{_position(key, 'agency_referrals', referral_id)}"

    def change(session, case, data):
        referral = reading.find_agency_referral(session, case, referral_id, for_update=True)
        agency_referrals.record_response(session, case, referral, status=data["status"], note=data["note"],
                                         outcome=data["outcome"], now=utcnow(), by=me.sub)

    return _work(key, "answer", forms.AgencyResponseForm(prefix=prefix), AgencyResponse(), change,
                 "Agency's answer recorded", "agencies", referral_id=str(referral_id))


@blueprint.post("/app/cases/<key>/agency-referrals/<uuid:referral_id>/sending")
@officer_page(*CASEWORKERS)
def send_to_agency(me: Principal, key: str, referral_id: uuid.UUID):
    prefix = f"s{_position(key, 'agency_referrals', referral_id)}"

    def change(session, case, data):
        referral = reading.find_agency_referral(session, case, referral_id, for_update=True)
        agency_sending.send_to_agency(session, case, referral, by=me.sub, now=utcnow())

    return _work(key, "sending", forms.SendToAgencyForm(prefix=prefix), _NOTHING, change,
                 "Referral sent to the agency", "agencies", referral_id=str(referral_id))


@blueprint.post("/app/cases/<key>/contacts")
@officer_page(*CASEWORKERS)
def record_contact(me: Principal, key: str):
    return _work(key, "contact", forms.ContactForm(prefix="contact"), ContactCreate(), lambda session, case, data:
                 contacts.record_contact(session, case, method=data["method"], made_at=data["made_at"],
                                         notes=data["notes"], by=me.sub, now=utcnow()), "Contact recorded", "contacts")


@blueprint.post("/app/cases/<key>/notes")
@officer_page(*CASEWORKERS)
def add_note(me: Principal, key: str):
    return _work(key, "note", forms.NoteForm(prefix="note"), NoteCreate(), lambda session, case, data:
                 notes.add_note(session, case, text=data["text"], category=data["category"], by=me.sub, now=utcnow()),
                 "Note added", "notes")


@blueprint.post("/app/cases/<key>/risk")
@officer_page(*CASEWORKERS)
def change_risk(me: Principal, key: str):
    return _work(key, "risk", forms.RiskForm(prefix="risk"), RiskChangeCreate(), lambda session, case, data:
                 risk.change_risk(session, case, risk_level=data["risk_level"], reason=data["reason"], by=me.sub,
                                  now=utcnow()), "Risk changed", "risk")


def _position(key: str, records: str, record_id: uuid.UUID) -> int:
    """Where the record is in the case's list: its form's prefix on the page (``v0``, ``a1``)."""
    with refusals(None):
        case = reading.find_case(db_session(), key)
    ids = [item.id for item in getattr(case, records)]
    return ids.index(record_id) if record_id in ids else 0


