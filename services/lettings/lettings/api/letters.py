"""Letters to applicants about their offers, as they were issued (HTML)."""

from flask import Response
from flask.views import MethodView

from casework.auth import roles
from casework.db import utcnow
from casework.web import Blueprint, db_session
from lettings.access import OFFICERS
from lettings.api.common import get_offer, refusals
from lettings.letting.letters import read_letter
from lettings.policy import current as current_policy

blp = Blueprint("letters", __name__, url_prefix="/offers", description="Letters about offers.")


@blp.route("/<uuid:offer_id>/letters/<any(offer, refusal, withdrawal):kind>")
class OfferLetter(MethodView):
    @roles(*OFFICERS)
    @blp.response(200, content_type="text/html", description="The letter as an HTML document.")
    def get(self, offer_id, kind):
        """A letter about the offer, as it was issued

        `offer` (the offer with rent and respond-by, issued when the offer was made), `refusal` (the
        decision on that refusal under the council's limits, with the right to a review) or
        `withdrawal`, each kept as issued: it reads the same whenever it is read, times in London's
        time. A refusal or withdrawal letter exists only for an offer refused or withdrawn (404
        otherwise). The read is audited."""
        offer = get_offer(offer_id)
        with refusals():
            letter = read_letter(db_session(), offer, kind, policy=current_policy(), now=utcnow())
        return Response(letter.text, mimetype="text/html")
