"""The sustainment service's rules, as pure functions: no Flask, no database.

The council's numbers (days, thresholds, the onboarding template) come in as ``policy``, a
``Policy`` made once per process from ``policy.yaml`` and the council's file
(``sustainment.policy.current()``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from casework import workdays
from casework.workdays import london_time


@dataclass(frozen=True)
class OnboardingPolicy:
    """Support for a high-risk new tenant: its risk level, deadlines, window and first plan."""

    risk_level: str = "high"
    support_window_weeks: int = 12
    settling_in_visit_working_days: int = 10
    first_contact_working_days: int = 2
    #: ``goals`` [{title, category}], ``actions`` [{title, category, owner, due_in_days}], ``review_in_weeks``.
    plan_template: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Policy:
    """The council's sustainment policy (``policy.yaml``; each field is explained there)."""

    first_contact_working_days: Mapping[str, int]
    visit_outcome_working_days: int
    no_access_visits_before_escalation: int
    agency_chase_working_days: int
    plan_review_weeks: int
    agency_delivery_attempts: int
    agency_delivery_retry_seconds: int
    onboarding: OnboardingPolicy
    retention_years_after_closure: int

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> Policy:
        """The policy from the merged YAML document; a missing or mistyped value fails at start."""
        onboarding = dict(document["onboarding"])
        return cls(
            first_contact_working_days={level: int(days) for level, days in
                                        document["first_contact_working_days"].items()},
            visit_outcome_working_days=int(document["visit_outcome_working_days"]),
            no_access_visits_before_escalation=int(document["no_access_visits_before_escalation"]),
            agency_chase_working_days=int(document["agency_chase_working_days"]),
            plan_review_weeks=int(document["plan_review_weeks"]),
            agency_delivery_attempts=int(document["agency_delivery"]["max_attempts"]),
            agency_delivery_retry_seconds=int(document["agency_delivery"]["retry_seconds"]),
            onboarding=OnboardingPolicy(
                risk_level=str(onboarding["risk_level"]),
                support_window_weeks=int(onboarding["support_window_weeks"]),
                settling_in_visit_working_days=int(onboarding["settling_in_visit_working_days"]),
                first_contact_working_days=int(onboarding["first_contact_working_days"]),
                plan_template=onboarding["plan_template"]),
            retention_years_after_closure=int(document["retention_years_after_closure"]),
        )


RISK_LEVELS = ("low", "medium", "high", "critical")

CASE_STATUSES = ("open", "allocated", "active", "closed")
CLOSURE_OUTCOMES = (
    "tenancy_sustained", "moved_on_planned", "evicted", "abandoned", "deceased", "disengaged", "transferred",
)
#: Outcomes that count as the tenancy having been kept going (for the outcomes report).
SUSTAINED_OUTCOMES = frozenset({"tenancy_sustained", "moved_on_planned"})

PLAN_CATEGORIES = (
    "income_and_benefits", "rent_arrears", "anti_social_behaviour", "property_condition_and_hoarding",
    "health_and_wellbeing", "safeguarding", "employment_and_training", "settling_in",
)
ACTION_OWNERS = ("officer", "tenant", "agency")
ACTION_STATUSES = ("open", "done", "cancelled")
GOAL_STATUSES = ("open", "achieved", "not_achieved")

VISIT_KINDS = ("home_visit", "welfare_check", "settling_in")
VISIT_OUTCOMES = ("completed", "no_access", "cancelled")
CONTACT_METHODS = ("phone", "home_visit", "office_visit", "email", "letter", "text_message")

#: The agencies referrals named before the agency directory (old records keep these codes).
AGENCIES = (
    "adult_social_care", "childrens_services", "mental_health_services", "welfare_officer", "income_recovery",
    "citizens_advice", "debt_advice", "police", "probation", "voluntary_sector",
)
AGENCY_REFERRAL_STATUSES = ("sent", "acknowledged", "accepted", "declined", "completed")
#: How a directory agency receives referrals: not sent (the officer refers by phone or letter), by
#: e-mail with a secure link, or by a signed webhook.
AGENCY_DELIVERIES = ("none", "email", "webhook")
NOTE_CATEGORIES = ("general", "safeguarding", "health")


class IllegalTransition(Exception):
    """The case (or agency referral) is not in a state that allows this."""


# -- case lifecycle -------------------------------------------------------------------------

#: action → the statuses it may start from.
_ALLOWED_FROM: dict[str, frozenset[str]] = {
    "assign": frozenset({"open", "allocated", "active"}),
    "record_contact": frozenset({"allocated", "active"}),
    "work": frozenset({"open", "allocated", "active"}),
    "close": frozenset({"open", "allocated", "active"}),
    "reopen": frozenset({"closed"}),
}

_MESSAGES = {
    "assign": "A closed case cannot be assigned; reopen it first.",
    "record_contact": "Assign the case to an officer before recording contact.",
    "work": "The case is closed; reopen it first.",
    "close": "The case is already closed.",
    "reopen": "Only a closed case can be reopened.",
}


def check_transition(status: str, action: str) -> None:
    """Raise ``IllegalTransition`` unless ``action`` is allowed on a case in ``status``."""
    if status not in _ALLOWED_FROM[action]:
        raise IllegalTransition(_MESSAGES[action])


def status_after(status: str, action: str, *, has_officer: bool = False, first_contact_made: bool = False) -> str:
    """The case's status after ``action``: open → allocated → active → closed, and reopening."""
    check_transition(status, action)
    if action == "assign":
        return "allocated" if status == "open" else status
    if action == "record_contact":
        return "active"
    if action == "close":
        return "closed"
    if action == "reopen":
        if not has_officer:
            return "open"
        return "active" if first_contact_made else "allocated"
    return status


# -- risk and deadlines ---------------------------------------------------------------------


def raised(level: str) -> str:
    """One risk level up (critical stays critical)."""
    index = RISK_LEVELS.index(level)
    return RISK_LEVELS[min(index + 1, len(RISK_LEVELS) - 1)]


def first_contact_due(accepted_at: dt.datetime, risk_level: str, policy: Policy) -> dt.datetime:
    """Close of business on the working day first contact is due, counted from acceptance."""
    days = policy.first_contact_working_days[risk_level]
    return workdays.deadline(accepted_at, days)


def close_of_business(day: dt.date) -> dt.datetime:
    """17:00 London time on ``day``, in UTC (when a date-only deadline falls due)."""
    return london_time(day, workdays.CLOSE_OF_BUSINESS)


def start_of_day(day: dt.date) -> dt.datetime:
    """Midnight in London at the start of ``day``, in UTC (report periods)."""
    return london_time(day, dt.time(0, 0))


def visit_outcome_due(scheduled_for: dt.datetime, policy: Policy) -> dt.datetime:
    """When a visit's outcome must have been recorded."""
    return workdays.deadline(scheduled_for, policy.visit_outcome_working_days)


def agency_chase_by(sent_on: dt.date, policy: Policy, agency_days: int | None = None) -> dt.date:
    """The date to chase an agency that has not answered a referral: its own chase period when the
    directory gives one, else the policy's."""
    days = policy.agency_chase_working_days if agency_days is None else agency_days
    return workdays.add_working_days(sent_on, days)


def default_review_date(agreed_on: dt.date, policy: Policy) -> dt.date:
    return agreed_on + dt.timedelta(weeks=policy.plan_review_weeks)


def escalates_no_access(consecutive_no_access: int, policy: Policy) -> bool:
    """True when this no-access visit completes a run that must raise the risk (every third by default)."""
    threshold = policy.no_access_visits_before_escalation
    return consecutive_no_access > 0 and consecutive_no_access % threshold == 0


def consecutive_no_access_after(previous: int, outcome: str) -> int:
    """The run of no-access visits after recording ``outcome`` (a cancelled visit leaves it as it was)."""
    if outcome == "no_access":
        return previous + 1
    if outcome == "completed":
        return 0
    return previous


# -- consent and agency referrals ------------------------------------------------------------


def consent_problem(consent_given: bool, safeguarding_reason: str | None) -> str | None:
    """Why an agency referral may not be made, or None when it may."""
    if consent_given or (safeguarding_reason and safeguarding_reason.strip()):
        return None
    return "The tenant's consent is required, unless a safeguarding reason is recorded."


_AGENCY_NEXT: dict[str, frozenset[str]] = {
    "sent": frozenset({"acknowledged", "accepted", "declined"}),
    "acknowledged": frozenset({"accepted", "declined"}),
    "accepted": frozenset({"completed"}),
    "declined": frozenset(),
    "completed": frozenset(),
}


def check_agency_response(status: str, new_status: str) -> None:
    """sent → acknowledged → accepted or declined (an agency may skip acknowledging); accepted →
    completed, with its outcome."""
    if new_status not in _AGENCY_NEXT[status]:
        raise IllegalTransition(f"An agency referral that is {status} cannot become {new_status}.")


#: An agency referral in these has its answer (no chase is due).
AGENCY_ANSWERED = ("accepted", "declined", "completed")
#: The others: still awaiting the agency's answer (``models.AWAITED_WHERE``, its index's WHERE).
AGENCY_AWAITED = tuple(s for s in AGENCY_REFERRAL_STATUSES if s not in AGENCY_ANSWERED)


def agency_answered(status: str) -> bool:
    return status in AGENCY_ANSWERED


def agency_may_still_answer(status: str) -> bool:
    """Whether the agency's answer may still move on (not yet declined or completed)."""
    return bool(_AGENCY_NEXT[status])


def sending_problem(*, consent_given: bool, delivery: str) -> str | None:
    """Why an agency referral may not be sent to the agency, or None when it may. Sending shares the
    tenant's details with the agency: a referral made without consent (for a safeguarding reason) is
    made by the officer in person, never sent from here."""
    if not consent_given:
        return ("The tenant has not consented to this referral: it was made for a safeguarding reason, "
                "so contact the agency yourself rather than send it.")
    if delivery == "none":
        return "The agency takes no referrals by e-mail or webhook: contact it as the directory says."
    return None


# -- data protection -----------------------------------------------------------------------


def anonymise_after(closed_at: dt.datetime, policy: Policy) -> dt.datetime:
    """When a closed case's personal details are removed: the retention period after closure."""
    year = closed_at.year + policy.retention_years_after_closure
    try:
        return closed_at.replace(year=year)
    except ValueError:  # closed on 29 February: the day after the 28th
        return closed_at.replace(year=year, month=3, day=1)


# -- onboarding ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Onboarding:
    """What an onboarding case starts with, worked out from the tenancy start."""

    first_contact_due: dt.datetime
    settling_in_due: dt.datetime
    support_ends: dt.date
    risk_level: str


#: How far from today a tenancy start can sensibly be. Lettings refuses anything wider at sign-up;
#: should one arrive all the same (9999-12-31), the case still opens, with its deadlines counted
#: from today: a high-risk tenant left without support for want of a computable date is the worse
#: failure, and a deadline counted from year 9999 does not fit in a datetime.
PLAUSIBLE_START = dt.timedelta(days=5 * 366)


def counted_from(tenancy_start: dt.date, now: dt.datetime) -> dt.date:
    """The day an onboarding case's deadlines and plan count from: the tenancy start, or today
    when the start is further from today than any real one."""
    today = workdays.london_today(now)
    return tenancy_start if abs(tenancy_start - today) <= PLAUSIBLE_START else today


def onboarding(tenancy_start: dt.date, now: dt.datetime, policy: Policy) -> Onboarding:
    """Deadlines of a high-risk new tenant's onboarding, counted from the tenancy start
    (or from now, when the event arrives after the start or the start is implausible)."""
    rules = policy.onboarding
    begins = counted_from(tenancy_start, now)
    start = max(london_time(begins, dt.time(9, 0)), now)
    return Onboarding(
        first_contact_due=workdays.deadline(start, rules.first_contact_working_days),
        settling_in_due=workdays.deadline(start, rules.settling_in_visit_working_days),
        support_ends=begins + dt.timedelta(weeks=rules.support_window_weeks),
        risk_level=rules.risk_level,
    )


def onboarding_plan(tenancy_start: dt.date, policy: Policy) -> dict[str, Any]:
    """The first plan of an onboarding case, made from the policy's template."""
    template = policy.onboarding.plan_template
    goals = [{"title": g["title"], "category": g["category"], "status": "open"} for g in template["goals"]]
    actions = [
        {"title": a["title"], "category": a["category"], "owner": a["owner"], "status": "open",
         "due_date": tenancy_start + dt.timedelta(days=int(a["due_in_days"]))}
        for a in template["actions"]
    ]
    return {"goals": goals, "actions": actions,
            "review_date": tenancy_start + dt.timedelta(weeks=int(template["review_in_weeks"]))}


# -- reports ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClosedCase:
    case_type: str
    outcome: str
    opened_at: dt.datetime
    closed_at: dt.datetime


def period_of(moment: dt.datetime) -> str:
    """The reporting period a closure falls in: its calendar month, ``YYYY-MM``."""
    return moment.astimezone(workdays.LONDON).strftime("%Y-%m")


class Closures(NamedTuple):
    """Cases of one type closed in one period with one outcome after the same whole days open.
    ``days_open`` None: counted by outcome alone (the monthly tallies), the period's median days
    open given apart; ``outcome`` None: counted by days open alone."""

    case_type: str
    period: str
    outcome: str | None
    days_open: int | None
    cases: int


def outcomes(closed: Iterable[ClosedCase]) -> list[dict[str, Any]]:
    """Closed cases by case type and month: how many, the share sustained and the median days open."""
    return counted_outcomes(Closures(c.case_type, period_of(c.closed_at), c.outcome, (c.closed_at - c.opened_at).days, 1)
                            for c in closed)


def median_of_counts(counts: dict[int, int]) -> float | int:
    """``statistics.median`` of a list holding each value as many times as ``counts`` says
    (a year of closures' days open, without the list)."""
    whole = sum(counts.values())
    wanted = (whole - 1) // 2, whole // 2  # the middle one, or the middle two
    found: list[int] = []
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        while len(found) < 2 and seen > wanted[len(found)]:
            found.append(value)
    return found[0] if whole % 2 else (found[0] + found[1]) / 2


def counted_outcomes(closed: Iterable[Closures],
                     medians: dict[tuple[str, str], float | int] | None = None) -> list[dict[str, Any]]:
    """``outcomes`` from closures counted by the database or kept in tallies (a large council
    closes tens of thousands of cases a year: they are counted, not read); ``medians``, by case
    type and period, the median days open of periods whose days are not given."""
    groups: dict[tuple[str, str], list[Closures]] = {}
    for closures in closed:
        groups.setdefault((closures.case_type, closures.period), []).append(closures)
    rows = []
    for (case_type, period), counts in sorted(groups.items()):
        by_outcome: dict[str, int] = {}
        days: dict[int, int] = {}
        for c in counts:
            if c.outcome is not None:
                by_outcome[c.outcome] = by_outcome.get(c.outcome, 0) + c.cases
            if c.days_open is not None:
                days[c.days_open] = days.get(c.days_open, 0) + c.cases
        whole = sum(by_outcome.values())
        if not whole:
            continue
        sustained = sum(n for outcome, n in by_outcome.items() if outcome in SUSTAINED_OUTCOMES)
        rows.append({
            "case_type": case_type,
            "period": period,
            "closed": whole,
            "sustained": sustained,
            "share_sustained": round(sustained / whole, 3),
            "median_days_open": median_of_counts(days) if days else (medians or {})[(case_type, period)],
            "by_outcome": dict(sorted(by_outcome.items())),
        })
    return rows
