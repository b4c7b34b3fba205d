"""Referrals to agencies in the directory: made with consent (or a safeguarding reason), sent to the
agency (``cases.agency_sending``), answered by the officer or by the agency itself, chased."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from casework import audit, outbox, timers
from sustainment import audited, deadlines, events, rules
from sustainment.cases import Invalid
from sustainment.journal import on_timeline
from sustainment.models import Agency, AgencyReferral, Case


def label(referral: AgencyReferral) -> str:
    """The agency's name as officers read it: the directory's, or an old referral's code in words."""
    if referral.agency_id is not None:
        return referral.agency
    return referral.agency.replace("_", " ").capitalize()


def refer_to_agency(session: Session, case: Case, *, agency_id: Any, reason: str, consent_given: bool,
                    safeguarding_reason: str | None, by: str, policy: rules.Policy,
                    now: dt.datetime) -> AgencyReferral:
    """Refer the tenant to a directory agency; it is chased when the agency has not answered by its
    chase date (the agency's own chase period, else the policy's)."""
    rules.check_transition(case.status, "work")
    agency = session.get(Agency, agency_id)
    if agency is None or not agency.active:
        raise Invalid("agency_id", "Choose an agency of the directory.")
    referral = AgencyReferral(
        case_id=case.id, agency=agency.name[:200], agency_id=agency.id, directory_agency=agency, reason=reason,
        consent_given=consent_given, safeguarding_reason=safeguarding_reason, status="sent", sent_at=now,
        sent_by=by, chase_by=rules.agency_chase_by(now.date(), policy, agency.chase_working_days),
    )
    session.add(referral)
    session.flush()
    deadlines.schedule_agency_chase(session, case, referral)
    on_timeline(session, case, "agency_referral", f"Referred to {label(referral)}", referral.id)
    audit.changed(session, "refer_to_agency", "case", case.id, None,
                  {"agency_referral": audited.AGENCY_REFERRAL.dump(referral)})
    outbox.emit(session, events.AGENCY_REFERRAL_MADE, subject=str(case.id),
                data=events.agency_referral_made(case, referral))
    return referral


def record_response(session: Session, case: Case, referral: AgencyReferral, *, status: str, note: str | None,
                    now: dt.datetime, outcome: str | None = None, by: str | None = None) -> AgencyReferral:
    """The agency's answer, recorded by the officer or sent by the agency: sent → acknowledged →
    accepted or declined; accepted → completed with its outcome. An answer stops the chase and
    closes the officer's chase task."""
    rules.check_transition(case.status, "work")
    rules.check_agency_response(referral.status, status)
    if status == "completed" and not (outcome and outcome.strip()):
        raise Invalid("outcome", "Say what came of the referral.")
    before = audited.AGENCY_REFERRAL.dump(referral)
    was_answered = rules.agency_answered(referral.status)
    referral.status = status
    referral.response_note = note
    if outcome:
        referral.outcome = outcome
    referral.answered_by = by
    if rules.agency_answered(referral.status) and not was_answered:
        referral.answered_at = now
        timers.cancel(session, deadlines.agency_chase_key(referral))
        outbox.emit(session, events.AGENCY_REFERRAL_ANSWERED, subject=str(case.id),
                    data=events.agency_referral_answered(case, referral))
    on_timeline(session, case, "agency_response", f"{label(referral)}: {referral.status}", referral.id)
    audit.changed(session, "agency_response", "case", case.id, {"agency_referral": before},
                  {"agency_referral": audited.AGENCY_REFERRAL.dump(referral)})
    return referral
