"""The lettings service's durable timers."""

import uuid

from sqlalchemy.orm import Session

from casework.db import utcnow
from casework.timers import Timer
from lettings import households
from lettings.letting import offers


def on_offer_expiry(session: Session, timer: Timer) -> None:
    """An offer's respond-by time has passed: it expires if it is still unanswered."""
    offers.expire_if_pending(session, uuid.UUID(timer.payload["offer_id"]), now=utcnow())


TIMERS = {offers.EXPIRY: on_offer_expiry, households.BIRTHDAY: households.on_birthday}
