"""Choice-based lettings: adverts, bids, the shortlist, and offers from it."""

import orjson
from flask import Response
from flask.views import MethodView
from sqlalchemy import select

from casework import records
from casework.auth import current, roles
from casework.db import utcnow
from casework.web import Blueprint, SelectPage, db_session
from casework.workdays import london_today
from lettings.access import OFFICERS
from lettings.api.common import get_advert, get_property, refusals
from lettings.letting import adverts, bids
from lettings.letting.offers import offer_from_shortlist
from lettings.models import Advert, Bypass, Offer
from lettings.policy import current as current_policy
from lettings.schemas.adverts import Advert as AdvertSchema
from lettings.schemas.adverts import AdvertCreate, AdvertQueryArgs, BidCreate, Bypassed, Shortlist
from lettings.schemas.adverts import Bid as BidSchema
from lettings.schemas.offers import AdvertOfferCreate
from lettings.schemas.offers import Offer as OfferSchema
from lettings.shortlisting import rank, reasons

BYPASSED = Bypassed(many=True)

blp = Blueprint("adverts", __name__, url_prefix="/adverts", description="Adverts, bids, shortlists and offers.")


@blp.route("")
class Adverts(MethodView):
    @roles(*OFFICERS)
    @blp.arguments(AdvertQueryArgs, location="query")
    @blp.response(200, AdvertSchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, args):
        """List adverts

        Newest first; filter by status, home and `reference` (`ADV-000003`)."""
        stmt = select(Advert).order_by(Advert.published_at.desc(), Advert.id)
        for name in ("status", "property_id"):
            if name in args:
                stmt = stmt.where(getattr(Advert, name) == args[name])
        if "reference" in args:
            stmt = stmt.where(records.reference_is(Advert.reference, args["reference"]))
        return stmt

    @roles(*OFFICERS)
    @blp.arguments(AdvertCreate)
    @blp.response(201, AdvertSchema)
    def post(self, data):
        """Advertise a void home

        Opens bidding until `closes_at`; publishes `lettings.advert.published.v1`. The home must be
        void (409 otherwise) and not already advertised or on offer."""
        prop = get_property(data["property_id"])
        with refusals():
            return adverts.advertise(db_session(), prop, closes_at=data["closes_at"], now=utcnow())


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
        eligible for the home: size, minimum age, wheelchair access, floor, suspended. A closed
        advert, a second bid, or a housed or cancelled applicant answers 409."""
        advert = get_advert(advert_id)
        with refusals():
            return bids.place_bid(db_session(), advert, applicant_id=data["applicant_id"], policy=current_policy(),
                                  now=utcnow())


@blp.route("/<uuid:advert_id>/close")
class AdvertClose(MethodView):
    @roles(*OFFICERS)
    @blp.response(200, AdvertSchema)
    def post(self, advert_id):
        """Close bidding

        Freezes the shortlist (no more bids) and publishes `lettings.advert.closed.v1` with the
        numbers of bids and eligible bidders. Closing twice answers 409."""
        advert = get_advert(advert_id, lock=True)
        with refusals():
            return adverts.close_bidding(db_session(), advert, policy=current_policy(), now=utcnow())


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
        shortlist = rank(session, advert, london_today(), current_policy())
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
        advert = get_advert(advert_id, lock=True)
        with refusals():
            return offer_from_shortlist(
                db_session(), advert, applicant_id=data["applicant_id"], bypass_reason=data["bypass_reason"],
                respond_by=data["respond_by"], by=current().sub, policy=current_policy(), now=utcnow())
