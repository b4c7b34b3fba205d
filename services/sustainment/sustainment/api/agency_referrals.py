"""Referrals to other agencies: made with consent (or a safeguarding reason), answered, chased."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from sqlalchemy import select

from casework import audit
from casework.auth import current, roles
from casework.db import utcnow
from casework.web import Blueprint, abort, db_session
from sustainment.api.common import CASEWORKERS, load_case, refusals
from sustainment.cases import agency_referrals, agency_sending, reading
from sustainment.models import AgencyDelivery, AgencyReferral, Case
from sustainment.policy import current as policy
from sustainment.schemas import AgencyDelivery as AgencyDeliverySchema
from sustainment.schemas import AgencyDeliveryQueryArgs, AgencyReferralCreate, AgencyResponse
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
        "agency_id": "0b8f5a52-6a7e-4a43-9d0e-6f2b8f1f0c11", "reason": "Benefits check and budgeting support.",
        "consent_given": True})
    @blp.response(201, AgencyReferralRead)
    @blp.alt_response(409, description="The case is closed.")
    def post(self, data, case_id: uuid.UUID):
        """Refer the tenant to an agency

        The agency is one of the directory's (`GET /agencies`). Needs the tenant's consent, unless a
        safeguarding reason is recorded (422 otherwise). The referral is chased when the agency has not
        answered by its chase date (the agency's own chase period, else the policy's).
        """
        case = load_case(case_id, for_update=True)
        with refusals():
            return agency_referrals.refer_to_agency(
                db_session(), case, agency_id=data["agency_id"], reason=data["reason"], consent_given=data["consent_given"],
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

        sent → acknowledged → accepted or declined; accepted → completed with its `outcome`. An answer
        (accepted or declined) stops the chase and closes the officer's chase task.
        """
        case = load_case(case_id, for_update=True)
        referral = _load_referral(case, referral_id, for_update=True)
        with refusals():
            return agency_referrals.record_response(db_session(), case, referral, status=data["status"],
                                                    note=data["note"], outcome=data["outcome"], now=utcnow(),
                                                    by=current().sub)


@blp.route("/<uuid:case_id>/agency-referrals/<uuid:referral_id>/sending")
class AgencyReferralSending(MethodView):
    @roles(*CASEWORKERS)
    @blp.response(202, AgencyDeliverySchema)
    @blp.alt_response(409, description="No consent, an agency that takes no referrals by e-mail or webhook, "
                                        "a referral already answered, or the case is closed.")
    def post(self, case_id: uuid.UUID, referral_id: uuid.UUID):
        """Send the referral to the agency

        By e-mail with a secure link, or a signed webhook, as the directory sets the agency up; it
        carries references and the link, never the tenant's details (the agency reads them through
        the link, audited). Only with the tenant's consent. Sent by the worker: tried again with a
        growing delay, then parked as `failed` for a team leader to replay.
        """
        case = load_case(case_id, for_update=True)
        referral = _load_referral(case, referral_id, for_update=True)
        with refusals():
            return agency_sending.send_to_agency(db_session(), case, referral, by=current().sub, now=utcnow())


deliveries = Blueprint("agency_deliveries", __name__, url_prefix="/agency-deliveries",
                       description="Referrals sent to agencies: the delivery log, and replaying what failed.")


@deliveries.route("")
class AgencyDeliveries(MethodView):
    @roles("team_leader")
    @deliveries.arguments(AgencyDeliveryQueryArgs, location="query")
    @deliveries.response(200, AgencyDeliverySchema(many=True))
    def get(self, args):
        """List the deliveries to agencies

        Newest first; `status=failed` lists the parked ones.
        """
        query = select(AgencyDelivery).order_by(AgencyDelivery.created_at.desc()).limit(500)
        if args["status"]:
            query = query.where(AgencyDelivery.status == args["status"])
        return list(db_session().scalars(query))


@deliveries.route("/<uuid:delivery_id>/replay")
class AgencyDeliveryReplay(MethodView):
    @roles("team_leader")
    @deliveries.response(202, AgencyDeliverySchema)
    @deliveries.alt_response(409, description="The delivery has not failed.")
    def post(self, delivery_id: uuid.UUID):
        """Replay a failed delivery

        Tried again from its first attempt.
        """
        delivery = db_session().get(AgencyDelivery, delivery_id, with_for_update=True)
        if delivery is None:
            abort(404, "There is no such delivery.")
        with refusals():
            return agency_sending.replay(db_session(), delivery, now=utcnow())
