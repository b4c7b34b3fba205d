"""What every case view needs: the case (or a 404), a use case's refusals as problems, roles."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from flask import request

from casework.web import abort, db_session, invalid
from sustainment import rules, sensitivity
from sustainment.cases import Forbidden, Invalid, NotFound, Stale, reading
from sustainment.models import Case

#: Case work is done by sustainment officers and team leaders (admin always passes).
CASEWORKERS = ("sustainment_officer", "team_leader")


def load_case(case_id: uuid.UUID, *, for_update: bool = False) -> Case:
    """The case, locked for the change when ``for_update``; 404 when there is none."""
    with refusals():
        return reading.find_case(db_session(), case_id, for_update=for_update)


def change_case(case_id: uuid.UUID) -> Case:
    """The case locked for a change that honours If-Match: 412 (with the case's ETag now) when the
    ETag the caller sends is not the case's as GET /cases/{id} shows it to them now; 404 when there
    is none. The officers' pages make the same check with ``reading.load_for_change``."""
    with refusals():
        return reading.load_for_change(db_session(), case_id, if_match=request.headers.get("If-Match"))


@contextmanager
def refusals() -> Iterator[None]:
    """A use case's refusal as a problem: 409 when the case's state does not allow it, 422 naming the
    field, 404 when there is no such case, 403 when the role may not, 412 when the case changed."""
    try:
        yield
    except rules.IllegalTransition as exc:
        abort(409, str(exc))
    except Invalid as exc:
        invalid(exc.field, exc.message)
    except NotFound as exc:
        abort(404, str(exc))
    except Forbidden as exc:
        abort(403, str(exc))
    except Stale as exc:
        abort(412, "The case has changed since you read it; fetch it again and retry.", headers={"ETag": exc.etag})


def as_changed(case: Case) -> Case:
    """The changed case as its reader may see it: read back whole, the restricted details shown audited."""
    session = db_session()
    session.flush()
    session.refresh(case)
    sensitivity.audit_read(session, case)
    return case
