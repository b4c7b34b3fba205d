"""Where each void stands, kept on the void: the use cases that move a void (recording it,
advertising, closing bidding, making, answering, withdrawing or expiring an offer, signing up)
call ``restage`` with the home in their transaction, and it writes what ``domain.void_stage``
decides. The live voids report reads the stored stage as an indexed filter, and the advert and
offer by key, instead of working out where a thousand voids stand on each request
(bench/NOTES.md, stage). ``recount`` works it out for every void (the seeders; a repair)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from casework.literal import written_in
from lettings.domain.void_stage import STANDING_OFFER, standing
from lettings.models import Advert, Offer, Void


def _adverts(*where: Any):
    return select(Advert.id, Advert.void_id, Advert.status, Advert.published_at).where(*where)


def _offers(*where: Any):
    return select(Offer.id, Offer.property_id, Offer.advert_id, Offer.status, Offer.made_at).where(
        written_in(Offer.status, STANDING_OFFER), *where)


def restage(session: Session, property_id: uuid.UUID) -> None:
    """Every void of the home set where it stands now (a home has a handful: an offer or an
    advert of one moves no other, but which one is the rule's to say). The home's voids are locked
    first: two moves of one home at once (bidding closed as a direct match is made) set them one
    after the other, the second reading the adverts and offers the first committed."""
    session.flush()
    voids = session.scalars(select(Void).where(Void.property_id == property_id).with_for_update()
                            .execution_options(populate_existing=True)).all()
    adverts: dict[Any, list] = defaultdict(list)
    for advert in session.execute(_adverts(Advert.property_id == property_id)):
        adverts[advert.void_id].append(advert)
    offers = session.execute(_offers(Offer.property_id == property_id)).all()
    for void in voids:
        found = standing(void.void_date, void.let_date, adverts[void.id], offers)
        void.stage = found.stage
        void.advert_id = found.advert.id if found.advert else None
        void.offer_id = found.offer.id if found.offer else None
    session.flush()


def recount(session: Session) -> int:
    """Every void set where it stands, from the adverts and offers (the seeders, which write rows
    past the use cases; a repair). Only the voids whose standing differs are written; returns how many."""
    adverts: dict[Any, list] = defaultdict(list)
    for advert in session.execute(_adverts()):
        adverts[advert.void_id].append(advert)
    offers: dict[Any, list] = defaultdict(list)
    for offer in session.execute(_offers()):
        offers[offer.property_id].append(offer)
    moved = []
    for void in session.execute(select(Void.id, Void.property_id, Void.void_date, Void.let_date, Void.stage,
                                       Void.advert_id, Void.offer_id)):
        found = standing(void.void_date, void.let_date, adverts[void.id], offers[void.property_id])
        now = (found.stage, found.advert.id if found.advert else None, found.offer.id if found.offer else None)
        if now != (void.stage, void.advert_id, void.offer_id):
            moved.append({"void": void.id, "stage": now[0], "advert": now[1], "offer": now[2]})
    table = Void.__table__
    statement = (update(table).where(table.c.id == bindparam("void"))
                 .values(stage=bindparam("stage"), advert_id=bindparam("advert"), offer_id=bindparam("offer")))
    for start in range(0, len(moved), 5_000):
        session.connection().execute(statement, moved[start:start + 5_000])
    return len(moved)
