"""Sign-up by e-signature: send an offer's sign-up pack, read it, send it again; and the provider's
callback (``POST /sign-up-packs/callback``), which carries no bearer token: the provider's
signature over the body is its credential (a forged one is 401 and changes nothing). The callback
is a plain route, outside the officers' OpenAPI document: only the provider calls it."""

from flask import Blueprint as FlaskBlueprint
from flask import request
from flask.views import MethodView

from casework.auth import current, roles
from casework.db import utcnow
from casework.web import Blueprint, abort, db_session
from lettings.access import OFFICERS
from lettings.api.common import get_offer, refusals
from lettings.letting import sign_up_packs
from lettings.policy import current as current_policy
from lettings.schemas.offers import SignUp
from lettings.schemas.offers import SignUpPack as SignUpPackSchema

blp = Blueprint("sign_up_packs", __name__, url_prefix="/offers",
                description="Sign-up by e-signature: the sign-up pack sent through the council's provider.")

callbacks = FlaskBlueprint("esign_callbacks", __name__)


@blp.route("/<uuid:offer_id>/sign-up-pack")
class OfferSignUpPack(MethodView):
    @roles(*OFFICERS)
    @blp.response(200, SignUpPackSchema)
    def get(self, offer_id):
        """The offer's latest sign-up pack

        404 when none was sent."""
        pack = sign_up_packs.latest(db_session(), get_offer(offer_id))
        if pack is None:
            abort(404, "No sign-up pack was sent for this offer.")
        return pack

    @roles(*OFFICERS)
    @blp.arguments(SignUp)
    @blp.response(201, SignUpPackSchema)
    def post(self, data, offer_id):
        """Send the sign-up pack for e-signature

        The alternative to signing up in person (`POST /offers/{id}/sign-up`), with the same terms and
        the same conditions (accepted, the home void, the checks passed or overridden: 409). The tenancy
        agreement goes to the lead applicant through the provider the settings choose; the pack is
        `sending` until the worker has handed it over (retried with a growing delay while the provider
        cannot be reached; `failed` after the last attempt, and the team is told), then `sent`. The
        offer stays `accepted` while it waits for the signature; the tenancy starts (and
        `lettings.tenancy.started.v2` is published) when the provider says it was signed. One pack out
        at a time per offer (409)."""
        offer = get_offer(offer_id, lock=True)
        with refusals():
            return sign_up_packs.send_pack(
                db_session(), offer, tenancy_start=data["tenancy_start"], tenancy_type=data["tenancy_type"],
                support_needs=data["support_needs"], override_reason=data["override_reason"], by=current().sub,
                policy=current_policy(), now=utcnow())


@blp.route("/<uuid:offer_id>/sign-up-pack/send-again")
class OfferSignUpPackAgain(MethodView):
    @roles(*OFFICERS)
    @blp.response(200, SignUpPackSchema)
    def post(self, offer_id):
        """Send a pack that could not be sent again

        Only a `failed` pack of an accepted offer (409 otherwise): it is `sending` again, with its attempts
        counted afresh."""
        offer = get_offer(offer_id, lock=True)
        with refusals():
            return sign_up_packs.send_again(db_session(), offer, now=utcnow())


@callbacks.post("/sign-up-packs/callback")
def provider_callback():
    """The provider's signed, declined (or other) event about a pack: 200 with what it did."""
    try:
        with refusals():
            result = sign_up_packs.receive_callback(db_session(), request.headers, request.get_data(),
                                                    policy=current_policy(), now=utcnow())
    except sign_up_packs.Forged as exc:
        abort(401, str(exc))
    return {"result": result}
