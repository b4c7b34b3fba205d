"""Reading cases: one case with everything case work needs, an officer's caseload, the team's.

The API (``GET /cases/{id}``, ``/caseload``, ``/caseload/team``) and the officers' pages call
these, so both write the same audit entries: a ``read`` of every case whose tenant is shown,
and for restricted (safeguarding and health) details what ``sensitivity`` says — ``read_restricted``
naming the fields, or ``break_glass`` with its reason (and the team's manager told).

Also here: finding a case by id or reference, and loading it to change it under the version
its reader saw (``If-Match`` on the API, the form's hidden version on a page).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case as sql_case
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased, lazyload, selectinload

from casework import audit, context, records
from casework.literal import text_of, written_in
from casework.web.etag import etag_of
from sustainment import rules, sensitivity
from sustainment.cases import Forbidden, NotFound, Stale, overdue
from sustainment.models import CASE_REFERENCE, OPEN, SETTLED, AgencyReferral, Case, Plan, Visit

#: Who sees other officers' caseloads and the team's (admin always does).
LEADERS = ("team_leader",)


# -- finding a case ----------------------------------------------------------------------------


def _where(key: Any):
    """The case ``key`` names: its id or its reference (``S-000045``), as the kernel reads them."""
    return records.identified_by(Case, key, reference=CASE_REFERENCE)


def find_case(session: Session, key: Any, *, for_update: bool = False) -> Case:
    """The case whose id or reference (``S-000045``) is ``key``, with this reader's view of its
    restricted details decided; ``NotFound`` when there is none. ``for_update`` locks it for a change."""
    stmt = select(Case).where(_where(key))
    if for_update:
        # The version the lock waited for, not a copy already in the session.
        stmt = stmt.with_for_update(of=Case).execution_options(populate_existing=True)
    case = session.scalar(stmt)
    if case is None:
        raise NotFound("There is no such case.")
    sensitivity.decide(case)
    return case


def _on_case(session: Session, model: type, case: Case, key: Any, *, for_update: bool, missing: str) -> Any:
    try:
        ident = key if isinstance(key, uuid.UUID) else uuid.UUID(str(key))
    except ValueError:
        raise NotFound(missing) from None
    stmt = select(model).where(model.id == ident, model.case_id == case.id)
    if for_update:
        stmt = stmt.with_for_update(of=model).execution_options(populate_existing=True)
    found = session.scalar(stmt)
    if found is None:
        raise NotFound(missing)
    return found


def find_visit(session: Session, case: Case, visit_id: Any, *, for_update: bool = False) -> Visit:
    """The visit ``visit_id`` of ``case``; ``NotFound`` when the case has no such visit."""
    return _on_case(session, Visit, case, visit_id, for_update=for_update,
                    missing="There is no such visit on this case.")


def find_agency_referral(session: Session, case: Case, referral_id: Any, *,
                         for_update: bool = False) -> AgencyReferral:
    """The agency referral ``referral_id`` of ``case``; ``NotFound`` when the case has no such referral."""
    return _on_case(session, AgencyReferral, case, referral_id, for_update=for_update,
                    missing="There is no such agency referral on this case.")


def version_of(case: Case) -> str:
    """The case's version as its reader sees it (without breaking glass): the ETag ``GET /cases/{id}``
    gives, which a change sends back (``If-Match``, or a page form's hidden field). Made from the
    case's ``version``, which every change to the case or anything on it counts
    (``sustainment.models``), and whether this reader is shown its restricted details (the two
    readings are two representations), without reading all of the case (bench/NOTES.md, "The plan
    page")."""
    shown = sensitivity.decide(case)
    return etag_of({"case": str(case.id), "version": case.version, "restricted_shown": shown})


def load_for_change(session: Session, key: Any, *, if_match: str | None) -> Case:
    """The case locked for a change made on the version ``if_match`` names (one ETag, or several
    separated by commas; none or ``*``: whatever it is now). ``Stale`` (with the case as it is now
    and its version) when it changed since; ``NotFound`` when there is no such case.

    Checked under the lock, so of two changes made on one version exactly one goes ahead."""
    case = find_case(session, key, for_update=True)
    if if_match and if_match.strip() != "*":
        current = version_of(case)
        offered = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
        if current not in offered:
            raise Stale(case, current)
    sensitivity.decide(case)
    return case


# -- deadlines ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    """Something on a case due by a time: ``deadline`` names it as ``deadline.missed`` events and the
    overdue report do, or ``plan_action`` for an open action of the plan."""

    deadline: str
    due: dt.datetime
    overdue: bool
    title: str
    related_id: str | None = None


_KIND = {"home_visit": "Home visit", "welfare_check": "Welfare check", "settling_in": "Settling-in visit"}


def next_visit(case: Case) -> Visit | None:
    """The first visit still to be recorded."""
    scheduled = [v for v in case.visits if v.status == "scheduled"]
    return min(scheduled, key=lambda v: v.scheduled_for) if scheduled else None


def open_actions(case: Case) -> list[dict]:
    """The current plan's actions not yet done or cancelled, soonest due first."""
    if case.plan is None:
        return []
    actions = [a for a in case.plan.actions if a.get("status", "open") == "open"]
    return sorted(actions, key=lambda a: a.get("due_date") or "9999-12-31")


def deadlines(case: Case, *, policy: rules.Policy, now: dt.datetime) -> list[Deadline]:
    """What is due on an open case and by when, soonest first (those past due are ``overdue``).
    A closed case has none."""
    if case.status == "closed":
        return []
    found: list[Deadline] = []

    def add(deadline: str, due: dt.datetime, title: str, related_id: Any = None) -> None:
        found.append(Deadline(deadline, due, due < now, title,
                              str(related_id) if related_id is not None else None))

    if case.first_contact_at is None:
        add("first_contact", case.first_contact_due, "First contact with the tenant")
    if case.settling_in_due is not None and not any(
            v.kind == "settling_in" and v.status == "completed" for v in case.visits):
        add("settling_in_visit", case.settling_in_due, "Settling-in visit")
    for visit in case.visits:
        if visit.status == "scheduled":
            add("visit", rules.visit_outcome_due(visit.scheduled_for, policy),
                f"{_KIND.get(visit.kind, visit.kind)} outcome", visit.id)
    for action in open_actions(case):
        if action.get("due_date"):
            add("plan_action", rules.close_of_business(dt.date.fromisoformat(action["due_date"])),
                action.get("title") or "Plan action", action.get("id"))
    if case.plan is not None and case.plan.review_date is not None:
        add("plan_review", rules.close_of_business(case.plan.review_date), "Plan review", case.plan.version)
    for referral in case.agency_referrals:
        if not rules.agency_answered(referral.status):
            add("agency_chase", rules.close_of_business(referral.chase_by),
                f"Chase {referral.agency.replace('_', ' ')}", referral.id)
    return sorted(found, key=lambda d: (d.due, d.deadline))


# -- what is still open when a case closes -------------------------------------------------------


@dataclass(frozen=True)
class Outstanding:
    """Work still open on a case: a plan action, a visit not recorded, an agency not answered."""

    kind: str  # plan_action | visit | agency_referral
    title: str
    related_id: str | None


def outstanding(case: Case) -> list[Outstanding]:
    """What is still open on the case. Closing does not wait for it (an outcome such as
    ``disengaged`` or ``deceased`` ends the work undone), but an officer closing the case is shown it."""
    if case.status == "closed":
        return []
    found = [Outstanding("plan_action", a.get("title") or "Plan action", a.get("id")) for a in open_actions(case)]
    found += [Outstanding("visit", f"{_KIND.get(v.kind, v.kind)} on {v.scheduled_for:%Y-%m-%d} not recorded",
                          str(v.id)) for v in case.visits if v.status == "scheduled"]
    found += [Outstanding("agency_referral", f"{r.agency.replace('_', ' ').capitalize()} has not answered", str(r.id))
              for r in case.agency_referrals if not rules.agency_answered(r.status)]
    return found


@dataclass(frozen=True)
class ClosureCheck:
    """Whether the case may be closed now (``refusal`` says why not), and what is still open on it."""

    may_close: bool
    refusal: str | None
    outstanding: list[Outstanding]


def closure_check(case: Case) -> ClosureCheck:
    try:
        rules.check_transition(case.status, "close")
    except rules.IllegalTransition as exc:
        return ClosureCheck(False, str(exc), [])
    return ClosureCheck(True, None, outstanding(case))


# -- one case, whole -----------------------------------------------------------------------------


@dataclass
class CaseView:
    """A case as its reader may see it, with what its page needs beside the record itself.

    ``case`` renders with ``sensitivity.CaseDetailRead`` (restricted details left out unless shown);
    ``version`` is what a change sends back (If-Match); ``restricted`` names what was left out,
    ``restricted_shown`` what was shown (and audited); ``broke_glass`` when shown on a reason."""

    case: Case
    version: str
    deadlines: list[Deadline]
    closure: ClosureCheck
    restricted: list[str]
    restricted_shown: list[str]
    broke_glass: bool
    may_assign: bool
    may_see_restricted: bool
    #: The case as this reader is shown it, dumped once (none after a break-glass read, which shows more).
    shown: dict[str, Any] | None = None

    @property
    def detail(self) -> dict[str, Any]:
        """The case as ``GET /cases/{id}`` shows it to this reader (in the request that read it)."""
        if self.shown is None:
            self.shown = sensitivity.CaseDetailRead().dump(self.case)
        return self.shown


def read_case(session: Session, key: Any, *, break_glass_reason: str | None = None, policy: rules.Policy,
              now: dt.datetime) -> CaseView:
    """Read a case (by id or reference) with its plan, visits, agency referrals, contacts, notes,
    risk changes, assignments and timeline, its deadlines and what closing it would leave open.

    Audited as a read of the case. Restricted details are shown to the case's officer, team
    leaders and admins (audited ``read_restricted``); anyone else gets them left out, unless they
    give ``break_glass_reason``: then they are shown, audited ``break_glass`` with the reason, and
    the sustainment team's manager is told."""
    case = find_case(session, key)
    as_read = sensitivity.CaseDetailRead().dump(case)  # find_case decided the reader's view
    version = version_of(case)
    audit.read(session, "case", case.id)
    may_see = sensitivity.may_see(case)
    broke_glass = bool(break_glass_reason and break_glass_reason.strip()) and not may_see
    if broke_glass:
        sensitivity.decide(case, break_glass=True)
        shown = sensitivity.audit_read(session, case, reason=break_glass_reason)
    else:
        sensitivity.decide(case)
        shown = sensitivity.audit_read(session, case)
    held = sensitivity.restricted_fields(case)
    return CaseView(
        case=case, version=version, deadlines=deadlines(case, policy=policy, now=now),
        closure=closure_check(case), restricted=[] if (may_see or broke_glass) else held,
        restricted_shown=shown, broke_glass=broke_glass,
        may_assign=context.principal.get().has_any(*LEADERS), may_see_restricted=may_see or broke_glass,
        shown=None if broke_glass else as_read,
    )


# -- caseloads -----------------------------------------------------------------------------------


@dataclass
class CaseloadEntry:
    """One open case in a caseload, with what needs doing on it next."""

    case: Case
    first_contact_overdue: bool
    next_visit: Visit | None
    next_action: dict | None
    next_deadline: Deadline | None
    overdue: int

    @property
    def sort_key(self) -> tuple:
        # What needs doing first: the soonest deadline (so the most overdue first), then the
        # higher risk, then the oldest case; cases with nothing due last.
        due = self.next_deadline.due if self.next_deadline else dt.datetime.max.replace(tzinfo=dt.UTC)
        return (self.next_deadline is None, due, -rules.RISK_LEVELS.index(self.case.risk_level), self.case.number)


def _entry(case: Case, *, policy: rules.Policy, now: dt.datetime) -> CaseloadEntry:
    due = deadlines(case, policy=policy, now=now)
    actions = [a for a in open_actions(case) if a.get("due_date")]
    return CaseloadEntry(
        case=case,
        first_contact_overdue=case.first_contact_at is None and case.first_contact_due < now,
        next_visit=next_visit(case), next_action=actions[0] if actions else None,
        next_deadline=due[0] if due else None, overdue=sum(d.overdue for d in due))


def _open_cases(session: Session, *where: Any) -> Iterable[Case]:
    """Open cases with what a caseload shows of them and their deadlines need: the visits still to
    record and the settling-in visits made, the current plan, the agencies yet to answer (not a year
    of visits and plan versions, nor the agencies and deliveries of every referral: bench/NOTES.md,
    "Sustainment at full size, second pass"). Read for a list, never changed: the collections are
    those parts only."""
    later = aliased(Plan)
    current = ~select(later.id).where(later.case_id == Plan.case_id, later.version > Plan.version).exists()
    return session.scalars(select(Case).where(OPEN, *where).options(
        selectinload(Case.visits.and_(or_(Visit.status == text_of("scheduled"), SETTLED))),
        selectinload(Case.plans.and_(current)),
        selectinload(Case.agency_referrals.and_(written_in(AgencyReferral.status, rules.AGENCY_AWAITED)))
        .options(lazyload(AgencyReferral.directory_agency), lazyload(AgencyReferral.deliveries))))


def _entries(session: Session, cases: Iterable[Case], *, policy: rules.Policy, now: dt.datetime) -> list[CaseloadEntry]:
    entries = sorted((_entry(case, policy=policy, now=now) for case in cases), key=lambda e: e.sort_key)
    for entry in entries:  # each shows who the tenant is
        audit.read(session, "case", entry.case.id)
    return entries


def caseload(session: Session, *, officer_id: str | None = None, policy: rules.Policy,
             now: dt.datetime) -> list[CaseloadEntry]:
    """An officer's open cases (the caller's own unless ``officer_id`` names another, which only team
    leaders may see), what needs doing first at the top. Each case listed is audited as read."""
    principal = context.principal.get()
    officer_id = officer_id or principal.sub
    if officer_id != principal.sub and not principal.has_any(*LEADERS):
        raise Forbidden("Only team leaders see other officers' caseloads.")
    return _entries(session, _open_cases(session, Case.officer_id == officer_id), policy=policy, now=now)


@dataclass(frozen=True)
class OfficerLoad:
    """One officer's open cases: how many, by risk level, and how many have a deadline past."""

    officer_id: str
    open_cases: int
    by_risk: dict[str, int]
    overdue_cases: int


@dataclass
class TeamCaseload:
    #: One page of the unassigned cases (``page``, ``page_size``), what needs doing first at the top.
    unassigned: list[CaseloadEntry]
    officers: list[OfficerLoad] = field(default_factory=list)
    #: How many open cases no officer has, of which ``unassigned`` is a page.
    unassigned_count: int = 0
    page: int = 1
    page_size: int = 0

    @property
    def pages(self) -> int:
        return max(1, -(-self.unassigned_count // self.page_size)) if self.page_size else 1


#: The team's unassigned cases shown a page at a time (the page's default).
UNASSIGNED_PAGE = 20


def team_caseload(session: Session, *, case_type: str | None = None, page: int = 1, page_size: int = UNASSIGNED_PAGE,
                  policy: rules.Policy, now: dt.datetime) -> TeamCaseload:
    """For team leaders: the open cases no officer has yet, what needs doing first at the top, a
    page at a time; and each officer's open caseload by risk level. The unassigned cases on the
    page are audited as read (their tenants are shown); the officers' counts show no one.

    A team that falls behind has hundreds of cases waiting: only the page's are audited, shown (and
    given an assign form on the page), as every list is paged (bench/NOTES.md, "Sustainment at full
    size, second pass")."""
    if not context.principal.get().has_any(*LEADERS):
        raise Forbidden("Only team leaders see the team's caseload.")
    where = [Case.case_type == text_of(case_type)] if case_type else []
    unassigned = list(_open_cases(session, Case.officer_id.is_(None), *where))
    assigned = (OPEN, Case.officer_id.is_not(None), *where)
    past = overdue.overdue(session, assigned, policy=policy, now=now)
    loads: dict[str, dict] = {}
    for officer_id, risk_level, cases, late in session.execute(
            select(Case.officer_id, Case.risk_level, func.count(), func.sum(sql_case((past, 1), else_=0)))
            .where(*assigned).group_by(Case.officer_id, Case.risk_level)):
        load = loads.setdefault(officer_id, {"cases": 0, "by_risk": dict.fromkeys(rules.RISK_LEVELS, 0),
                                             "overdue": 0})
        load["cases"] += cases
        load["by_risk"][risk_level] += cases
        load["overdue"] += late or 0
    officers = [OfficerLoad(officer_id, load["cases"], load["by_risk"], load["overdue"])
                for officer_id, load in sorted(loads.items())]
    waiting = sorted((_entry(case, policy=policy, now=now) for case in unassigned), key=lambda e: e.sort_key)
    first = (page - 1) * page_size
    shown = waiting[first:first + page_size]
    for entry in shown:  # each shows who the tenant is
        audit.read(session, "case", entry.case.id)
    return TeamCaseload(unassigned=shown, officers=officers, unassigned_count=len(waiting), page=page,
                        page_size=page_size)


def read_deadlines(session: Session, key: Any, *, policy: rules.Policy, now: dt.datetime) -> list[Deadline]:
    """What is due on the case and by when, soonest first. Audited as a read of the case (a plan
    action's title can say something about the tenant)."""
    case = find_case(session, key)
    audit.read(session, "case", case.id)
    return deadlines(case, policy=policy, now=now)


def read_plan(session: Session, key: Any) -> tuple[Case, str]:
    """The case with its plan, and the version a change to the plan is made on (the plan's own
    page). Audited as a read of the case (goals and actions say something about the tenant)."""
    case = find_case(session, key)
    version = version_of(case)
    audit.read(session, "case", case.id)
    return case, version


def read_for_form(session: Session, key: Any) -> Case:
    """The case a form on a page of its own is about (its reference and tenant on the page).
    Audited as a read of the case."""
    case = find_case(session, key)
    audit.read(session, "case", case.id)
    return case


def read_closure_check(session: Session, key: Any) -> ClosureCheck:
    """Whether the case may be closed now and what closing it would leave open (shown to the officer
    before they confirm). Audited as a read of the case."""
    case = find_case(session, key)
    audit.read(session, "case", case.id)
    return closure_check(case)
