"""ETags on reads and ``If-Match`` on updates.

The ETag is a hash of the canonical JSON of the representation, so a GET's ETag and the
one an update checks against agree as long as both use the same schema.

Every update that honours ``If-Match`` loads its record with ``load_for_update``: the check
is made against the row as it stands under a lock, so of two updates made with one ETag
exactly one wins and the other is 412. (Checking a row read without a lock let both win.)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import marshmallow as ma
from flask import request
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from .errors import abort

T = TypeVar("T")

#: How an update's record is shown to the caller (what its ETag covers): a schema, or a
#: function from the record to the representation a GET returns.
Shown = ma.Schema | type[ma.Schema] | Callable[[Any], Any]


def etag_of(data: Any) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return '"' + hashlib.sha256(canonical.encode()).hexdigest()[:32] + '"'


def load_for_update(session: Session, model: type[T], ident: Any, *, shown_as: Shown, where: Iterable[Any] = (),
                    not_found: str = "There is no such record.", required: bool = False) -> T:
    """The ``model`` row with primary key ``ident``, locked until the transaction ends, once the
    request's ``If-Match`` has been checked against it: 412 when it names another version than
    the locked row as ``shown_as`` shows it, 404 (``not_found``) when there is no such row or it
    fails a condition in ``where`` (what the caller may see).

    On PostgreSQL the row is read ``SELECT … FOR UPDATE`` (of its own table only, so eager joins
    do not widen the lock): a second update with the same ETag waits for the first to commit,
    then reads the new version and is refused. On SQLite ``FOR UPDATE`` is not SQL; there every
    write transaction begins ``BEGIN IMMEDIATE`` (``casework.db``), which takes the database's
    write lock before the first read, so the same call is just as safe.

    Without ``If-Match`` (or with ``*``) the update goes ahead, still under the lock: clients
    that read before they write send it, and never overwrite a change they have not seen. With
    ``required`` it is 428 instead: an update of part of a record (a ``PATCH``) must say which
    version it read, and ``*`` names none.
    """
    (key,) = inspect(model).primary_key
    stmt = (select(model).where(key == ident, *where).with_for_update(of=model)
            # A copy already in the session must not hide the version the lock waited for.
            .execution_options(populate_existing=True))
    record = session.scalar(stmt)
    if record is None:
        abort(404, not_found)
    _check_if_match(shown_as, record, required)
    return record


def _check_if_match(shown_as: Shown, record: Any, required: bool) -> None:
    header = request.headers.get("If-Match")
    if not header or header.strip() == "*":
        if required:
            abort(428, "Send If-Match with the ETag of the record as you last read it.")
        return
    current = etag_of(_representation(shown_as, record))
    offered = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    if current not in offered:
        abort(412, "The record has changed since you read it; fetch it again and retry.",
              headers={"ETag": current})


def _representation(shown_as: Shown, record: Any) -> Any:
    if isinstance(shown_as, type) and issubclass(shown_as, ma.Schema):
        return shown_as().dump(record)
    if isinstance(shown_as, ma.Schema):
        return shown_as.dump(record)
    return shown_as(record)
