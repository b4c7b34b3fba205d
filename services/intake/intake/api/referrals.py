"""``/referrals``: make a referral, list them, read one."""

from __future__ import annotations

from flask.views import MethodView

from casework.auth import current, roles
from casework.db import utcnow
from casework.web import Blueprint, SelectPage, abort, db_session, path_for, rate_limited
from intake import access, policy, referrals
from intake.api.common import PROBLEM
from intake.schemas import Referral, ReferralCreate, ReferralQueryArgs, ReferralRead, ReferralReceipt, ReferralSummary

blp = Blueprint("referrals", __name__, url_prefix="/referrals",
                description="Referrals from front-line systems and partner agencies, risk-scored on arrival.")


@blp.route("")
class Referrals(MethodView):
    @roles(*access.READERS)
    @blp.arguments(ReferralQueryArgs, location="query")
    @blp.response(200, ReferralSummary(many=True))
    @blp.paginate(SelectPage)
    def get(self, args):
        """List referrals

        Newest first, or with `order=triage_due` as the triage queue shows them (soonest triage
        deadline first, then the highest risk). Filtered by status, risk level, source system,
        `reference` (`R-000123`), the date received (`received_from`/`received_to`, UK dates,
        inclusive) and whether triage is overdue. Lists carry references and work-queue fields
        only; read a referral by id for its details. A referring system sees only the referrals
        it made, a housing, income or ASB officer only those they raised.
        """
        return referrals.search(args, current(), utcnow())

    @roles(*access.CREATORS)
    @rate_limited
    @blp.arguments(ReferralCreate, example={
        "source": {"system": "income_recovery", "team": "Income Recovery (North)",
                   "referrer": {"name": "Sam Patel", "email": "sam.patel@council.example", "phone": "01908 000000"}},
        "person": {"name": "Alex Morgan", "date_of_birth": "1984-03-02", "phone": "07700 900123",
                   "email": "alex.morgan@example.com", "address": "Flat 4, 12 Station Road, Milton Keynes MK9 1AA"},
        "tenancy_ref": "T-0042117", "uprn": "25001234", "reasons": ["rent_arrears", "mental_health"],
        "details": "Tenant has stopped engaging with the income team.", "arrears_balance": "1240.50",
        "weekly_rent": "128.40", "consent": {"given": True, "method": "verbal", "recorded_by": "Sam Patel"},
    })
    @blp.response(201, ReferralReceipt, headers={"Location": {"description": "The referral's URL.",
                                                       "schema": {"type": "string"}}})
    def post(self, data):
        """Make a referral

        For a front-line system or partner agency (`referrer`), an intake officer entering a
        phoned-in referral, or a housing, income or anti-social behaviour officer who sees a
        tenant at risk first. The referral is risk-scored (every factor with its points), given a
        triage deadline in working days from its risk level, and linked to any open referral for
        the same tenancy or person received recently (flagged, never refused). Without the
        person's consent a `safeguarding_exemption` with its reason is required (else 422).
        Answers with the referral's id, reference, status, risk and triage deadline; read the
        whole referral at the answer's `Location`. Publishes `intake.referral.received.v2`.
        """
        session = db_session()
        referral = referrals.receive(session, data, principal=current(), policy=policy.current(), now=utcnow())
        return referral, {"Location": path_for("referrals.ReferralById", referral_id=referral.id)}


@blp.route("/<uuid:referral_id>")
class ReferralById(MethodView):
    @roles(*access.READERS)
    @blp.arguments(ReferralRead, location="query")
    @blp.response(200, Referral)
    @blp.alt_response(404, description="No such referral, or not one the caller may see.", **PROBLEM)
    def get(self, args, referral_id):
        """Read a referral

        With its risk factors, triage deadline, possible duplicates (officers only) and triage
        outcome. Every read is recorded in the referral's audit trail. A referring system may
        poll this to follow the status of a referral it made.

        Safeguarding and health details are restricted to intake officers, team leaders, admins and
        the referrer that sent them (each such read audited as `read_restricted`); others get them
        left out and named in `restricted`, unless they give a `break_glass_reason`: that read is
        audited as `break_glass` and the intake team's manager is told.
        """
        referral = referrals.read(db_session(), referral_id, current(), break_glass_reason=args.get("break_glass_reason"))
        if referral is None:
            abort(404, "There is no such referral, or it is not one you may see.")
        return referral
