"""Lettings' durable timers, each kind with its handler: an offer's expiry, a sign-up pack's sending (and voiding), the birthdays that move a
household's bedroom need, a suspension's end, and the retention sweep."""

import uuid

from sqlalchemy.orm import Session

from casework.db import utcnow
from casework.privacy import RETENTION_SWEEP, retention_sweep
from casework.timers import Timer
from lettings import households
from lettings.letting import offers, sign_up_packs, statuses, withdrawn_packs
from lettings.policy import current as current_policy
from lettings.privacy import RETENTION


def on_offer_expiry(session: Session, timer: Timer) -> None:
    """An offer's respond-by time has passed: it expires if it is still unanswered."""
    offers.expire_if_pending(session, uuid.UUID(timer.payload["offer_id"]), policy=current_policy(), now=utcnow())


TIMERS = {offers.EXPIRY: on_offer_expiry, households.BIRTHDAY: households.on_birthday,
          statuses.SUSPENSION_ENDS: statuses.on_suspension_end, sign_up_packs.SEND: sign_up_packs.deliver,
          withdrawn_packs.VOID: withdrawn_packs.void,
          RETENTION_SWEEP: retention_sweep(RETENTION, service="lettings")}
