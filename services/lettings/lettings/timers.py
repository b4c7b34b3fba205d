"""The lettings service's durable timers."""

import uuid

from sqlalchemy.orm import Session

from casework.timers import Timer
from lettings import households, offering


def on_offer_expiry(session: Session, timer: Timer) -> None:
    """An offer's respond-by time has passed: it expires if it is still unanswered."""
    offering.expire_if_pending(session, uuid.UUID(timer.payload["offer_id"]))


TIMERS = {offering.EXPIRY: on_offer_expiry, households.BIRTHDAY: households.on_birthday}
