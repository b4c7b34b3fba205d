"""Why a use case will not do what an officer asked.

The use cases raise these; the API answers them as problem details (``NotFound`` 404,
``NotAllowed`` 403, ``Conflict`` 409, ``Invalid`` 422 naming the field) and the inbox page
shows the ``message`` to the officer.
"""

from __future__ import annotations


class Refused(Exception):
    """The request is refused; ``message`` says why, in the officer's words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(Refused):
    """There is no such record, or it is not the caller's to see."""


class NotAllowed(Refused):
    """The caller may not do this (only a team leader may, say)."""


class Conflict(Refused):
    """The record is not in a state that allows it, or one like it is already there."""


class Invalid(Refused):
    """A value the caller gave cannot be done: ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
