"""What every notifications view needs: a use case's refusals answered as problem details."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from casework.web import abort, invalid
from notifications.refusals import Conflict, Invalid, NotAllowed, NotFound


@contextmanager
def refusals() -> Iterator[None]:
    """404 when there is no such record, 403 when it is not the caller's to do, 409 when the record's
    state does not allow it, 422 naming the field a value cannot be done for."""
    try:
        yield
    except NotFound as exc:
        abort(404, exc.message)
    except NotAllowed as exc:
        abort(403, exc.message)
    except Conflict as exc:
        abort(409, exc.message)
    except Invalid as exc:
        invalid(exc.field, exc.message)
