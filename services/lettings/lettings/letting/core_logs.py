"""Each let's CORE lettings log, kept when it is signed up: one log per letting, the household, the
home and the tenancy as they were at the letting, as CORE itself records them. Sign-up writes it in
its transaction (:func:`log_let`); the export (:func:`export`) reads a period's logs in one
statement and writes them after the year's header. Built on request, a large council's collection
year (6,240 lets of 131 cells) took 743 ms in its SQL alone (bench/NOTES.md, corelog).

What a log says is ``lettings.core``'s to decide (``core.log_to_keep``); here it is only kept and read.
After sign-up nothing changes a let's log: no use case corrects or cancels a let, and its household,
home and the council's codes changing later do not change the letting CORE was told of (ending a
tenancy is not part of its lettings log; the retention sweep anonymises cancelled applications
only, never a housed household, and a log holds no name, contact or birth date). A log whose layout has since changed in code (its
fingerprint differs), or whose year's layout was not held when it was kept, is not written as kept:
the export builds that period afresh from the data, and :func:`rebuild` keeps the new lines
(bench/NOTES.md, corelog, says why for each change).
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from casework.literal import day_of
from lettings import core
from lettings.letting import lets
from lettings.models import CoreLog, Offer, Tenancy, Void


def log_let(session: Session, tenancy: Tenancy, offer: Offer, void: Void) -> None:
    """Keep the CORE log of a let just signed up from ``offer``, ending ``void`` (sign-up's
    transaction, the tenancy flushed): the home and the household as they are at the letting."""
    let = SimpleNamespace(reference=tenancy.reference, tenancy_start=tenancy.tenancy_start,
                          tenancy_type=tenancy.tenancy_type, weekly_rent=tenancy.weekly_rent,
                          service_charge=tenancy.service_charge, property=offer.property, applicant=offer.applicant)
    year, layout, line = core.log_to_keep(let, void.void_date, offer.advert_id is not None, core.settings())
    session.add(CoreLog(tenancy_id=tenancy.id, tenancy_start=tenancy.tenancy_start, reference=tenancy.reference,
                        collection_year=year, layout=layout, line=line))


def export(session: Session, date_from: dt.date | None, date_to: dt.date | None) -> tuple[core.Layout, str]:
    """The CORE file of the lets started in the period (either end open when None): the year's
    header, then each let's kept log by tenancy start and reference. ``core.UnsupportedYear`` for a
    year whose layout is not held, ``ValueError`` for lets of more than one year (as ``core.export``)."""
    kept = CoreLog.__table__.c  # the table's columns: 6,000 rows made as ORM rows cost 2.5 ms more
    logs = session.execute(
        select(kept.collection_year, kept.layout, kept.line)
        .where(*([kept.tenancy_start >= day_of(date_from)] if date_from else []),
               *([kept.tenancy_start <= day_of(date_to)] if date_to else []))
        .order_by(kept.tenancy_start, kept.reference)).all()
    layout = core.file_layout(core.one_year(year for year, _, _ in logs), date_from, date_to)
    fingerprint = layout.fingerprint
    if any(written_in != fingerprint for _, written_in, _ in logs):
        return afresh(session, date_from, date_to)
    return layout, core.as_text(core.header(layout)) + "".join(f"{line}\n" for _, _, line in logs)


def afresh(session: Session, date_from: dt.date | None, date_to: dt.date | None) -> tuple[core.Layout, str]:
    """The same file built from the lets, their homes and households as they are now."""
    tenancies = lets.lets_for_core(session, date_from, date_to)
    ended = {let.id: let for let in tenancies if let.void_date is not None}  # each let holds its void's date
    layout, lines = core.export(tenancies, ended, core.settings(), period_start=date_from, period_end=date_to)
    return layout, core.as_text(lines)


def _built(session: Session) -> dict[Any, dict[str, Any]]:
    """Every let made here's log as built from the data now, by tenancy id."""
    settings = core.settings()
    built = {}
    for let in lets.lets_for_core(session, None, None):
        year, layout, line = core.log_to_keep(let, let.void_date, let.offer.advert_id is not None, settings)
        built[let.id] = {"tenancy_id": let.id, "tenancy_start": let.tenancy_start, "reference": let.reference,
                         "collection_year": year, "layout": layout, "line": line}
    return built


def rebuild(session: Session, *, afresh: bool = False) -> int:
    """A log kept for every let made here, and only for them: the missing ones written (the seeders,
    which write rows past sign-up; a repair), those of no let made here removed, and those kept in a
    layout since changed in code (or not held then) written again from the data as it is now. Any
    other kept log is the letting as it was, and stays (a household changed since does not change
    it); ``afresh`` writes every log again from the data now (after a correction to ``core``'s rules).
    Only the logs that differ are written; returns how many changed."""
    built = _built(session)
    current = {year: layout.fingerprint for year, layout in core.LAYOUTS.items()}
    table = CoreLog.__table__
    kept = {row.tenancy_id: dict(row._mapping) for row in session.execute(select(table))}
    new = sorted((log for tenancy_id, log in built.items() if tenancy_id not in kept),
                 key=lambda log: (log["tenancy_start"], log["reference"]))  # written in the file's order
    changed = [{**log, "id": tenancy_id} for tenancy_id, log in built.items() if tenancy_id in kept and (
        afresh or kept[tenancy_id]["layout"] != current.get(kept[tenancy_id]["collection_year"]))
        and kept[tenancy_id] != log]
    gone = [tenancy_id for tenancy_id in kept if tenancy_id not in built]
    connection = session.connection()
    for start in range(0, len(new), 5_000):
        connection.execute(insert(table), new[start:start + 5_000])
    if changed:
        columns = ("tenancy_start", "reference", "collection_year", "layout", "line")
        connection.execute(update(table).where(table.c.tenancy_id == bindparam("id"))
                           .values({name: bindparam(f"new_{name}") for name in columns}),
                           [{"id": log["id"], **{f"new_{name}": log[name] for name in columns}} for log in changed])
    for start in range(0, len(gone), 5_000):
        connection.execute(delete(table).where(table.c.tenancy_id.in_(gone[start:start + 5_000])))
    return len(new) + len(changed) + len(gone)
