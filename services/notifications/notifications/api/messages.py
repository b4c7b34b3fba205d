"""Messages to a person by e-mail, text or letter (GOV.UK Notify), and Notify's delivery receipts."""

from __future__ import annotations

import hmac

from flask import request
from flask.views import MethodView

from casework.auth import OFFICER_ROLES, checks_own_token, current, roles
from casework.db import utcnow
from casework.web import Blueprint, abort, db_session
from notifications import messages
from notifications.api.common import refusals
from notifications.govuk_notify import NotifySettings
from notifications.policy import current as policy
from notifications.schemas import Delivery as DeliverySchema
from notifications.schemas import MessageCreate

blp = Blueprint("messages", __name__, url_prefix="", description=(
    "Messages to a person (a tenant, an applicant, an agency's worker) through GOV.UK Notify, and "
    "Notify's delivery receipts. Each message is in the delivery log (`GET /deliveries`)."
))


@blp.route("/messages")
class Messages(MethodView):
    @roles(*OFFICER_ROLES, "service")
    @blp.arguments(MessageCreate)
    @blp.response(202, DeliverySchema)
    def post(self, data):
        """Send an e-mail, text or letter to a person

        Through the template the policy names (`govuk_notify.templates`), for a team the caller
        is in (a service may send for any). The message is logged and sent by the worker, retried
        while Notify cannot take it; a permanent failure in Notify's receipt tasks the team. 409
        when the council sends through its mail server rather than GOV.UK Notify.
        """
        with refusals():
            return messages.send(db_session(), policy(), by=current(), **data)


@blp.route("/govuk-notify/receipts", methods=["POST"])
@checks_own_token
@blp.response(204)
def receipt():
    """GOV.UK Notify's delivery receipt (its callback)

    Authenticated by the bearer token the council gave Notify with this URL
    (`CASEWORK_NOTIFY_CALLBACK_TOKEN`): any other is 401 and changes nothing. The receipt's `status`
    (`delivered`, `permanent-failure`, `temporary-failure`, `technical-failure`) is recorded against
    the delivery whose id is its `reference`; the same receipt again changes nothing (204 both times).
    """
    expected = NotifySettings.from_env().callback_token
    given = request.headers.get("Authorization", "")
    if not expected or not hmac.compare_digest(given.encode(), f"Bearer {expected}".encode()):
        abort(401, "The bearer token is not the one given to GOV.UK Notify.")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, "Send the delivery receipt as a JSON object.")
    with refusals():
        messages.record_receipt(db_session(), policy(), body, now=utcnow())
