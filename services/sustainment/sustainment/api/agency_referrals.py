"""Referrals to other agencies: made with consent (or a safeguarding reason), answered, chased."""

from __future__ import annotations

import uuid

from flask.views import MethodView

from casework import audit, outbox, timers
from casework.auth import current, roles
from casework.db import utcnow
from casework.web import Blueprint, abort, db_session
from sustainment import deadlines, rules
from sustainment.api.common import CASEWORKERS, guard, load_case
from sustainment.journal import case_ref, on_timeline
from sustainment.models import AgencyReferral, Case
from sustainment.policy import current as policy
from sustainment.schemas import AgencyReferral as AgencyReferralSchema
from sustainment.schemas import AgencyReferralCreate, AgencyResponse
from sustainment.sensitivity import AgencyReferralRead, audit_read

#: What the audit log keeps of a referral: no narrative (see ``common.snapshot``).
AUDITED = AgencyReferralSchema(exclude=("reason", "safeguarding_reason", "response_note"))

blp = Blueprint("agency_referrals", __name__, url_prefix="/cases",
                description="Referrals to Adult Social Care, mental-health services, Citizens Advice and others.")


def _label(agency: str) -> str:
    return agency.replace("_", " ").capitalize()


def _load_referral(case: Case, referral_id: uuid.UUID, *, for_update: bool = False) -> AgencyReferral:
    session = db_session()
    referral = session.get(AgencyReferral, referral_id, with_for_update=True) if for_update \
        else session.get(AgencyReferral, referral_id)
    if referral is None or referral.case_id != case.id:
        abort(404, "There is no such agency referral on this case.")
    return referral


@blp.route("/<uuid:case_id>/agency-referrals")
class AgencyReferrals(MethodView):
    @roles(*CASEWORKERS)
    @blp.response(200, AgencyReferralRead(many=True))
    def get(self, case_id: uuid.UUID):
        """List a case's agency referrals

        Oldest first. Audited as a read of the case.
        """
        case = load_case(case_id)
        audit.read(db_session(), "case", case.id)
        audit_read(db_session(), case, within="agency_referrals")
        return case.agency_referrals

    @roles(*CASEWORKERS)
    @blp.arguments(AgencyReferralCreate, example={
        "agency": "citizens_advice", "reason": "Benefits check and budgeting support.", "consent_given": True})
    @blp.response(201, AgencyReferralRead)
    @blp.alt_response(409, description="The case is closed.")
    def post(self, data, case_id: uuid.UUID):
        """Refer the tenant to an agency

        Needs the tenant's consent, unless a safeguarding reason is recorded (422 otherwise).
        The referral is chased when the agency has not answered by its chase date.
        """
        session = db_session()
        case = load_case(case_id, for_update=True)
        guard(case, "work")
        now = utcnow()
        referral = AgencyReferral(
            case_id=case.id, agency=data["agency"], reason=data["reason"], consent_given=data["consent_given"],
            safeguarding_reason=data["safeguarding_reason"], status="sent", sent_at=now, sent_by=current().sub,
            chase_by=rules.agency_chase_by(now.date(), policy()),
        )
        session.add(referral)
        session.flush()
        deadlines.schedule_agency_chase(session, case, referral)
        on_timeline(session, case, "agency_referral", f"Referred to {_label(referral.agency)}", referral.id)
        audit.changed(session, "refer_to_agency", "case", case.id, None,
                      {"agency_referral": AUDITED.dump(referral)})
        # Not the agency nor the consent: either can reveal health, offending or a safeguarding concern.
        outbox.emit(session, "sustainment.agency_referral.made.v2", subject=str(case.id), data={
            **case_ref(case), "agency_referral_id": referral.id, "chase_by": referral.chase_by,
        })
        return referral


@blp.route("/<uuid:case_id>/agency-referrals/<uuid:referral_id>")
class AgencyReferralById(MethodView):
    @roles(*CASEWORKERS)
    @blp.response(200, AgencyReferralRead)
    def get(self, case_id: uuid.UUID, referral_id: uuid.UUID):
        """Read an agency referral

        Audited as a read of the case.
        """
        case = load_case(case_id)
        referral = _load_referral(case, referral_id)
        audit.read(db_session(), "case", case.id)
        audit_read(db_session(), case, within="agency_referrals")
        return referral


@blp.route("/<uuid:case_id>/agency-referrals/<uuid:referral_id>/response")
class AgencyReferralResponse(MethodView):
    @roles(*CASEWORKERS)
    @blp.arguments(AgencyResponse)
    @blp.response(200, AgencyReferralRead)
    @blp.alt_response(409, description="The referral cannot move to that status.")
    def post(self, data, case_id: uuid.UUID, referral_id: uuid.UUID):
        """Record the agency's answer

        sent → acknowledged → accepted or declined. An answer (accepted or declined) stops the chase.
        """
        session = db_session()
        case = load_case(case_id, for_update=True)
        referral = _load_referral(case, referral_id, for_update=True)
        guard(case, "work")
        try:
            rules.check_agency_response(referral.status, data["status"])
        except rules.IllegalTransition as exc:
            abort(409, str(exc))
        before = AUDITED.dump(referral)
        referral.status = data["status"]
        referral.response_note = data["note"]
        if rules.agency_answered(referral.status):
            referral.answered_at = utcnow()
            timers.cancel(session, deadlines.agency_chase_key(referral))
        on_timeline(session, case, "agency_response", f"{_label(referral.agency)}: {referral.status}", referral.id)
        audit.changed(session, "agency_response", "case", case.id, {"agency_referral": before},
                      {"agency_referral": AUDITED.dump(referral)})
        return referral
