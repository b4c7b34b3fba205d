"""The delivery log of e-mails and webhooks, for admins."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import select

from casework.auth import roles
from casework.web import Blueprint, SelectPage
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

        Every e-mail and webhook, newest first, with its status, attempts and last error.
        Filter by `channel`, `status` and `target`.
        """
        stmt = select(Delivery).order_by(Delivery.created_at.desc(), Delivery.id)
        for name in ("channel", "status", "target"):
            if name in args:
                stmt = stmt.where(getattr(Delivery, name) == args[name])
        return stmt
