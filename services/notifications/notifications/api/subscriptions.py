"""Webhook subscriptions (see ``notifications.webhooks`` for how deliveries are signed)."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from sqlalchemy import select

from casework.auth import OFFICER_ROLES, current, roles
from casework.db import utcnow
from casework.web import Blueprint, SelectPage, db_session, get_or_404
from notifications import subscriptions
from notifications.api.common import refusals
from notifications.models import Delivery, Subscription
from notifications.schemas import Delivery as DeliverySchema
from notifications.schemas import Subscription as SubscriptionSchema
from notifications.schemas import SubscriptionCreate

blp = Blueprint("subscriptions", __name__, url_prefix="/subscriptions", description=(
    "Webhook subscriptions. Each delivery is a POST with `Casework-Timestamp` (epoch seconds) and "
    "`Casework-Signature: sha256=<hex HMAC-SHA256 of \"{timestamp}.{raw body}\" keyed with your secret>`; "
    "verify it in constant time and refuse timestamps older than five minutes. Bodies carry the event's "
    "id, type, time and subject (type, id, reference, link), never personal details. Failed deliveries "
    "are retried with backoff; a subscription that keeps failing is disabled."
))

CALLERS = ("referrer", *OFFICER_ROLES)


def get_subscription(subscription_id: uuid.UUID) -> Subscription:
    me = current()
    return get_or_404(db_session(), Subscription, subscription_id,
                      where=[] if "admin" in me.roles else [Subscription.owner == me.sub],
                      detail="There is no subscription with that id, or you may not see it.")


@blp.route("")
class Subscriptions(MethodView):
    @roles(*CALLERS)
    @blp.response(200, SubscriptionSchema(many=True))
    @blp.paginate(SelectPage)
    def get(self):
        """List subscriptions

        The caller's own (admins: all).
        """
        stmt = select(Subscription).order_by(Subscription.created_at, Subscription.id)
        if "admin" not in current().roles:
            stmt = stmt.where(Subscription.owner == current().sub)
        return stmt

    @roles(*CALLERS)
    @blp.arguments(SubscriptionCreate)
    @blp.response(201, SubscriptionSchema)
    def post(self, data):
        """Subscribe a webhook

        `event_types` are routing keys such as `intake.referral.accepted.v2` (or `*`). A referrer
        receives only `intake.referral.*` events of the referrals it made.
        """
        with refusals():
            return subscriptions.subscribe(db_session(), url=data["url"], event_types=data["event_types"],
                                           secret=data["secret"], by=current(), now=utcnow())


@blp.route("/<uuid:subscription_id>")
class SubscriptionById(MethodView):
    @roles(*CALLERS)
    @blp.response(200, SubscriptionSchema)
    def get(self, subscription_id):
        """Read a subscription"""
        return get_subscription(subscription_id)

    @roles(*CALLERS)
    @blp.response(204)
    def delete(self, subscription_id):
        """Unsubscribe

        Stops deliveries; the delivery log is kept.
        """
        subscriptions.unsubscribe(db_session(), get_subscription(subscription_id), now=utcnow())


@blp.route("/<uuid:subscription_id>/deliveries")
class SubscriptionDeliveries(MethodView):
    @roles(*CALLERS)
    @blp.response(200, DeliverySchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, subscription_id):
        """A subscription's delivery log

        Newest first: status, attempts, the receiver's answer and the last error. `X-Pagination`
        counts up to 10,000 deliveries (a total of 10,001 means more).
        """
        sub = get_subscription(subscription_id)
        return select(Delivery).where(Delivery.channel == "webhook", Delivery.target == str(sub.id)) \
            .order_by(Delivery.created_at.desc(), Delivery.id)
