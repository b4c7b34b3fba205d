"""Offers: direct matches, answers, pre-tenancy checks and sign-up."""

from flask.views import MethodView
from sqlalchemy import select

from casework import records
from casework.auth import current, roles
from casework.db import utcnow
from casework.web import Blueprint, SelectPage, db_session
from lettings.access import OFFICERS
from lettings.api.common import get_applicant, get_offer, get_property, refusals
from lettings.letting import checks, offers, statuses
from lettings.letting.sign_up import sign_up
from lettings.models import Offer
from lettings.policy import current as current_policy
from lettings.schemas.offers import (
    DirectOfferCreate,
    OfferQueryArgs,
    OfferRefusal,
    OfferWithdrawal,
    PreTenancyCheck,
    SignUp,
)
from lettings.schemas.offers import Offer as OfferSchema
from lettings.schemas.offers import Tenancy as TenancySchema
from lettings.schemas.statuses import RefusalReviewCreate

blp = Blueprint("offers", __name__, url_prefix="/offers", description="Offers, pre-tenancy checks and sign-up.")


@blp.route("")
class DirectOffers(MethodView):
    @roles(*OFFICERS)
    @blp.arguments(OfferQueryArgs, location="query")
    @blp.response(200, OfferSchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, args):
        """List offers

        Newest first; filter by `reference` (`O-000007`), status, advert, home and applicant."""
        stmt = select(Offer).order_by(Offer.made_at.desc(), Offer.id)
        for name in ("status", "advert_id", "property_id", "applicant_id"):
            if name in args:
                stmt = stmt.where(getattr(Offer, name) == args[name])
        if "reference" in args:
            stmt = stmt.where(records.reference_is(Offer.reference, args["reference"]))
        return stmt

    @roles(*OFFICERS)
    @blp.arguments(DirectOfferCreate)
    @blp.response(201, OfferSchema)
    def post(self, data):
        """Match an applicant directly to a home

        An offer without an advert, for urgent cases, with the reason recorded. The applicant must be
        eligible for the home (422 with every reason) and the home void with no live offer (409)."""
        prop = get_property(data["property_id"])
        applicant = get_applicant(data["applicant_id"])
        with refusals():
            return offers.match_directly(db_session(), prop, applicant, direct_match_reason=data["direct_match_reason"],
                                         respond_by=data["respond_by"], by=current().sub, policy=current_policy(),
                                         now=utcnow())


@blp.route("/<uuid:offer_id>")
class OfferById(MethodView):
    @roles(*OFFICERS)
    @blp.response(200, OfferSchema)
    def get(self, offer_id):
        """Read an offer"""
        return get_offer(offer_id)


@blp.route("/<uuid:offer_id>/accept")
class OfferAccept(MethodView):
    @roles(*OFFICERS)
    @blp.response(200, OfferSchema)
    def post(self, offer_id):
        """Record that the applicant accepted

        Only a pending offer can be accepted (409 otherwise). Publishes `lettings.offer.accepted.v1`."""
        offer = get_offer(offer_id, lock=True)
        with refusals():
            return offers.accept(db_session(), offer, now=utcnow())


@blp.route("/<uuid:offer_id>/refuse")
class OfferRefuse(MethodView):
    @roles(*OFFICERS)
    @blp.arguments(OfferRefusal)
    @blp.response(200, OfferSchema)
    def post(self, data, offer_id):
        """Record the applicant's refusal

        With the reason (`reason_code` from the policy's `offers.refusal_reasons`, 422 otherwise, and
        the applicant's words) and whether the council judges it reasonable. Unreasonable refusals up to the
        policy's limit within its window (two in twelve months) suspend the applicant. Publishes
        `lettings.offer.refused.v1`; the next bidder can then be offered."""
        offer = get_offer(offer_id, lock=True)
        with refusals():
            return offers.refuse(db_session(), offer, reason=data["reason"], reason_code=data["reason_code"],
                                 reasonable=data["reasonable"], policy=current_policy(), now=utcnow())


@blp.route("/<uuid:offer_id>/refusal-review")
class OfferRefusalReview(MethodView):
    @roles(*OFFICERS)
    @blp.arguments(RefusalReviewCreate)
    @blp.response(200, OfferSchema)
    def post(self, data, offer_id):
        """Review whether the refusal was reasonable

        Once per refused offer (or expired, when the policy counts an expiry as a refusal); 409
        otherwise. Recorded with who, when and why (`refusal_review`), and `refusal_reasonable` set to
        the outcome. Found reasonable, the refusal no longer counts: a suspension it helped cause is
        lifted when the refusals no longer reach the policy's limit (`lettings.applicant.status_changed.v1`).
        Found unreasonable, it may reach the limit now."""
        offer = get_offer(offer_id, lock=True)
        with refusals():
            return statuses.review_refusal(db_session(), offer, reasonable=data["reasonable"], reason=data["reason"],
                                           by=current().sub, policy=current_policy(), now=utcnow())


@blp.route("/<uuid:offer_id>/withdraw")
class OfferWithdraw(MethodView):
    @roles(*OFFICERS)
    @blp.arguments(OfferWithdrawal)
    @blp.response(200, OfferSchema)
    def post(self, data, offer_id):
        """Withdraw the offer

        The council withdraws a pending or accepted offer, with the reason. Publishes
        `lettings.offer.withdrawn.v1`; the next bidder can then be offered."""
        offer = get_offer(offer_id, lock=True)
        with refusals():
            return offers.withdraw(db_session(), offer, reason=data["reason"], policy=current_policy(), now=utcnow())


@blp.route("/<uuid:offer_id>/checks")
class OfferChecks(MethodView):
    @roles(*OFFICERS)
    @blp.response(200, PreTenancyCheck(many=True))
    def get(self, offer_id):
        """The pre-tenancy checks recorded for the offer, newest first"""
        from lettings.models import PreTenancyCheck as CheckRow

        get_offer(offer_id)
        return db_session().scalars(select(CheckRow).where(CheckRow.offer_id == offer_id)
                                    .order_by(CheckRow.checked_at.desc())).all()

    @roles(*OFFICERS)
    @blp.response(201, PreTenancyCheck)
    def post(self, offer_id):
        """Run the pre-tenancy checks

        Re-verifies eligibility and runs the affordability check: monthly residual = net income −
        outgoings − (rent + service charge) × 52 / 12; below zero fails, under the policy margin refers.
        The result is `pass`, `refer` or `fail`, with the figures. The offer must be accepted (409)."""
        offer = get_offer(offer_id, lock=True)
        with refusals():
            return checks.check_offer(db_session(), offer, by=current().sub, policy=current_policy(), now=utcnow())


@blp.route("/<uuid:offer_id>/sign-up")
class OfferSignUp(MethodView):
    @roles(*OFFICERS)
    @blp.arguments(SignUp)
    @blp.response(201, TenancySchema)
    def post(self, data, offer_id):
        """Sign the tenancy up

        Creates the tenancy and publishes `lettings.tenancy.started.v2` with `high_risk` (support needs,
        an affordability referral, or a move-on from supported housing or care) so that sustainment can
        open an onboarding case (for a high-risk tenant the event carries the tenant's details sealed for it). Runs the checks when none were recorded; a `fail` blocks sign-up (409)
        unless an `override_reason` is given. Ends the void on the tenancy start date."""
        offer = get_offer(offer_id, lock=True)
        with refusals():
            return sign_up(db_session(), offer, tenancy_start=data["tenancy_start"], tenancy_type=data["tenancy_type"],
                           support_needs=data["support_needs"], override_reason=data["override_reason"],
                           by=current().sub, policy=current_policy(), now=utcnow())
