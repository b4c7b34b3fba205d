"""``/referrals/{id}/audit``: who did what to a referral, and who read it."""

from __future__ import annotations

from flask.views import MethodView

from casework.audit import AuditEntrySchema
from casework.auth import current, roles
from casework.web import Blueprint, SelectPage, db_session, get_or_404
from intake import access, models, referrals
from intake.api.common import PROBLEM

blp = Blueprint("audit", __name__, url_prefix="/referrals", description="The audit trail of a referral.")


@blp.route("/<uuid:referral_id>/audit")
class ReferralAudit(MethodView):
    @roles(*access.AUDITORS)
    @blp.response(200, AuditEntrySchema(many=True))
    @blp.paginate(SelectPage)
    @blp.alt_response(404, description="No such referral.", **PROBLEM)
    def get(self, referral_id):
        """Read a referral's audit trail

        Every change (who, when, what, with the fields before and after) and every read of the
        referral, newest first, a page at a time. For team leaders. Reading the trail is itself
        recorded.
        """
        session = db_session()
        referral = get_or_404(session, models.Referral, referral_id, where=referrals.visible_to(current()),
                              detail="There is no such referral.")
        return referrals.audit_trail(session, referral)
