"""``Idempotency-Key`` on POST: the same key and body from the same caller within 24 hours
replays the first response; the same key with another body is 422.

The stored response is written in the same transaction as the change it answers, so a
retry after a lost response can never make the change twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from flask import Response, current_app, g, request
from sqlalchemy import Integer, LargeBinary, String, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from casework.db import JSONDoc, KernelBase, UTCDateTime, as_utc, utcnow

HEADER = "Idempotency-Key"
WINDOW = dt.timedelta(hours=24)
KEPT_HEADERS = ("Content-Type", "Location", "ETag")


class IdempotencyRecord(KernelBase):
    __tablename__ = "idempotency_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    caller: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    headers: Mapped[dict] = mapped_column(JSONDoc, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("caller", "key", name="uq_idempotency_keys_caller_key"),)


def request_hash() -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(request.path.encode())
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _caller() -> str:
    principal = g.get("principal")
    return principal.sub if principal is not None else "anonymous"


def lookup(session: Session) -> Response | None:
    """Before the view: a stored answer to replay, a 422 for a reused key, or None."""
    from .errors import problem

    key = request.headers.get(HEADER)
    if not key or request.method != "POST":
        return None
    if len(key) > 200:
        return problem(422, "The Idempotency-Key is too long.", errors={HEADER: ["At most 200 characters."]})
    found = session.scalar(
        select(IdempotencyRecord).where(IdempotencyRecord.caller == _caller(), IdempotencyRecord.key == key)
    )
    if found is None or as_utc(found.created_at) < utcnow() - WINDOW:
        return None
    return replay(found)


def replay(found: IdempotencyRecord) -> Response:
    from .errors import problem

    if found.request_hash != request_hash():
        return problem(422, "This Idempotency-Key was used with a different request.",
                       errors={HEADER: ["Already used with a different request body."]})
    response = current_app.response_class(found.body, status=found.status)
    for name, value in found.headers.items():
        response.headers[name] = value
    response.headers["Idempotent-Replayed"] = "true"
    return response


def remember(session: Session, response: Response) -> None:
    """After a successful view: store the response in the request's transaction."""
    key = request.headers.get(HEADER)
    if not key or request.method != "POST" or response.status_code >= 300:
        return
    caller = _caller()
    # An expired record with the same key gives way to the new one.
    session.execute(delete(IdempotencyRecord).where(
        IdempotencyRecord.caller == caller, IdempotencyRecord.key == key,
        IdempotencyRecord.created_at < utcnow() - WINDOW))
    session.add(IdempotencyRecord(
        caller=caller, key=key, method=request.method, path=request.path, request_hash=request_hash(),
        status=response.status_code, body=response.get_data(),
        headers={h: response.headers[h] for h in KEPT_HEADERS if h in response.headers},
    ))


def find(session: Session) -> IdempotencyRecord | None:
    key = request.headers.get(HEADER)
    return session.scalar(
        select(IdempotencyRecord).where(IdempotencyRecord.caller == _caller(), IdempotencyRecord.key == key)
    ) if key else None
