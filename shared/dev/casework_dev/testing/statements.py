"""What a test's code sent to the database: each statement as the driver was given it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event


@contextmanager
def statements_sent(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The (SQL, parameters) of every statement ``engine`` sends inside the ``with`` (an
    executemany is one, with its parameter sets), in order."""
    sent: list[tuple[str, Any]] = []

    def seen(conn, cursor, statement, parameters, context, executemany) -> None:
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", seen)
