"""What officers (and the events sustainment consumes) do to a case, one module per area.

Each use case is a plain function: it takes the session, the case already loaded (and locked),
what was asked, who asks (``by``), the council's ``policy`` and the clock (``now``), and writes
the rows, the timeline, the audit entry, the timers and the events together in the caller's
transaction; it returns what it made or changed. The HTTP views in ``sustainment.api`` only
translate: they load the case, call one use case, and render its answer.

A use case refuses with ``rules.IllegalTransition`` when the case (or the visit, or the agency
referral) is not in a state that allows it (the API answers 409), and with ``Invalid`` when a
value asked for cannot be done (422 naming the field).
"""

from __future__ import annotations


class Invalid(ValueError):
    """A value the officer gave that cannot be done: ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
