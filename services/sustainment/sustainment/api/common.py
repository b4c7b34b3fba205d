"""What every case view needs: the case (or a 404), a use case's refusals as problems, roles."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from casework.web import abort, db_session, get_or_404, invalid, load_for_update
from sustainment import rules, sensitivity
from sustainment.cases import Invalid
from sustainment.models import Case

#: Case work is done by sustainment officers and team leaders (admin always passes).
CASEWORKERS = ("sustainment_officer", "team_leader")


def load_case(case_id: uuid.UUID, *, for_update: bool = False) -> Case:
    """The case, locked for the change when ``for_update``; 404 when there is none."""
    case = get_or_404(db_session(), Case, case_id, lock=for_update, detail="There is no such case.")
    sensitivity.decide(case)
    return case


def change_case(case_id: uuid.UUID) -> Case:
    """The case locked for a change that honours If-Match: 412 when the ETag the caller sends is
    not the case's as GET /cases/{id} shows it to them now; 404 when there is none."""
    case = load_for_update(db_session(), Case, case_id, shown_as=_as_read, not_found="There is no such case.")
    sensitivity.decide(case)  # also when no If-Match was sent, and so nothing was shown yet
    return case


def _as_read(case: Case) -> Any:
    sensitivity.decide(case)  # what the caller's GET shows, and so what its ETag covers
    return sensitivity.CaseDetailRead().dump(case)


@contextmanager
def refusals() -> Iterator[None]:
    """A use case's refusal as a problem: 409 when the case's state does not allow it, 422 naming the field."""
    try:
        yield
    except rules.IllegalTransition as exc:
        abort(409, str(exc))
    except Invalid as exc:
        invalid(exc.field, exc.message)


def as_changed(case: Case) -> Case:
    """The changed case as its reader may see it: read back whole, the restricted details shown audited."""
    session = db_session()
    session.flush()
    session.refresh(case)
    sensitivity.audit_read(session, case)
    return case
