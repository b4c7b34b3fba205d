"""Loading the record a request is about: one answer for "there is none" and "not yours"."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from casework import records

from .errors import abort

T = TypeVar("T")


def get_or_404(session: Session, model: type[T], ident: Any, *, where: Iterable[Any] = (),
               detail: str = "There is no such record.", lock: bool = False,
               reference: records.Reference | None = None) -> T:
    """The ``model`` row with primary key ``ident`` that meets every condition in ``where`` (what the
    caller may see), else a 404 problem with ``detail``: a record the caller may not see is
    answered as if it did not exist (DESIGN §5). ``lock`` reads it ``FOR UPDATE`` (of its own
    table), for a change that must not race another; a change under ``If-Match`` uses
    ``load_for_update`` instead, which also checks the ETag.

    With ``reference`` (how the model keeps its references, ``casework.records``), ``ident`` may
    be the reference officers quote as well as the id: ``/app/referrals/R-000123``.
    """
    if reference is None:
        (key,) = inspect(model).primary_key
        stmt = select(model).where(key == ident, *where)
        if lock:
            stmt = stmt.with_for_update(of=model).execution_options(populate_existing=True)
        record = session.scalar(stmt)
    else:
        record = records.find(session, model, ident, reference=reference, where=where, lock=lock)
    if record is None:
        abort(404, detail)
    return record
