"""Records found by their id or by the reference officers quote (``R-000123``, ``S-000045``).

An officer reads a reference off a letter, a phone note or a task and types it; a system holds
the id. Pages (``/app/referrals/R-000123``) and lists (``?reference=``) accept either, through
the conditions made here, on PostgreSQL and SQLite alike. A service says how its references are
kept: a column holding them (``Referral.reference``), or, where the reference is made from a
number (a case's ``S-000045`` from its ``number``), ``numbered("S", Case.number)``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Uuid, false, inspect, select
from sqlalchemy.orm import Session

T = TypeVar("T")

#: How a service's references are kept: the column holding them, or a function from the
#: reference typed (normalised) to the condition finding it (None when it cannot be one).
#: (Typed ``Any``: a mapped column, or ``Callable[[str], ColumnElement[bool] | None]``.)
Reference = Any

_NUMBERED = re.compile(r"([A-Z]+)-?0*(\d{1,12})")


def normal_reference(text: str) -> str:
    """A reference as typed, as it is stored: no spaces around it, capital letters (``r-000123`` → ``R-000123``)."""
    return text.strip().upper()


def numbered(prefix: str, column: Any) -> Callable[[str], ColumnElement[bool] | None]:
    """For references made from a number: ``numbered("S", Case.number)`` finds ``S-000045``
    (also ``S-45``, ``s45``) as ``number = 45``; anything else is no reference of this kind."""

    def condition(text: str) -> ColumnElement[bool] | None:
        found = _NUMBERED.fullmatch(normal_reference(text))
        if found is None or found.group(1) != prefix.upper():
            return None
        return column == int(found.group(2))

    return condition


def reference_is(reference: Reference, text: str) -> ColumnElement[bool]:
    """The condition that a record has the reference ``text`` (never true when it cannot be one)."""
    if callable(reference) and not hasattr(reference, "__clause_element__"):
        condition = reference(text)
        return condition if condition is not None else false()
    return reference == normal_reference(text)


def identified_by(model: type, key: Any, *, reference: Reference | None = None) -> ColumnElement[bool]:
    """The condition that a ``model`` row is the one ``key`` names: its id (a UUID, or text that
    is one), else, when the model has references, its reference."""
    (primary,) = inspect(model).primary_key
    if isinstance(key, uuid.UUID):
        return primary == key
    text = str(key).strip()
    if isinstance(primary.type, Uuid):
        try:
            return primary == uuid.UUID(text)
        except ValueError:
            pass
    elif text:
        by_id = primary == text
        return by_id if reference is None else by_id | reference_is(reference, text)
    return reference_is(reference, text) if reference is not None and text else false()


def find(session: Session, model: type[T], key: Any, *, reference: Reference | None = None,
         where: Iterable[Any] = (), lock: bool = False) -> T | None:
    """The ``model`` row that ``key`` (an id or a reference) names and that meets every condition
    in ``where`` (what the caller may see); None when there is none. ``lock`` reads it ``FOR
    UPDATE`` (of its own table)."""
    stmt = select(model).where(identified_by(model, key, reference=reference), *where)
    if lock:
        stmt = stmt.with_for_update(of=model).execution_options(populate_existing=True)
    return session.scalar(stmt)
