"""Where each void stands, kept on the void (``stage``, and the ``advert_id`` and ``offer_id`` it
stands on), written by the use cases that move it (``lettings.letting.void_stages``), filled here
from the adverts and offers so far: the live voids report worked out where a large council's
thousand live voids stood on each request (bench/NOTES.md, stage)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 21:30:00.000000
"""
import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from casework.db import UTCDateTime

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

LONDON = ZoneInfo("Europe/London")
VOIDS = sa.table("voids", sa.column("id", sa.Uuid), sa.column("property_id", sa.Uuid),
                 sa.column("void_date", sa.Date), sa.column("let_date", sa.Date), sa.column("stage", sa.String),
                 sa.column("advert_id", sa.Uuid), sa.column("offer_id", sa.Uuid))
ADVERTS = sa.table("adverts", sa.column("id", sa.Uuid), sa.column("void_id", sa.Uuid),
                   sa.column("status", sa.String), sa.column("published_at", UTCDateTime))
OFFERS = sa.table("offers", sa.column("id", sa.Uuid), sa.column("property_id", sa.Uuid),
                  sa.column("advert_id", sa.Uuid), sa.column("status", sa.String), sa.column("made_at", UTCDateTime))


def _stage(advert_status, offer_status, let_date) -> str:
    if let_date is not None or offer_status == "signed_up":
        return "signed_up"
    if offer_status in ("pending", "accepted"):
        return "offered" if offer_status == "pending" else "accepted"
    return {"open": "advertised", "closed": "shortlist"}.get(advert_status, "not_advertised")


def upgrade() -> None:
    op.add_column('voids', sa.Column('stage', sa.String(length=20), server_default='not_advertised', nullable=False))
    op.add_column('voids', sa.Column('advert_id', sa.Uuid(), nullable=True))
    op.add_column('voids', sa.Column('offer_id', sa.Uuid(), nullable=True))
    # As lettings.domain.void_stage decides it at this revision (written out here, not imported: the
    # rule's code may change after this migration is released): the void's latest advert; its home's
    # latest offer pending, accepted or signed up, made since the London day of the void date, a
    # direct match or on that advert.
    bind = op.get_bind()
    a, o, v = ADVERTS.c, OFFERS.c, VOIDS.c
    adverts: dict = {}
    for advert in bind.execute(sa.select(a.id, a.void_id, a.status, a.published_at).order_by(a.published_at)):
        adverts[advert.void_id] = advert  # the latest wins
    offers: dict = defaultdict(list)
    for offer in bind.execute(sa.select(o.id, o.property_id, o.advert_id, o.status, o.made_at)
                              .where(o.status.in_(("pending", "accepted", "signed_up"))).order_by(o.made_at)):
        offers[offer.property_id].append(offer)
    moved = []
    for void in bind.execute(sa.select(v.id, v.property_id, v.void_date, v.let_date)):
        advert = adverts.get(void.id)
        since = dt.datetime.combine(void.void_date, dt.time(), tzinfo=LONDON)
        offer = next((each for each in reversed(offers[void.property_id]) if each.made_at >= since and (
            each.advert_id is None or (advert is not None and each.advert_id == advert.id))), None)
        stage = _stage(advert.status if advert else None, offer.status if offer else None, void.let_date)
        if (stage, advert, offer) != ("not_advertised", None, None):
            moved.append({"void": void.id, "s": stage, "a": advert.id if advert else None,
                          "o": offer.id if offer else None})
    statement = (VOIDS.update().where(v.id == sa.bindparam("void"))
                 .values(stage=sa.bindparam("s"), advert_id=sa.bindparam("a"), offer_id=sa.bindparam("o")))
    for start in range(0, len(moved), 5_000):
        bind.execute(statement, moved[start:start + 5_000])
    op.create_index('ix_voids_stage', 'voids', ['stage'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_voids_stage', table_name='voids')
    op.drop_column('voids', 'offer_id')  # SQLite 3.35+ drops a column in place
    op.drop_column('voids', 'advert_id')
    op.drop_column('voids', 'stage')
