"""What lettings officers do, one module per area: homes and their voids (``properties``), the
housing register (``register``), adverts and bids (``adverts``, ``bids``), offers and their
answers (``offers``), pre-tenancy checks (``checks``) and sign-up (``sign_up``).

Each use case is a plain function: it takes the session, the records already loaded (locked when
it changes them), what was asked, who asks (``by``), the council's ``policy`` and the clock
(``now``), and writes the rows, the audit entries, the timers and the events together in the
caller's transaction; it returns what it made or changed. The HTTP views in ``lettings.api``
only translate: they load what the path names, call one use case, and render its answer.

A use case refuses with ``NotAllowed`` when the home, advert or offer is not in a state that
allows it (the API answers 409), with ``Invalid`` when a value asked for cannot be done (422
naming the field), and with ``NotFound`` when the request names a record there is none of (404).
"""

from __future__ import annotations

from collections.abc import Sequence


class NotAllowed(Exception):
    """The state of the home, advert, offer or applicant does not allow what was asked."""


class NotFound(LookupError):
    """The request names a record (in its body) that does not exist."""


class Invalid(ValueError):
    """A value the officer gave that cannot be done: ``field`` names it, with every reason."""

    def __init__(self, field: str, messages: Sequence[str], detail: str = "The request has invalid fields.") -> None:
        super().__init__(detail)
        self.field = field
        self.messages = list(messages)
        self.detail = detail
