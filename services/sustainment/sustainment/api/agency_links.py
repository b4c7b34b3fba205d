"""The agency's side of a referral sent to it: the secure link it was given, where it reads the
referral and records its answer. The link's token is the only credential (no Casework account);
each read is audited as the agency's."""

from __future__ import annotations

from flask.views import MethodView

from casework import audit, context
from casework.context import Principal
from casework.db import utcnow
from casework.web import Blueprint, db_session
from sustainment.api.common import refusals
from sustainment.cases import NotFound, agency_referrals, agency_sending
from sustainment.models import AgencyReferral, Case
from sustainment.schemas import AgencyReferral as AgencyReferralSchema
from sustainment.schemas import AgencyReferralForAgency, AgencyResponse

blp = Blueprint("agency_links", __name__, url_prefix="/agency-links",
                description="Agencies read the referrals sent to them and answer, through the link they were sent.")


def _referral(token: str, *, for_update: bool = False) -> tuple[AgencyReferral, Case]:
    session = db_session()
    with refusals():
        referral = agency_sending.referral_for_token(session, token, for_update=for_update)
        case = session.get(Case, referral.case_id, with_for_update=for_update)
        if case is None or case.anonymised_at is not None or not referral.deliveries:
            raise NotFound("There is no such referral.")
    return referral, case


def _as_agency(referral: AgencyReferral) -> context.bound:
    return context.bound(principal=Principal(sub=f"agency:{referral.agency_id}", name=referral.agency))


@blp.route("/<string:token>")
class AgencyLink(MethodView):
    @blp.doc(security=[])
    @blp.response(200, AgencyReferralForAgency)
    def get(self, token: str):
        """Read a referral sent to your agency

        What the agency needs to contact the tenant: the case reference, the reason for the referral
        and the tenant's name and contact details, shared with their consent. Audited as the agency's read.
        """
        referral, case = _referral(token)
        with _as_agency(referral):
            audit.read(db_session(), "case", case.id)
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
        referral, case = _referral(token, for_update=True)
        with _as_agency(referral), refusals():
            return agency_referrals.record_response(db_session(), case, referral, status=data["status"],
                                                    note=data["note"], outcome=data["outcome"], now=utcnow(),
                                                    by="agency")
