"""SQLite's planner statistics, kept by the worker: the embedded default's ``ANALYZE``.

PostgreSQL keeps its own (autovacuum analyses a table as it changes). SQLite keeps none until
``ANALYZE`` runs, and without them it guesses every index alike: some reports are read well only
with them (sustainment's outcomes find the first and last closure from an end of their index on a
database with statistics, and read every closed case on one without: bench/NOTES.md, "SQLite at full
size (lite)"). The large council's seeder analyses; a database grown by ``casework run`` would not.
So on SQLite the worker runs ``ANALYZE`` at start and once a day, each index sampled
(``analysis_limit``): 7 ms over sustainment's 200,000 cases at full size.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from casework import timers
from casework.db import Database, utcnow

#: The recurring timer's kind and key (one row, rescheduled after each run).
STATISTICS = "planner_statistics"
EVERY = dt.timedelta(days=1)
#: Rows of each index ``ANALYZE`` reads (SQLite's recommended order of magnitude: "100 or 1000").
SAMPLE = 1000


def refresh(session: Session, timer: Any) -> None:
    """The timer's handler: the statistics written again, and the next run scheduled."""
    session.execute(text(f"PRAGMA analysis_limit={SAMPLE}"))
    session.execute(text("ANALYZE"))
    timers.schedule(session, STATISTICS, key=STATISTICS, due_at=utcnow() + EVERY)


def handlers(db: Database) -> dict[str, Any]:
    """The kernel's timer handler for the worker's sweeper: only SQLite needs it."""
    return {STATISTICS: refresh} if db.is_sqlite else {}


def ensure(db: Database) -> None:
    """On SQLite, a run due now unless one is already pending (each start of the worker)."""
    if not db.is_sqlite:
        return
    with db.transaction() as session:
        timers.ensure_pending(session, STATISTICS, key=STATISTICS)
