"""What every case view needs: the case (or a 404), its state checked (or a 409), roles."""

from __future__ import annotations

import uuid
from typing import Any

from casework.web import abort, db_session, load_for_update
from sustainment import rules, sensitivity
from sustainment.models import Case
from sustainment.schemas import Case as CaseSchema

#: Case work is done by sustainment officers and team leaders (admin always passes).
CASEWORKERS = ("sustainment_officer", "team_leader")


def load_case(case_id: uuid.UUID, *, for_update: bool = False) -> Case:
    """The case, locked for the change when ``for_update``; 404 when there is none."""
    case = db_session().get(Case, case_id, with_for_update=True) if for_update else db_session().get(Case, case_id)
    if case is None:
        abort(404, "There is no such case.")
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


def guard(case: Case, action: str) -> None:
    """409 when the case's status does not allow ``action``."""
    try:
        rules.check_transition(case.status, action)
    except rules.IllegalTransition as exc:
        abort(409, str(exc))


def snapshot(case: Case) -> dict[str, Any]:
    """The case as the audit log records it before and after a change.

    The audit log is append-only and outlives anonymisation, so it records the facts of a
    change and leaves out who the tenant is and what officers wrote (that stays on the record).
    """
    return CaseSchema(exclude=("tenant_name",)).dump(case)
