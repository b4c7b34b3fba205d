"""The delivery log of e-mails, texts, letters and webhooks, for admins: read it, replay a failure."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from sqlalchemy import select

from casework.auth import roles
from casework.db import utcnow
from casework.web import Blueprint, SelectPage, db_session, get_or_404
from notifications import deliveries
from notifications.api.common import refusals
from notifications.models import Delivery
from notifications.schemas import Delivery as DeliverySchema
from notifications.schemas import DeliveryQueryArgs

blp = Blueprint("deliveries", __name__, url_prefix="/deliveries", description="The delivery log.")


@blp.route("")
class Deliveries(MethodView):
    @roles("admin")
    @blp.arguments(DeliveryQueryArgs, location="query")
    @blp.response(200, DeliverySchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, args):
        """The delivery log

        Every e-mail, text, letter and webhook, newest first, with its status, attempts, last
        error and (GOV.UK Notify) the provider's latest receipt. Filter by `channel`, `status`
        and `target`. `X-Pagination` counts up to 10,000 deliveries (a total of 10,001 means more).
        """
        stmt = select(Delivery).order_by(Delivery.created_at.desc(), Delivery.id)
        for name in ("channel", "status", "target"):
            if name in args:
                stmt = stmt.where(getattr(Delivery, name) == args[name])
        return stmt


@blp.route("/<uuid:delivery_id>")
class OneDelivery(MethodView):
    @roles("admin")
    @blp.response(200, DeliverySchema)
    def get(self, delivery_id: uuid.UUID):
        """One delivery"""
        return get_or_404(db_session(), Delivery, delivery_id, detail="There is no delivery with that id.")


@blp.route("/<uuid:delivery_id>/replay")
class Replay(MethodView):
    @roles("admin")
    @blp.response(200, DeliverySchema)
    def post(self, delivery_id: uuid.UUID):
        """Replay a failed delivery

        Once its cause is mended (the mail server, Notify's key, an address, the receiver): the
        delivery goes back to `pending` with a fresh round of attempts. 409 unless it `failed`.
        """
        session = db_session()
        delivery = get_or_404(session, Delivery, delivery_id, detail="There is no delivery with that id.", lock=True)
        with refusals():
            return deliveries.replay(session, delivery, now=utcnow())
