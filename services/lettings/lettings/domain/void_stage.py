"""Where a void stands: not advertised, advertised, shortlist, offered, accepted or signed up.

Worked out here only, from the void and the adverts and offers of its home; the use cases that
move it (``lettings.letting.void_stages``) store the answer on the void, and the live voids report
reads what they stored (bench/NOTES.md, stage)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, NamedTuple

from casework.workdays import LONDON

#: Where a live void stands, in the order a void moves through them.
STAGES = ("not_advertised", "advertised", "shortlist", "offered", "accepted", "signed_up")
#: The offers a void can stand on: those not refused, withdrawn or expired.
STANDING_OFFER = ("pending", "accepted", "signed_up")


def stage_of(advert_status: str | None, offer_status: str | None, let_date: dt.date | None) -> str:
    """Where a void stands: from its latest advert's status and its latest standing offer's
    (pending, accepted or signed up), and whether a tenancy is signed (a let date)."""
    if let_date is not None or offer_status == "signed_up":
        return "signed_up"
    if offer_status in ("pending", "accepted"):
        return "offered" if offer_status == "pending" else "accepted"
    if advert_status == "open":
        return "advertised"
    if advert_status == "closed":
        return "shortlist"
    return "not_advertised"


class Standing(NamedTuple):
    """A void's stage, and the advert and offer it stands on (None when it has none)."""

    stage: str
    advert: Any
    offer: Any


def standing(void_date: dt.date, let_date: dt.date | None, adverts: Iterable[Any], offers: Iterable[Any]) -> Standing:
    """Where a void stands. ``adverts``: the void's own (``published_at``, ``status``, ``id``);
    ``offers``: its home's standing offers (``made_at``, ``status``, ``advert_id``). Its advert is
    the latest published; its offer the latest made since the void began (the London day of its
    void date) that is a direct match or on that advert."""
    advert = None
    for each in sorted(adverts, key=lambda a: a.published_at):
        advert = each  # the latest wins
    since = dt.datetime.combine(void_date, dt.time(), tzinfo=LONDON)
    offer = None
    for each in sorted(offers, key=lambda o: o.made_at):
        if each.made_at >= since and each.status in STANDING_OFFER and (
                each.advert_id is None or (advert is not None and each.advert_id == advert.id)):
            offer = each  # the latest wins
    return Standing(stage_of(advert.status if advert else None, offer.status if offer else None, let_date),
                    advert, offer)
