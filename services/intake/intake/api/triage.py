"""``/referrals/{id}/triage`` and ``/referrals/{id}/withdraw``: the referral's status changes."""

from __future__ import annotations

from flask.views import MethodView

from casework.auth import current, roles
from casework.db import utcnow
from casework.web import Blueprint, abort, db_session, load_for_update
from intake import access, models, policy, referrals
from intake.api.common import PROBLEM
from intake.domain.triage import IllegalChange
from intake.schemas import Referral, TriageDecision, WithdrawalRequest

blp = Blueprint("triage", __name__, url_prefix="/referrals",
                description="Triage by intake officers, and withdrawal by the referrer.")


def _referral(referral_id):
    """The referral locked for its change, If-Match checked; 404 when the caller may not see it."""
    return load_for_update(db_session(), models.Referral, referral_id, shown_as=Referral,
                           where=referrals.visible_to(current()),
                           not_found="There is no such referral, or it is not one you may see.")


@blp.route("/<uuid:referral_id>/triage")
class TriageReferral(MethodView):
    @roles(*access.TRIAGERS)
    @blp.arguments(TriageDecision, example={"outcome": "accept", "priority": "urgent"})
    @blp.response(200, Referral)
    @blp.alt_response(404, description="No such referral.", **PROBLEM)
    @blp.alt_response(409, description="The referral was already triaged or withdrawn.", **PROBLEM)
    @blp.alt_response(412, description="The referral changed since the If-Match ETag was read.", **PROBLEM)
    def post(self, decision, referral_id):
        """Triage a referral

        `accept` (with a `priority`: routine, urgent or emergency; default from the risk level),
        `reject` (a `reason` is required) or `signpost` (`signposted_to` names the service).
        A referral is triaged once: a second triage is 409. Publishes
        `intake.referral.accepted.v2` (what sustainment needs to open a case),
        `intake.referral.rejected.v1` or `intake.referral.signposted.v1`.
        """
        referral = _referral(referral_id)
        try:
            return referrals.triage_referral(db_session(), referral, decision, principal=current(),
                                             policy=policy.current(), now=utcnow())
        except IllegalChange as exc:
            abort(409, str(exc))


@blp.route("/<uuid:referral_id>/withdraw")
class WithdrawReferral(MethodView):
    @roles("referrer")
    @blp.arguments(WithdrawalRequest, example={"reason": "The arrears were cleared."})
    @blp.response(200, Referral)
    @blp.alt_response(404, description="No such referral, or not one the caller made.", **PROBLEM)
    @blp.alt_response(409, description="The referral was already triaged or withdrawn.", **PROBLEM)
    @blp.alt_response(412, description="The referral changed since the If-Match ETag was read.", **PROBLEM)
    def post(self, withdrawal, referral_id):
        """Withdraw a referral

        The referring system that made a referral may withdraw it while it waits for triage.
        Publishes `intake.referral.withdrawn.v1`.
        """
        referral = _referral(referral_id)
        try:
            return referrals.withdraw(db_session(), referral, withdrawal.get("reason"), now=utcnow())
        except IllegalChange as exc:
            abort(409, str(exc))
