"""Offers: direct matches, answers, pre-tenancy checks and sign-up."""

from flask.views import MethodView
from sqlalchemy import select

from casework import audit, outbox
from casework.auth import current, roles
from casework.web import Blueprint, abort, db_session
from casework.workdays import london_today
from lettings import checks, offering
from lettings.api.adverts import check_respond_by
from lettings.api.applicants import get_applicant
from lettings.api.properties import get_property
from lettings.domain.tenancy import default_tenancy_type, high_risk_reasons
from lettings.models import LIVE_OFFER, Advert, Offer, Tenancy
from lettings.policy import current as current_policy
from lettings.references import next_reference
from lettings.schemas.offers import DirectOfferCreate, OfferRefusal, OfferWithdrawal, PreTenancyCheck, SignUp
from lettings.schemas.offers import Offer as OfferSchema
from lettings.schemas.offers import Tenancy as TenancySchema
from lettings.shortlisting import ineligibility, reasons

OFFICERS = ("lettings_officer", "team_leader")

blp = Blueprint("offers", __name__, url_prefix="/offers", description="Offers, pre-tenancy checks and sign-up.")


def get_offer(offer_id, *, lock: bool = False) -> Offer:
    offer = db_session().get(Offer, offer_id, with_for_update=lock)
    if offer is None:
        abort(404, "No such offer.")
    return offer


def require_status(offer: Offer, *allowed: str) -> None:
    if offer.status not in allowed:
        abort(409, f"This offer is {offer.status}.")


@blp.route("")
class DirectOffers(MethodView):
    @roles(*OFFICERS)
    @blp.arguments(DirectOfferCreate)
    @blp.response(201, OfferSchema)
    def post(self, data):
        """Match an applicant directly to a home

        An offer without an advert, for urgent cases, with the reason recorded. The applicant must be
        eligible for the home (422 with every reason) and the home void with no live offer (409)."""
        session = db_session()
        prop = get_property(data["property_id"])
        applicant = get_applicant(data["applicant_id"])
        if prop.current_void is None:
            abort(409, "Only a void home can be offered.")
        if session.scalar(select(Offer.id).where(Offer.property_id == prop.id, Offer.status.in_(LIVE_OFFER))):
            abort(409, "This home already has a live offer.")
        codes = ineligibility(session, applicant, prop, london_today())
        if codes:
            abort(422, "The applicant is not eligible for this home.",
                  errors={"applicant_id": [r["message"] for r in reasons(codes)]})
        return offering.make(session, prop=prop, applicant=applicant, advert=None,
                             respond_by=check_respond_by(data["respond_by"]), made_by=current().sub,
                             direct_match_reason=data["direct_match_reason"])


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
        require_status(offer, "pending")
        offering.accept(db_session(), offer)
        return offer


@blp.route("/<uuid:offer_id>/refuse")
class OfferRefuse(MethodView):
    @roles(*OFFICERS)
    @blp.arguments(OfferRefusal)
    @blp.response(200, OfferSchema)
    def post(self, data, offer_id):
        """Record the applicant's refusal

        With the reason and whether the council judges it reasonable. Unreasonable refusals up to the
        policy's limit within its window (two in twelve months) suspend the applicant. Publishes
        `lettings.offer.refused.v1`; the next bidder can then be offered."""
        offer = get_offer(offer_id, lock=True)
        require_status(offer, "pending", "accepted")
        offering.refuse(db_session(), offer, data["reason"], data["reasonable"])
        return offer


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
        require_status(offer, "pending", "accepted")
        offering.withdraw(db_session(), offer, data["reason"])
        return offer


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
        require_status(offer, "accepted")
        return checks.run(db_session(), offer, current().sub)


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
        session = db_session()
        offer = get_offer(offer_id, lock=True)
        require_status(offer, "accepted")
        if session.scalar(select(Tenancy.id).where(Tenancy.offer_id == offer.id)):
            abort(409, "This offer has already been signed up.")
        prop, applicant = offer.property, offer.applicant
        void = prop.current_void
        if void is None:
            abort(409, "This home is not void.")
        if data["tenancy_start"] < void.void_date:
            abort(422, "The request has invalid fields.",
                  errors={"tenancy_start": ["The tenancy cannot start before the home went void."]})
        check = checks.latest(session, offer) or checks.run(session, offer, current().sub)
        if check.result == "fail" and not data["override_reason"]:
            abort(409, "The pre-tenancy checks failed; give an override_reason to sign up regardless.")
        policy = current_policy()
        support_needs = sorted(set(applicant.support_needs) | set(data["support_needs"]))
        risk = high_risk_reasons(support_needs, check.affordability_result, applicant.move_on_from, policy)
        tenancy = Tenancy(
            reference=next_reference(session, "T"), offer_id=offer.id, property_id=prop.id,
            applicant_id=applicant.id, tenancy_start=data["tenancy_start"],
            tenancy_type=data["tenancy_type"] or default_tenancy_type(applicant.existing_tenant, policy),
            high_risk=bool(risk), high_risk_reasons=risk, support_needs=support_needs,
            override_reason=data["override_reason"], weekly_rent=prop.weekly_rent,
            service_charge=prop.service_charge, signed_up_by=current().sub)
        session.add(tenancy)
        void.let_date = tenancy.tenancy_start
        applicant.status, applicant.status_reason = "housed", f"Housed: tenancy {tenancy.reference}."
        if offer.advert_id:
            session.get(Advert, offer.advert_id).status = "let"
        session.flush()
        audit.changed(session, "sign_up", "tenancy", tenancy.id, None, TenancySchema().dump(tenancy),
                      reason=data["override_reason"])
        # Only sustainment needs the tenant, and only for a high-risk tenancy (an onboarding case).
        details = {
            "tenant": {"name": applicant.lead_name, "date_of_birth": applicant.lead_date_of_birth,
                       "phone": applicant.phone, "email": applicant.email, "address": prop.address},
            "address": prop.address, "uprn": prop.uprn, "high_risk_reasons": risk, "support_needs": support_needs,
        } if tenancy.high_risk else None
        outbox.emit(session, "lettings.tenancy.started.v2", subject=str(tenancy.id), data={
            "tenancy_id": tenancy.id, "tenancy_ref": tenancy.reference, "offer_id": offer.id,
            "property_id": prop.id, "applicant_id": applicant.id, "tenancy_start": tenancy.tenancy_start,
            "tenancy_type": tenancy.tenancy_type, "high_risk": tenancy.high_risk, "tenant_details": details})
        tenancy.checks = check
        return tenancy
