"""The agency's side of a referral sent to it: the secure link it was given, where it reads the
referral and records its answer. The link's token is the only credential (no Casework account);
each read is audited as the agency's. A browser opening the link gets the page instead
(``sustainment.web.agency_link``), calling the same use cases."""

from __future__ import annotations

from flask.views import MethodView

from casework.db import utcnow
from casework.web import Blueprint, db_session
from sustainment.api.common import refusals
from sustainment.cases import agency_sending
from sustainment.schemas import AgencyReferral as AgencyReferralSchema
from sustainment.schemas import AgencyReferralForAgency, AgencyResponse

blp = Blueprint("agency_links", __name__, url_prefix="/agency-links",
                description="Agencies read the referrals sent to them and answer, through the link they were sent.")


@blp.route("/<string:token>")
class AgencyLink(MethodView):
    @blp.doc(security=[])
    @blp.response(200, AgencyReferralForAgency)
    def get(self, token: str):
        """Read a referral sent to your agency

        What the agency needs to contact the tenant: the case reference, the reason for the referral
        and the tenant's name and contact details, shared with their consent. Audited as the agency's read.
        """
        with refusals():
            referral, case = agency_sending.read_by_agency(db_session(), token)
        return {"agency_referral_id": referral.id, "case_reference": case.reference, "agency": referral.agency,
                "status": referral.status, "sent_at": referral.sent_at, "chase_by": referral.chase_by,
                "reason": referral.reason, "officer_id": case.officer_id,
                "tenant": {"name": case.tenant_name, "phone": case.tenant_phone, "email": case.tenant_email,
                           "address": case.tenant_address}}


@blp.route("/<string:token>/response")
class AgencyLinkResponse(MethodView):
    @blp.doc(security=[])
    @blp.arguments(AgencyResponse)
    @blp.response(200, AgencyReferralSchema(only=("id", "agency", "status", "answered_at", "chase_by")))
    @blp.alt_response(409, description="The referral cannot move to that status, or the case is closed.")
    def post(self, data, token: str):
        """Answer a referral sent to your agency

        `acknowledged`, then `accepted` or `declined`; after `accepted`, `completed` with its `outcome`.
        """
        with refusals():
            return agency_sending.answer_by_agency(db_session(), token, status=data["status"], note=data["note"],
                                                   outcome=data["outcome"], now=utcnow())
