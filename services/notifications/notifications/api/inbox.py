"""The in-app inbox: an officer's messages, read and unread."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from sqlalchemy import select

from casework.auth import OFFICER_ROLES, current, roles
from casework.db import utcnow
from casework.web import Blueprint, SelectPage, abort, db_session
from notifications import inbox
from notifications.api.common import refusals
from notifications.models import Notification
from notifications.schemas import Notification as NotificationSchema
from notifications.schemas import NotificationQueryArgs

blp = Blueprint("inbox", __name__, url_prefix="/notifications", description="The in-app inbox.")


@blp.route("")
class Inbox(MethodView):
    @roles(*OFFICER_ROLES)
    @blp.arguments(NotificationQueryArgs, location="query")
    @blp.response(200, NotificationSchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, args):
        """Read an inbox

        The caller's own messages, newest first (admins may name any `recipient`). `unread=true`
        lists only the unread ones.
        """
        me = current()
        recipient = args.get("recipient", me.sub)
        if recipient != me.sub and "admin" not in me.roles:
            abort(403, "You may only read your own inbox.")
        stmt = select(Notification).where(Notification.recipient == recipient)
        if "unread" in args:
            stmt = stmt.where(Notification.read_at.is_(None) if args["unread"] else Notification.read_at.isnot(None))
        return stmt.order_by(Notification.created_at.desc(), Notification.id)


@blp.route("/<uuid:notification_id>/read", methods=["POST"])
class NotificationRead(MethodView):
    @roles(*OFFICER_ROLES)
    @blp.response(200, NotificationSchema)
    def post(self, notification_id: uuid.UUID):
        """Mark a message read

        Only the recipient may; reading it twice changes nothing.
        """
        with refusals():
            return inbox.mark_read(db_session(), notification_id, by=current(), now=utcnow())
