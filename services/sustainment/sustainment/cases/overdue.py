"""Which of many open cases have a deadline past: the team's caseload counts them per officer, and
the overdue report lists each deadline past.

The rules are ``reading.deadlines``' (a case is overdue when any of its deadlines is), asked of
the database for thousands of cases at once instead of loading each case's visits, plans and
agency referrals: a large council's team has 7,000 open cases, and reading them whole to count
took seconds (bench/NOTES.md, "A large council: sustainment"). Date-only deadlines fall due at
close of business on their day, so one is past when its day is before ``_first_day_not_past``.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select
from sqlalchemy.orm import Session

from casework import workdays
from casework.literal import text_of, written_in
from sustainment import rules
from sustainment.models import OPEN, SETTLED, AgencyReferral, Case, Plan, Visit, case_reference


def _first_day_not_past(now: dt.datetime) -> dt.date:
    """The first day whose close of business is not yet past at ``now``."""
    today = now.astimezone(workdays.LONDON).date()
    return today if rules.close_of_business(today) >= now else today + dt.timedelta(days=1)


def overdue(session: Session, where: tuple, *, policy: rules.Policy, now: dt.datetime) -> ColumnElement[bool]:
    """Whether a case (one of the open ones ``where`` selects) has any deadline past at ``now``, as
    SQL: a count per officer is then one ``GROUP BY`` over the cases, not their rows read to
    Python (bench/NOTES.md, "Sustainment at full size, third pass"). Reads the visits already
    past (few: the working-day rule for their outcome is Python's); the rest is asked of each case
    in the statement: first contact, the current plan's first deadline kept on the case
    (``plan_due``), a settling-in visit made (``ix_visits_settled``), an agency still to answer
    (``ix_agency_referrals_awaited``)."""
    day = _first_day_not_past(now)
    # A visit's outcome is due some working days after it: only visits already past can be late.
    late_visits = {case_id for case_id, scheduled_for in session.execute(
        select(Visit.case_id, Visit.scheduled_for).join(Case, Case.id == Visit.case_id)
        .where(*where, Visit.status == text_of("scheduled"), Visit.scheduled_for < now))
        if rules.visit_outcome_due(scheduled_for, policy) < now}
    settled = select(Visit.case_id).where(SETTLED)
    chased = select(AgencyReferral.case_id).where(written_in(AgencyReferral.status, rules.AGENCY_AWAITED),
                                                  AgencyReferral.chase_by < day)
    return or_(and_(Case.first_contact_at.is_(None), Case.first_contact_due < now),
               Case.plan_due < day,  # the plan's review or an open action
               and_(Case.settling_in_due < now, Case.id.not_in(settled)),
               Case.id.in_(chased),
               Case.id.in_(late_visits) if late_visits else false())


def overdue_cases(session: Session, where: tuple, *, policy: rules.Policy, now: dt.datetime) -> set[uuid.UUID]:
    """The ids of the open cases ``where`` selects with any deadline past at ``now``."""
    return set(session.scalars(select(Case.id).where(*where, overdue(session, where, policy=policy, now=now))))


# -- the overdue report --------------------------------------------------------------------------

#: What of a case the report shows beside each deadline: no tenant (the report names cases by
#: reference, so a case listed is audited as read only on the page shown).
_LISTED = (Case.id, Case.number, Case.case_type, Case.officer_id, Case.risk_level)


def _row(case, deadline: str, due: dt.datetime, related_id=None) -> dict:
    return {"case_id": case.id, "reference": case_reference(case.number), "case_type": case.case_type,
            "officer_id": case.officer_id, "risk_level": case.risk_level, "deadline": deadline,
            "due": due, "related_id": str(related_id) if related_id is not None else None}


def report(session: Session, *, case_type: str | None, policy: rules.Policy, now: dt.datetime) -> list[dict]:
    """Every deadline past on an open case (of ``case_type`` if given): first contact, settling-in
    visit, visit outcomes, plan reviews and agency chases, most overdue first.

    Read as columns, not whole cases and plans: a large council has thousands of such deadlines
    (bench/NOTES.md, "Sustainment at full size, second pass")."""

    def of(*columns) -> Select:
        stmt = select(*_LISTED, *columns).where(OPEN)
        return stmt.where(Case.case_type == case_type) if case_type else stmt

    today = workdays.london_today(now)
    found = [_row(c, "first_contact", c.first_contact_due) for c in session.execute(
        of(Case.first_contact_due).where(Case.first_contact_at.is_(None), Case.first_contact_due < now))]
    settled = select(Visit.id).where(Visit.case_id == Case.id, SETTLED).exists()
    found += [_row(c, "settling_in_visit", c.settling_in_due) for c in session.execute(
        of(Case.settling_in_due).where(Case.settling_in_due < now, ~settled))]
    for c in session.execute(of(Visit.id.label("related"), Visit.scheduled_for).join(Visit, Visit.case_id == Case.id)
                             .where(Visit.status == text_of("scheduled"), Visit.scheduled_for < now)):
        due = rules.visit_outcome_due(c.scheduled_for, policy)
        if due < now:
            found.append(_row(c, "visit", due, c.related))
    # The current plan's review date is kept on the case (``plan_review``): only those cases' plans
    # are asked, for the current version. Not a join of the cases and their plans: the planner,
    # expecting every case (a closed case keeps its last review date), took it to parallel workers
    # whose start cost more than the statement (bench/NOTES.md, "The team's caseload and the
    # reports (team)").
    current = select(func.max(Plan.version)).where(Plan.case_id == Case.id).scalar_subquery()
    found += [_row(c, "plan_review", rules.close_of_business(c.plan_review), c.version) for c in session.execute(
        of(Case.plan_review, current.label("version")).where(Case.plan_review < today))]
    found += [_row(c, "agency_chase", rules.close_of_business(c.chase_by), c.related) for c in session.execute(
        of(AgencyReferral.id.label("related"), AgencyReferral.chase_by)
        .join(AgencyReferral, AgencyReferral.case_id == Case.id)
        .where(written_in(AgencyReferral.status, rules.AGENCY_AWAITED), AgencyReferral.chase_by < today))]
    return sorted(found, key=lambda r: (r["due"], r["reference"]))
