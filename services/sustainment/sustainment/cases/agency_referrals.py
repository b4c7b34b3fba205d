"""Referrals to other agencies: made with consent (or a safeguarding reason), answered, chased."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from casework import audit, outbox, timers
from sustainment import audited, deadlines, events, rules
from sustainment.journal import on_timeline
from sustainment.models import AgencyReferral, Case


def _label(agency: str) -> str:
    return agency.replace("_", " ").capitalize()


def refer_to_agency(session: Session, case: Case, *, agency: str, reason: str, consent_given: bool,
                    safeguarding_reason: str | None, by: str, policy: rules.Policy,
                    now: dt.datetime) -> AgencyReferral:
    """Refer the tenant to an agency; it is chased when the agency has not answered by its chase date."""
    rules.check_transition(case.status, "work")
    referral = AgencyReferral(
        case_id=case.id, agency=agency, reason=reason, consent_given=consent_given,
        safeguarding_reason=safeguarding_reason, status="sent", sent_at=now, sent_by=by,
        chase_by=rules.agency_chase_by(now.date(), policy),
    )
    session.add(referral)
    session.flush()
    deadlines.schedule_agency_chase(session, case, referral)
    on_timeline(session, case, "agency_referral", f"Referred to {_label(referral.agency)}", referral.id)
    audit.changed(session, "refer_to_agency", "case", case.id, None,
                  {"agency_referral": audited.AGENCY_REFERRAL.dump(referral)})
    outbox.emit(session, events.AGENCY_REFERRAL_MADE, subject=str(case.id),
                data=events.agency_referral_made(case, referral))
    return referral


def record_response(session: Session, case: Case, referral: AgencyReferral, *, status: str, note: str | None,
                    now: dt.datetime) -> AgencyReferral:
    """The agency's answer: sent → acknowledged → accepted or declined. An answer stops the chase."""
    rules.check_transition(case.status, "work")
    rules.check_agency_response(referral.status, status)
    before = audited.AGENCY_REFERRAL.dump(referral)
    referral.status = status
    referral.response_note = note
    if rules.agency_answered(referral.status):
        referral.answered_at = now
        timers.cancel(session, deadlines.agency_chase_key(referral))
    on_timeline(session, case, "agency_response", f"{_label(referral.agency)}: {referral.status}", referral.id)
    audit.changed(session, "agency_response", "case", case.id, {"agency_referral": before},
                  {"agency_referral": audited.AGENCY_REFERRAL.dump(referral)})
    return referral
