"""Referrals to other agencies: made with consent (or a safeguarding reason), answered, chased."""

from __future__ import annotations

import uuid

from flask.views import MethodView

from casework import audit
from casework.auth import current, roles
from casework.db import utcnow
from casework.web import Blueprint, db_session
from sustainment.api.common import CASEWORKERS, load_case, refusals
from sustainment.cases import agency_referrals, reading
from sustainment.models import AgencyReferral, Case
from sustainment.policy import current as policy
from sustainment.schemas import AgencyReferralCreate, AgencyResponse
from sustainment.sensitivity import AgencyReferralRead, audit_read

blp = Blueprint("agency_referrals", __name__, url_prefix="/cases",
                description="Referrals to Adult Social Care, mental-health services, Citizens Advice and others.")


def _load_referral(case: Case, referral_id: uuid.UUID, *, for_update: bool = False) -> AgencyReferral:
    with refusals():
        return reading.find_agency_referral(db_session(), case, referral_id, for_update=for_update)


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
        case = load_case(case_id, for_update=True)
        with refusals():
            return agency_referrals.refer_to_agency(
                db_session(), case, agency=data["agency"], reason=data["reason"], consent_given=data["consent_given"],
                safeguarding_reason=data["safeguarding_reason"], by=current().sub, policy=policy(), now=utcnow())


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
        case = load_case(case_id, for_update=True)
        referral = _load_referral(case, referral_id, for_update=True)
        with refusals():
            return agency_referrals.record_response(db_session(), case, referral, status=data["status"],
                                                    note=data["note"], now=utcnow())
