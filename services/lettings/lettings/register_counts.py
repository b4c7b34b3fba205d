"""The register counted by status, band and bedroom need, kept as applicants are written.

The performance report shows the register (applications active or suspended) by band and bedroom
need. Counted on each request it read 66,000 index entries of a large council's 104,000
applicants (12-50 ms: bench/NOTES.md, letx). Instead every flush that adds, changes or removes an
applicant moves ``register_counts`` in the same transaction: registration, imports, a change of
band or household, each status change (suspension, its end, housing, cancellation), whichever use
case or timer makes it. Statements that write applicants past the ORM (``update(Applicant)``) are
not seen: none changes these columns; a repair recounts (:func:`recount`).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import delete, event, func, inspect, select
from sqlalchemy.orm import Session

from casework.portable import upsert
from lettings.models import Applicant, RegisterCount

#: What a count is kept by, in the key's order.
COUNTED = ("status", "band", "bedroom_need")


def _was(applicant: Applicant) -> tuple[Any, ...]:
    """The key as it stood before this flush's changes."""
    state = inspect(applicant)
    key = []
    for name in COUNTED:
        history = state.attrs[name].history
        key.append(history.deleted[0] if history.deleted else getattr(applicant, name))
    return tuple(key)


def _now(applicant: Applicant) -> tuple[Any, ...]:
    return tuple(getattr(applicant, name) for name in COUNTED)


def _count_changes(session: Session, _flush_context: Any) -> None:
    """After a flush (its new, changed and deleted objects and their history still at hand):
    one more at each new applicant's key, one fewer at each removed one's, and a changed one moved."""
    moved: Counter = Counter()
    for applicant in session.new:
        if isinstance(applicant, Applicant):
            moved[_now(applicant)] += 1
    for applicant in session.dirty:
        if isinstance(applicant, Applicant) and session.is_modified(applicant):
            was, now = _was(applicant), _now(applicant)
            if was != now:
                moved[was] -= 1
                moved[now] += 1
    for applicant in session.deleted:
        if isinstance(applicant, Applicant):
            moved[_was(applicant)] -= 1
    if any(moved.values()):
        add(session, moved)


event.listen(Session, "after_flush", _count_changes)


def add(session: Session, moved: Counter) -> None:
    """Move the counts by ``moved`` ({(status, band, bedroom need): by}), in one statement (in the
    keys' order, so two transactions lock the same rows in the same order)."""
    rows = [{"status": status, "band": band, "bedroom_need": need, "count": n}
            for (status, band, need), n in sorted(moved.items()) if n]
    if not rows:
        return
    table = RegisterCount.__table__
    stmt = upsert(session, table).values(rows)
    session.connection().execute(stmt.on_conflict_do_update(
        index_elements=[table.c.status, table.c.band, table.c.bedroom_need],
        set_={"count": table.c.count + stmt.excluded.count}))


def recount(session: Session) -> None:
    """Count the register from scratch (the seeders; a repair; the tests that check the two agree)."""
    session.execute(delete(RegisterCount))
    rows = session.execute(select(Applicant.status, Applicant.band, Applicant.bedroom_need, func.count())
                           .group_by(Applicant.status, Applicant.band, Applicant.bedroom_need)).all()
    if rows:
        session.execute(RegisterCount.__table__.insert(),
                        [{"status": s, "band": b, "bedroom_need": n, "count": c} for s, b, n, c in rows])


def counted(session: Session, statuses: tuple[str, ...]) -> dict[tuple[str, int], int]:
    """{(band, bedroom need): applications} of the ``statuses``, counts of nought left out."""
    found: Counter = Counter()
    for band, need, n in session.execute(select(RegisterCount.band, RegisterCount.bedroom_need, RegisterCount.count)
                                         .where(RegisterCount.status.in_(statuses), RegisterCount.count != 0)):
        found[(band, need)] += n
    return dict(found)
