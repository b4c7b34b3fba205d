"""What officers (and the events sustainment consumes) do to a case, one module per area.

Each use case is a plain function: it takes the session, the case already loaded (and locked),
what was asked, who asks (``by``), the council's ``policy`` and the clock (``now``), and writes
the rows, the timeline, the audit entry, the timers and the events together in the caller's
transaction; it returns what it made or changed. The HTTP views in ``sustainment.api`` only
translate: they load the case, call one use case, and render its answer.

A use case refuses with ``rules.IllegalTransition`` when the case (or the visit, or the agency
referral) is not in a state that allows it (the API answers 409), with ``Invalid`` when a value
asked for cannot be done (422 naming the field), ``NotFound`` (404), ``Forbidden`` when the role
may not (403), and ``Stale`` when the case changed since its reader saw it (412).

``reading`` holds the reads (the case whole, caseloads, deadlines) and the loading of a case for
a change; the officers' pages call the same functions as the API, and so audit the same.
"""

from __future__ import annotations


class Invalid(ValueError):
    """A value the officer gave that cannot be done: ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class NotFound(LookupError):
    """There is no such case (or no such record on it) for the caller: the API answers 404."""


class Stale(Exception):
    """The case changed since the caller read it: ``etag`` is its version now (the API answers 412
    with it; a page shows the case as it is now and asks the officer to make the change again)."""

    def __init__(self, case, etag: str) -> None:
        super().__init__("The case has changed since you read it; read it again and make your change again.")
        self.case = case
        self.etag = etag


class Forbidden(PermissionError):
    """The caller's role may not see or do this (the API answers 403)."""
