"""Statuses that a partial index's WHERE names are written in the SQL, not sent as parameters:
psycopg prepares a statement run five times and PostgreSQL then plans it once for any values, a
plan that cannot use a partial index for ``status IN ($1, $2)``. An officer's overdue list counted
every task that way (bench/NOTES.md, a large council: notifications)."""

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from notifications.models import Task, is_live


def _sql(statement, dialect) -> str:
    return str(statement.compile(dialect=dialect))


def test_a_live_task_is_found_by_the_statuses_the_live_index_names():
    for dialect in (postgresql.dialect(), sqlite.dialect()):
        assert "tasks.status IN ('open', 'acknowledged')" in _sql(select(Task.id).where(is_live(Task.status)), dialect)

