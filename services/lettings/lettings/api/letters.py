"""Letters to applicants about their offers, rendered as HTML from the templates."""

import jinja2
from flask import Response
from flask.views import MethodView

from casework.auth import roles
from casework.web import Blueprint, abort
from casework.workdays import LONDON, london_today
from lettings.access import OFFICERS
from lettings.api.common import get_offer

#: Which offers each letter can be written for.
LETTERS = {"offer": ("pending", "accepted", "signed_up", "refused", "withdrawn", "expired"),
           "refusal": ("refused",), "withdrawal": ("withdrawn",)}

templates = jinja2.Environment(loader=jinja2.PackageLoader("lettings", "templates"),
                               autoescape=jinja2.select_autoescape(("html",)), undefined=jinja2.StrictUndefined)

blp = Blueprint("letters", __name__, url_prefix="/offers", description="Letters about offers.")


def render(kind: str, offer) -> str:
    return templates.get_template(f"{kind}.html").render(
        # Times as the applicant reads them: London's, not the UTC they are kept in.
        offer=offer, property=offer.property, applicant=offer.applicant, respond_by=offer.respond_by.astimezone(LONDON),
        today=london_today())


@blp.route("/<uuid:offer_id>/letters/<any(offer, refusal, withdrawal):kind>")
class OfferLetter(MethodView):
    @roles(*OFFICERS)
    @blp.response(200, content_type="text/html", description="The letter as an HTML document.")
    def get(self, offer_id, kind):
        """A letter about the offer

        `offer` (the offer with rent and respond-by), `refusal` (the decision on a refusal, with the right
        to a review) or `withdrawal`. A refusal or withdrawal letter exists only for an offer refused or
        withdrawn (404 otherwise)."""
        offer = get_offer(offer_id)
        if offer.status not in LETTERS[kind]:
            abort(404, f"There is no {kind} letter for an offer that is {offer.status}.")
        return Response(render(kind, offer), mimetype="text/html")
