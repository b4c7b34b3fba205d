"""The sustainment plan: goals and actions agreed with the tenant, each change a new version."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy.orm import Session

from casework import audit, outbox
from sustainment import deadlines, events, rules
from sustainment.journal import on_timeline
from sustainment.models import Case, Plan
from sustainment.schemas import Plan as PlanSchema


def _items(items: list[dict]) -> list[dict]:
    """Plan items as stored: every one with an id (kept from the last version when given), dates as ISO."""
    out = []
    for item in items:
        stored = {**item, "id": str(item.get("id") or uuid.uuid4())}
        if "due_date" in stored:
            stored["due_date"] = stored["due_date"].isoformat()
        out.append(stored)
    return out


def agree_plan(session: Session, case: Case, *, goals: list[dict], actions: list[dict],
               review_date: dt.date | None, by: str, policy: rules.Policy, now: dt.datetime) -> Plan:
    """Agree a new version of the plan (earlier versions are kept); the plan-review deadline moves
    to its review date, by default the policy's review period from today."""
    rules.check_transition(case.status, "work")
    previous = case.plan
    review_date = review_date or rules.default_review_date(now.date(), policy)
    plan = Plan(case_id=case.id, version=(previous.version + 1) if previous else 1, status="agreed",
                goals=_items(goals), actions=_items(actions), review_date=review_date,
                agreed_by=by, created_at=now)
    session.add(plan)
    # The current plan's first deadline and review date, for the overdue counts and report.
    case.plan_due, case.plan_review = plan.first_due, plan.review_date
    session.flush()
    deadlines.schedule_plan_review(session, case, plan)
    on_timeline(session, case, "plan_agreed", f"Plan version {plan.version} agreed", plan.version)
    audit.changed(session, "agree_plan", "case", case.id,
                  PlanSchema().dump(previous) if previous else None, PlanSchema().dump(plan))
    outbox.emit(session, events.PLAN_AGREED, subject=str(case.id), data=events.plan_agreed(case, plan))
    return plan
