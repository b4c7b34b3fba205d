"""Choice-based lettings: adverts, bids, the shortlist, and offers from it."""

import datetime as dt

import orjson
from flask import Response
from flask.views import MethodView
from sqlalchemy import select

from casework import audit, outbox
from casework.auth import current, roles
from casework.db import utcnow
from casework.web import Blueprint, SelectPage, abort, db_session
from casework.workdays import london_today
from lettings import offering
from lettings.api.applicants import get_applicant
from lettings.api.properties import get_property
from lettings.domain import offers as offer_rules
from lettings.models import Advert, Applicant, Bid, Bypass, Offer
from lettings.policy import current as current_policy
from lettings.references import next_reference
from lettings.schemas.adverts import Advert as AdvertSchema
from lettings.schemas.adverts import AdvertCreate, AdvertQueryArgs, BidCreate, Bypassed, Shortlist
from lettings.schemas.adverts import Bid as BidSchema
from lettings.schemas.offers import AdvertOfferCreate
from lettings.schemas.offers import Offer as OfferSchema
from lettings.shortlisting import ineligibility, rank, reasons

OFFICERS = ("lettings_officer", "team_leader")

BYPASSED = Bypassed(many=True)

blp = Blueprint("adverts", __name__, url_prefix="/adverts", description="Adverts, bids, shortlists and offers.")


def get_advert(advert_id, *, lock: bool = False) -> Advert:
    advert = db_session().get(Advert, advert_id, with_for_update=lock)
    if advert is None:
        abort(404, "No such advert.")
    return advert


def check_respond_by(respond_by: dt.datetime | None) -> dt.datetime:
    if respond_by is None:
        return offer_rules.default_respond_by(utcnow(), current_policy())
    if respond_by <= utcnow():
        abort(422, "The request has invalid fields.", errors={"respond_by": ["Must be in the future."]})
    return respond_by


@blp.route("")
class Adverts(MethodView):
    @roles(*OFFICERS)
    @blp.arguments(AdvertQueryArgs, location="query")
    @blp.response(200, AdvertSchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, args):
        """List adverts"""
        stmt = select(Advert).order_by(Advert.published_at.desc(), Advert.id)
        for name in ("status", "property_id"):
            if name in args:
                stmt = stmt.where(getattr(Advert, name) == args[name])
        return stmt

    @roles(*OFFICERS)
    @blp.arguments(AdvertCreate)
    @blp.response(201, AdvertSchema)
    def post(self, data):
        """Advertise a void home

        Opens bidding until `closes_at`; publishes `lettings.advert.published.v1`. The home must be
        void (409 otherwise) and not already advertised or on offer."""
        session = db_session()
        prop = get_property(data["property_id"])
        void = prop.current_void
        if void is None:
            abort(409, "Only a void home can be advertised.")
        if session.scalar(select(Advert.id).where(Advert.void_id == void.id)) is not None:
            abort(409, "This void has already been advertised.")
        if data["closes_at"] <= utcnow():
            abort(422, "The request has invalid fields.", errors={"closes_at": ["Must be in the future."]})
        advert = Advert(reference=next_reference(session, "ADV"), property_id=prop.id, void_id=void.id,
                        status="open", published_at=utcnow(), closes_at=data["closes_at"])
        session.add(advert)
        session.flush()
        audit.changed(session, "publish", "advert", advert.id, None, AdvertSchema().dump(advert))
        outbox.emit(session, "lettings.advert.published.v1", subject=str(advert.id), data={
            "advert_id": advert.id, "reference": advert.reference, "property_id": prop.id,
            "closes_at": advert.closes_at})
        return advert


@blp.route("/<uuid:advert_id>")
class AdvertById(MethodView):
    @roles(*OFFICERS)
    @blp.response(200, AdvertSchema)
    def get(self, advert_id):
        """Read an advert"""
        return get_advert(advert_id)


@blp.route("/<uuid:advert_id>/bids")
class Bids(MethodView):
    @roles(*OFFICERS)
    @blp.arguments(BidCreate)
    @blp.response(201, BidSchema)
    def post(self, data, advert_id):
        """Place a bid for an applicant

        Refused with 422 and every reason (under `errors.applicant_id`) when the applicant cannot be
        eligible for the home: size, minimum age, wheelchair access, floor, not active. A closed
        advert or a second bid answers 409."""
        session = db_session()
        advert = get_advert(advert_id)
        if advert.status != "open" or advert.closes_at <= utcnow():
            abort(409, "Bidding on this advert has closed.")
        applicant = get_applicant(data["applicant_id"])
        codes = [c for c in ineligibility(session, applicant, advert.property, london_today())
                 if c != "live_offer_elsewhere"]
        if codes:
            abort(422, "The applicant cannot be eligible for this home.",
                  errors={"applicant_id": [r["message"] for r in reasons(codes)]})
        if session.scalar(select(Bid.id).where(Bid.advert_id == advert.id, Bid.applicant_id == applicant.id)):
            abort(409, "This applicant has already bid for this home.")
        bid = Bid(advert_id=advert.id, applicant_id=applicant.id, placed_at=utcnow())
        session.add(bid)
        session.flush()
        audit.changed(session, "bid", "advert", advert.id, None, {"applicant_id": applicant.id})
        return bid


@blp.route("/<uuid:advert_id>/close")
class AdvertClose(MethodView):
    @roles(*OFFICERS)
    @blp.response(200, AdvertSchema)
    def post(self, advert_id):
        """Close bidding

        Freezes the shortlist (no more bids) and publishes `lettings.advert.closed.v1` with the
        numbers of bids and eligible bidders. Closing twice answers 409."""
        session = db_session()
        advert = get_advert(advert_id, lock=True)
        if advert.status != "open":
            abort(409, "This advert is already closed.")
        before = AdvertSchema().dump(advert)
        advert.status, advert.closed_at = "closed", utcnow()
        shortlist = rank(session, advert, london_today())
        audit.changed(session, "close", "advert", advert.id, before, AdvertSchema().dump(advert))
        outbox.emit(session, "lettings.advert.closed.v1", subject=str(advert.id), data={
            "advert_id": advert.id, "reference": advert.reference, "property_id": advert.property_id,
            "bids": len(shortlist.ranked) + len(shortlist.excluded), "eligible": len(shortlist.ranked)})
        return advert


@blp.route("/<uuid:advert_id>/shortlist")
class AdvertShortlist(MethodView):
    @roles(*OFFICERS)
    @blp.response(200, Shortlist)
    def get(self, advert_id):
        """The ranked shortlist

        Eligible bidders in the allocation scheme's order, with the offers made to them and any
        bypass recorded; and the excluded bidders with every reason. What changed since bidding
        (a suspension, a live offer of another home) shows as an exclusion."""
        session = db_session()
        advert = get_advert(advert_id)
        shortlist = rank(session, advert, london_today())
        offers = {}
        for offer in session.scalars(select(Offer).where(Offer.advert_id == advert.id).order_by(Offer.made_at)):
            offers[offer.applicant_id] = {"id": str(offer.id), "reference": offer.reference, "status": offer.status}
        bypasses: dict = {}
        for bypass in session.scalars(select(Bypass).where(Bypass.advert_id == advert.id)):
            bypasses.setdefault(bypass.applicant_id, []).append(bypass)
        # Built as JSON here rather than dumped by the Shortlist schema (which documents it, and
        # which a lettings test reads it back through): dumping 2,000 nested bidders took 40% of
        # the time.
        # orjson writes the ids, dates and times itself (str() and isoformat() per value were a
        # quarter of the rest) and encodes several times faster than the json module.
        bypassed = {applicant: BYPASSED.dump(found) for applicant, found in bypasses.items()}
        body = {
            "advert_id": advert.id,
            "status": advert.status,
            "ranked": [{
                "applicant_id": b.applicant_id, "reference": b.reference, "position": i,
                "band": b.band, "effective_date": b.effective_date, "application_date": b.application_date,
                "bid_at": b.bid_at, "wheelchair_user": b.needs_wheelchair,
                "offer": offers.get(b.applicant_id), "bypassed": bypassed.get(b.applicant_id, []),
            } for i, b in enumerate(shortlist.ranked, start=1)],
            "excluded": [{"applicant_id": e.applicant_id, "reference": e.reference,
                          "reasons": reasons(e.reasons)} for e in shortlist.excluded],
        }
        return Response(orjson.dumps(body), mimetype="application/json")


@blp.route("/<uuid:advert_id>/offers")
class AdvertOffers(MethodView):
    @roles(*OFFICERS)
    @blp.response(200, OfferSchema(many=True))
    def get(self, advert_id):
        """The offers made from this advert, oldest first"""
        get_advert(advert_id)
        return db_session().scalars(select(Offer).where(Offer.advert_id == advert_id).order_by(Offer.made_at)).all()

    @roles(*OFFICERS)
    @blp.arguments(AdvertOfferCreate)
    @blp.response(201, OfferSchema)
    def post(self, data, advert_id):
        """Offer the home from the shortlist

        By default to the top eligible bidder not yet offered. Naming a bidder lower down needs a
        `bypass_reason`, recorded on the shortlist against every bidder passed over. `respond_by`
        defaults from policy in working days; the offer expires then if unanswered. 409 while
        bidding is open or while the home has a live offer; 422 for a bidder not on the shortlist."""
        session = db_session()
        advert = get_advert(advert_id, lock=True)
        if advert.status != "closed":
            abort(409, "Offers are made once bidding has closed." if advert.status == "open"
                  else "This home has been let.")
        if session.scalar(select(Offer.id).where(Offer.property_id == advert.property_id,
                                                 Offer.status.in_(("pending", "accepted")))):
            abort(409, "This home already has a live offer.")
        shortlist = rank(session, advert, london_today())
        ranked = [b.applicant_id for b in shortlist.ranked]
        offered = set(session.scalars(select(Offer.applicant_id).where(Offer.advert_id == advert.id)))
        waiting = [a for a in ranked if a not in offered]
        chosen = data["applicant_id"] or (waiting[0] if waiting else None)
        if chosen is None:
            abort(409, "Every eligible bidder has been offered this home; advertise it again or match directly.")
        if chosen not in ranked:
            excluded = next((e for e in shortlist.excluded if e.applicant_id == chosen), None)
            messages = [r["message"] for r in reasons(excluded.reasons)] if excluded else \
                ["This applicant did not bid for this home."]
            abort(422, "The applicant is not on the shortlist.", errors={"applicant_id": messages})
        if chosen in offered:
            abort(409, "This applicant has already been offered this home.")
        passed_over = offer_rules.bypassed(ranked, offered, chosen)
        if passed_over and not data["bypass_reason"]:
            abort(422, "Passing over higher-ranked bidders needs a reason.",
                  errors={"bypass_reason": [f"Required: {len(passed_over)} higher-ranked bidder(s) would be bypassed."]})
        return offering.make(
            session, prop=advert.property, applicant=session.get(Applicant, chosen), advert=advert,
            respond_by=check_respond_by(data["respond_by"]), made_by=current().sub, bypassed=passed_over,
            bypass_reason=data["bypass_reason"] if passed_over else None)
