"""The officer's judgement of a case's risk, with the reason recorded (in the case, not in the event)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from casework import audit, outbox
from sustainment import events, rules
from sustainment.audited import snapshot
from sustainment.cases import Invalid
from sustainment.journal import on_timeline
from sustainment.models import Case, RiskChange


def change_risk(session: Session, case: Case, *, risk_level: str, reason: str, by: str, now: dt.datetime) -> Case:
    """Change the case's risk level to ``risk_level``."""
    rules.check_transition(case.status, "work")
    if risk_level == case.risk_level:
        raise Invalid("risk_level", "The case is already at this risk level.")
    before = snapshot(case)
    previous, case.risk_level = case.risk_level, risk_level
    session.add(RiskChange(case_id=case.id, from_level=previous, to_level=case.risk_level, cause="officer",
                           reason=reason, changed_by=by, changed_at=now))
    on_timeline(session, case, "risk_changed", f"Risk changed from {previous} to {case.risk_level}")
    audit.changed(session, "change_risk", "case", case.id, before, snapshot(case), reason=reason)
    outbox.emit(session, events.RISK_CHANGED, subject=str(case.id),
                data=events.risk_changed(case, previous, cause="officer", team_leader_alert=False))
    return case
