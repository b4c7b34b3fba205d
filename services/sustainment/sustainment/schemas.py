"""What the sustainment API takes and gives, one schema per intent."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from casework.web.fields import Boolean, Date, DateTime, Money, NearDate, NearDateTime
from sustainment import rules

CASE_ID = "6f1c2d3e-4b5a-4c6d-8e7f-901234567890"


def _one_of(values: tuple[str, ...], **kwargs) -> fields.String:
    return fields.String(validate=validate.OneOf(values), **kwargs)


def _text(max_length: int, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=max_length), **kwargs)


# -- cases -----------------------------------------------------------------------------------


class Tenant(ma.Schema):
    name = fields.String(metadata={"example": "Jane Doe"})
    date_of_birth = Date(allow_none=True, metadata={"example": "1980-04-01"})
    phone = fields.String(allow_none=True, metadata={"example": "07700 900123"})
    email = fields.String(allow_none=True, metadata={"example": "jane@example.org"})
    address = fields.String(allow_none=True, metadata={"example": "1 High Street, Milton Keynes MK9 1AA"})


class RiskFactor(ma.Schema):
    code = fields.String(metadata={"example": "rent_arrears"})
    points = fields.Integer(metadata={"example": 20})
    detail = fields.String(metadata={"example": "5.2 weeks of rent"})


class Case(ma.Schema):
    """A case as it appears in lists."""

    id = fields.UUID(metadata={"example": CASE_ID})
    reference = fields.String(metadata={"example": "S-000123"})
    case_type = _one_of(("sustainment", "onboarding"), metadata={"example": "sustainment"})
    status = _one_of(rules.CASE_STATUSES, metadata={"example": "allocated"})
    risk_level = _one_of(rules.RISK_LEVELS, metadata={"example": "high"})
    officer_id = fields.String(allow_none=True, metadata={"example": "officer-17"})
    tenant_name = fields.String(metadata={"example": "Jane Doe"})
    referral_id = fields.UUID(allow_none=True)
    tenancy_ref = fields.String(allow_none=True, metadata={"example": "T-004512"})
    opened_at = DateTime(metadata={"example": "2026-11-02T10:15:00+00:00"})
    first_contact_due = DateTime(metadata={"example": "2026-11-04T17:00:00+00:00"})
    first_contact_at = DateTime(allow_none=True)
    settling_in_due = DateTime(allow_none=True)
    support_ends = Date(allow_none=True, metadata={"example": "2027-01-25"})
    closed_at = DateTime(allow_none=True)
    closure_outcome = _one_of(rules.CLOSURE_OUTCOMES, allow_none=True)


class Goal(ma.Schema):
    id = fields.UUID(metadata={"description": "Keep the id to carry a goal into the next version."})
    title = _text(300, required=True, metadata={"example": "Clear the rent arrears"})
    category = _one_of(rules.PLAN_CATEGORIES, required=True, metadata={"example": "rent_arrears"})
    status = _one_of(rules.GOAL_STATUSES, load_default="open", metadata={"example": "open"})


class PlanAction(ma.Schema):
    id = fields.UUID(metadata={"description": "Keep the id to carry an action into the next version."})
    title = _text(300, required=True, metadata={"example": "Apply for Discretionary Housing Payment"})
    category = _one_of(rules.PLAN_CATEGORIES, required=True, metadata={"example": "income_and_benefits"})
    owner = _one_of(rules.ACTION_OWNERS, required=True, metadata={"example": "tenant"})
    due_date = NearDate(required=True, metadata={"example": "2026-12-01"})
    status = _one_of(rules.ACTION_STATUSES, load_default="open", metadata={"example": "open"})


class PlanUpdate(ma.Schema):
    """A new version of the plan, agreed with the tenant."""

    goals = fields.List(fields.Nested(Goal), required=True, validate=validate.Length(min=1, max=50))
    actions = fields.List(fields.Nested(PlanAction), required=True, validate=validate.Length(max=200))
    review_date = NearDate(allow_none=True, metadata={
        "example": "2027-02-01", "description": "Defaults to the policy's review period."})


class Plan(ma.Schema):
    version = fields.Integer(metadata={"example": 2})
    status = _one_of(("template", "agreed"), metadata={"example": "agreed"})
    goals = fields.List(fields.Nested(Goal))
    # Stored as JSON: dates come back as ISO strings.
    actions = fields.List(fields.Dict(), metadata={"example": [{
        "id": CASE_ID, "title": "Apply for Discretionary Housing Payment", "category": "income_and_benefits",
        "owner": "tenant", "due_date": "2026-12-01", "status": "open"}]})
    review_date = Date(allow_none=True)
    agreed_by = fields.String(allow_none=True)
    created_at = DateTime()


class Visit(ma.Schema):
    id = fields.UUID()
    kind = _one_of(rules.VISIT_KINDS, metadata={"example": "home_visit"})
    scheduled_for = DateTime(metadata={"example": "2026-11-10T10:00:00+00:00"})
    status = _one_of(("scheduled",) + rules.VISIT_OUTCOMES, metadata={"example": "scheduled"})
    notes = fields.String(allow_none=True)
    risks_identified = fields.List(fields.String())
    recorded_at = DateTime(allow_none=True)
    recorded_by = fields.String(allow_none=True)


class VisitCreate(ma.Schema):
    kind = _one_of(rules.VISIT_KINDS, required=True, metadata={"example": "welfare_check"})
    scheduled_for = NearDateTime(required=True, metadata={"example": "2026-11-10T10:00:00+00:00"})


class VisitOutcome(ma.Schema):
    outcome = _one_of(rules.VISIT_OUTCOMES, required=True, metadata={"example": "no_access"})
    notes = fields.String(validate=validate.Length(max=5000), load_default=None,
                          metadata={"example": "Called twice, no answer; card left."})
    risks_identified = fields.List(_text(100), load_default=list, metadata={"example": ["hoarding"]})


class VisitMade(ma.Schema):
    """A visit already made, recorded with its outcome in one step."""

    kind = _one_of(rules.VISIT_KINDS, required=True, metadata={"example": "home_visit"})
    visited_at = NearDateTime(required=True, metadata={
        "example": "2026-11-09T14:30:00+00:00", "description": "When the visit was made: not later than now."})
    outcome = _one_of(("completed", "no_access"), required=True, metadata={"example": "completed"})
    notes = fields.String(validate=validate.Length(max=5000), load_default=None,
                          metadata={"example": "Tenant at home; agreed to a budgeting appointment."})
    risks_identified = fields.List(_text(100), load_default=list, metadata={"example": ["hoarding"]})


class AgencyDelivery(ma.Schema):
    """One sending of the referral to the agency: pending, sent, or failed (parked, to replay)."""

    id = fields.UUID()
    agency_referral_id = fields.UUID()
    channel = _one_of(("email", "webhook"), metadata={"example": "webhook"})
    status = _one_of(("pending", "sent", "failed"), metadata={"example": "sent"})
    attempts = fields.Integer(metadata={"example": 1})
    last_error = fields.String(allow_none=True, metadata={"example": "HTTP 503"})
    response_status = fields.Integer(allow_none=True)
    sent_by = fields.String()
    created_at = DateTime()
    delivered_at = DateTime(allow_none=True)


class AgencyReferral(ma.Schema):
    id = fields.UUID()
    agency = fields.String(metadata={
        "example": "Citizens Advice Milton Keynes: Debt advice",
        "description": "The agency's name when the referral was made; for referrals made before the agency "
                       "directory, the code they named (e.g. `citizens_advice`) and no `agency_id`."})
    agency_id = fields.UUID(allow_none=True)
    reason = fields.String()
    consent_given = Boolean()
    safeguarding_reason = fields.String(allow_none=True)
    status = _one_of(rules.AGENCY_REFERRAL_STATUSES, metadata={"example": "sent"})
    chase_by = Date(metadata={"example": "2026-11-20"})
    sent_at = DateTime()
    sent_by = fields.String()
    answered_at = DateTime(allow_none=True)
    answered_by = fields.String(allow_none=True, metadata={"description": "An officer, or `agency` when it answered "
                                                                          "through its link."})
    response_note = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    delivery = fields.Function(
        lambda referral: referral.directory_agency.delivery if referral.directory_agency is not None else None,
        metadata={"description": "How the agency takes referrals sent from here (`none`, `email`, `webhook`); "
                                 "none for referrals made before the directory."})
    deliveries = fields.List(fields.Nested(AgencyDelivery))


class AgencyReferralCreate(ma.Schema):
    agency_id = fields.UUID(required=True, metadata={"description": "An agency of the directory (`GET /agencies`)."})
    reason = _text(2000, required=True, metadata={"example": "Priority debts alongside rent arrears."})
    consent_given = Boolean(required=True, metadata={"example": True})
    safeguarding_reason = fields.String(validate=validate.Length(max=2000), load_default=None, metadata={
        "description": "Required when consent is not given: why the referral is made without it."})

    @ma.validates_schema
    def _consent(self, data, **_):
        problem = rules.consent_problem(data.get("consent_given", False), data.get("safeguarding_reason"))
        if "consent_given" in data and problem:
            raise ma.ValidationError(problem, field_name="consent_given")


class AgencyResponse(ma.Schema):
    status = _one_of(("acknowledged", "accepted", "declined", "completed"), required=True,
                     metadata={"example": "accepted", "description": "`completed` (after `accepted`) with its `outcome`."})
    note = fields.String(validate=validate.Length(max=2000), load_default=None)
    outcome = fields.String(validate=validate.Length(max=2000), load_default=None,
                            metadata={"example": "Debt relief order applied for; budgeting sessions done."})


# -- the agency directory ---------------------------------------------------------------------


class Agency(ma.Schema):
    """An agency of the directory: an Open Referral UK service with its organisation, contact and
    eligibility, and the council's settings for it."""

    id = fields.UUID()
    name = fields.String(metadata={"example": "Citizens Advice Milton Keynes: Debt advice"})
    oruk_service_id = fields.String(metadata={"example": "6e7c1c56-1f1e-4a69-9c51-5b0f1c1d2a01"})
    oruk_organisation_id = fields.String(allow_none=True)
    organisation_name = fields.String(metadata={"example": "Citizens Advice Milton Keynes"})
    organisation_description = fields.String(allow_none=True)
    organisation_url = fields.String(allow_none=True)
    service_name = fields.String(metadata={"example": "Debt advice"})
    service_description = fields.String(allow_none=True)
    service_url = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    contact_name = fields.String(allow_none=True)
    contact_title = fields.String(allow_none=True)
    contact_phone = fields.String(allow_none=True)
    eligibility = fields.String(allow_none=True)
    minimum_age = fields.Integer(allow_none=True)
    maximum_age = fields.Integer(allow_none=True)
    chase_working_days = fields.Integer(allow_none=True, metadata={
        "description": "Working days before an unanswered referral is chased; none: the policy's."})
    delivery = _one_of(rules.AGENCY_DELIVERIES, metadata={"example": "webhook"})
    webhook_url = fields.String(allow_none=True)
    restricted = Boolean()
    active = Boolean()
    updated_at = DateTime()


class AgencySetUp(ma.Schema):
    """The council's settings for an agency (what an ORUK export does not carry)."""

    chase_working_days = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=60))
    delivery = _one_of(rules.AGENCY_DELIVERIES, metadata={"example": "webhook"})
    email = fields.Email(allow_none=True, validate=validate.Length(max=200))
    webhook_url = fields.String(allow_none=True, validate=validate.Length(max=500),
                                metadata={"example": "https://referrals.example.org/casework"})
    webhook_secret = fields.String(allow_none=True, load_only=True, validate=validate.Length(min=16, max=200),
                                   metadata={"description": "The agency checks each webhook's signature with it."})
    restricted = Boolean()
    active = Boolean()


class AgencyQueryArgs(ma.Schema):
    include_inactive = fields.Boolean(load_default=False)  # a query string's "true"


class AgencyImport(ma.Schema):
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()


class AgencyDeliveryQueryArgs(ma.Schema):
    status = _one_of(("pending", "sent", "failed"), load_default=None)


class AgencyReferralForAgency(ma.Schema):
    """What the agency reads through its link: what it needs to contact the tenant, nothing more."""

    agency_referral_id = fields.UUID()
    case_reference = fields.String(metadata={"example": "S-000042"})
    agency = fields.String()
    status = fields.String()
    sent_at = DateTime()
    chase_by = Date()
    reason = fields.String()
    tenant = fields.Dict(metadata={"example": {"name": "Jane Doe", "phone": "07700 900123",
                                               "email": "jane@example.org", "address": "1 High Street"}})
    officer_id = fields.String(allow_none=True)


class Contact(ma.Schema):
    id = fields.UUID()
    method = _one_of(rules.CONTACT_METHODS, metadata={"example": "phone"})
    made_at = DateTime()
    notes = fields.String(allow_none=True)
    recorded_by = fields.String()


class ContactCreate(ma.Schema):
    method = _one_of(rules.CONTACT_METHODS, required=True, metadata={"example": "phone"})
    made_at = NearDateTime(load_default=None, metadata={"description": "Defaults to now.",
                                                 "example": "2026-11-03T09:30:00+00:00"})
    notes = fields.String(validate=validate.Length(max=5000), load_default=None)


class Note(ma.Schema):
    id = fields.UUID()
    text = fields.String(allow_none=True, metadata={"example": "Tenant agreed to a payment plan."})
    category = _one_of(rules.NOTE_CATEGORIES, metadata={"example": "general"})
    author = fields.String()
    written_at = DateTime()


class NoteCreate(ma.Schema):
    text = _text(10000, required=True, metadata={"example": "Tenant agreed to a payment plan."})
    category = _one_of(rules.NOTE_CATEGORIES, load_default="general", metadata={
        "example": "general", "description": "`safeguarding` and `health` notes are restricted to the case's "
                                             "officer, team leaders and admins."})


class Assignment(ma.Schema):
    officer_id = fields.String(metadata={"example": "officer-17"})
    previous_officer_id = fields.String(allow_none=True)
    assigned_by = fields.String(metadata={"example": "leader-2"})
    assigned_at = DateTime()


class AssignmentCreate(ma.Schema):
    officer_id = _text(200, required=True, metadata={"example": "officer-17"})


class TimelineEntry(ma.Schema):
    at = DateTime()
    kind = fields.String(metadata={"example": "visit_recorded"})
    summary = fields.String(metadata={"example": "Home visit: no access"})
    actor = fields.String(metadata={"example": "officer-17"})
    related_id = fields.String(allow_none=True)


class RiskHistoryEntry(ma.Schema):
    from_level = _one_of(rules.RISK_LEVELS, metadata={"example": "medium"})
    to_level = _one_of(rules.RISK_LEVELS, metadata={"example": "high"})
    cause = _one_of(("officer", "no_access_visits"), metadata={"example": "officer"})
    reason = fields.String(metadata={"example": "Tenant disclosed threats from a neighbour."})
    changed_by = fields.String(metadata={"example": "officer-17"})
    changed_at = DateTime()


class CaseDetail(Case):
    """A case with its plan, visits, agency referrals, contacts, notes and timeline."""

    tenant = fields.Nested(Tenant)
    reasons = fields.List(fields.String(), metadata={"example": ["rent_arrears", "mental_health"]})
    risk_score = fields.Integer(allow_none=True, metadata={"example": 35})
    risk_factors = fields.List(fields.Nested(RiskFactor))
    priority = fields.String(allow_none=True, metadata={"example": "urgent"})
    uprn = fields.String(allow_none=True)
    tenancy_start = Date(allow_none=True)
    support_needs = fields.List(fields.String())
    arrears_balance = Money(allow_none=True, metadata={"example": "812.40"})
    weekly_rent = Money(allow_none=True, metadata={"example": "112.50"})
    clutter_rating = fields.Integer(allow_none=True)
    consent_given = Boolean()
    safeguarding_exemption = Boolean()
    consecutive_no_access = fields.Integer()
    closure_summary = fields.String(allow_none=True)
    anonymised_at = DateTime(allow_none=True)
    risk_history = fields.List(fields.Nested(RiskHistoryEntry))
    plan = fields.Nested(Plan, allow_none=True)
    visits = fields.List(fields.Nested(Visit))
    agency_referrals = fields.List(fields.Nested(AgencyReferral))
    contacts = fields.List(fields.Nested(Contact))
    notes = fields.List(fields.Nested(Note))
    assignments = fields.List(fields.Nested(Assignment))
    timeline = fields.List(fields.Nested(TimelineEntry))


class CaseRead(ma.Schema):
    break_glass_reason = _text(500, metadata={
        "description": "Why you, not the case's officer or a team leader, need its restricted (safeguarding "
                       "and health) details now. Audited, and the sustainment team's manager is told.",
        "example": "Tenant in crisis at the office; officer on leave."})


class CaseQueryArgs(ma.Schema):
    reference = fields.String(validate=validate.Length(min=1, max=40), metadata={
        "example": "S-000045", "description": "The case with this reference (as officers quote it)."})
    referral_id = fields.UUID()
    tenancy_ref = fields.String()
    officer_id = fields.String()
    status = _one_of(rules.CASE_STATUSES)
    risk_level = _one_of(rules.RISK_LEVELS)
    case_type = _one_of(("sustainment", "onboarding"))


class RiskChangeCreate(ma.Schema):
    risk_level = _one_of(rules.RISK_LEVELS, required=True, metadata={"example": "critical"})
    reason = _text(2000, required=True, metadata={"example": "Tenant disclosed threats from a neighbour."})


class Closure(ma.Schema):
    outcome = _one_of(rules.CLOSURE_OUTCOMES, required=True, metadata={"example": "tenancy_sustained"})
    summary = _text(5000, required=True, metadata={"example": "Arrears cleared; tenant engaging with CAB."})


class Reopening(ma.Schema):
    reason = _text(2000, required=True, metadata={"example": "Arrears have built up again."})


# -- what is due, caseloads ---------------------------------------------------------------


class Deadline(ma.Schema):
    deadline = _one_of(("first_contact", "settling_in_visit", "visit", "plan_action", "plan_review", "agency_chase"),
                       metadata={"example": "first_contact"})
    due = DateTime(metadata={"example": "2026-11-04T17:00:00+00:00"})
    overdue = Boolean(metadata={"example": False})
    title = fields.String(metadata={"example": "First contact with the tenant"})
    related_id = fields.String(allow_none=True, metadata={
        "description": "The visit, plan action, plan version or agency referral it is about."})


class Outstanding(ma.Schema):
    kind = _one_of(("plan_action", "visit", "agency_referral"), metadata={"example": "plan_action"})
    title = fields.String(metadata={"example": "Apply for Discretionary Housing Payment"})
    related_id = fields.String(allow_none=True)


class ClosureCheck(ma.Schema):
    may_close = Boolean(metadata={"example": True})
    refusal = fields.String(allow_none=True, metadata={"description": "Why the case cannot be closed now."})
    outstanding = fields.List(fields.Nested(Outstanding), metadata={
        "description": "Work still open on the case. Closing does not wait for it, but the officer is shown it."})


class NextVisit(ma.Schema):
    id = fields.UUID()
    kind = _one_of(rules.VISIT_KINDS, metadata={"example": "home_visit"})
    scheduled_for = DateTime(metadata={"example": "2026-11-10T10:00:00+00:00"})


class NextAction(ma.Schema):
    id = fields.String()
    title = fields.String(metadata={"example": "Apply for Discretionary Housing Payment"})
    owner = _one_of(rules.ACTION_OWNERS, metadata={"example": "tenant"})
    due_date = fields.String(metadata={"example": "2026-12-01"})


class CaseloadEntry(ma.Schema):
    """An open case in a caseload, with what needs doing on it next."""

    id = fields.UUID(attribute="case.id", metadata={"example": CASE_ID})
    reference = fields.String(attribute="case.reference", metadata={"example": "S-000123"})
    case_type = fields.String(attribute="case.case_type", metadata={"example": "sustainment"})
    status = fields.String(attribute="case.status", metadata={"example": "allocated"})
    risk_level = fields.String(attribute="case.risk_level", metadata={"example": "high"})
    officer_id = fields.String(attribute="case.officer_id", allow_none=True, metadata={"example": "officer-17"})
    tenant_name = fields.String(attribute="case.tenant_name", metadata={"example": "Jane Doe"})
    opened_at = DateTime(attribute="case.opened_at")
    first_contact_due = DateTime(attribute="case.first_contact_due")
    first_contact_at = DateTime(attribute="case.first_contact_at", allow_none=True)
    first_contact_overdue = Boolean(metadata={"example": False})
    next_visit = fields.Nested(NextVisit, allow_none=True)
    next_action = fields.Nested(NextAction, allow_none=True)
    next_deadline = fields.Nested(Deadline, allow_none=True, metadata={
        "description": "What is due soonest on the case (the list is ordered by it)."})
    overdue = fields.Integer(metadata={"example": 1, "description": "How many of its deadlines have passed."})


class CaseloadArgs(ma.Schema):
    officer_id = _text(200, metadata={"description": "Another officer's caseload (team leaders only); "
                                                     "by default your own."})


class OfficerLoad(ma.Schema):
    officer_id = fields.String(metadata={"example": "officer-17"})
    open_cases = fields.Integer(metadata={"example": 23})
    by_risk = fields.Dict(keys=fields.String(), values=fields.Integer(),
                          metadata={"example": {"low": 6, "medium": 10, "high": 5, "critical": 2}})
    overdue_cases = fields.Integer(metadata={"example": 3, "description": "Cases with a deadline past."})


class TeamCaseload(ma.Schema):
    unassigned = fields.List(fields.Nested(CaseloadEntry))
    officers = fields.List(fields.Nested(OfficerLoad))


# -- reports ---------------------------------------------------------------------------------


class ReportArgs(ma.Schema):
    case_type = _one_of(("sustainment", "onboarding"))


class CaseloadRow(ma.Schema):
    officer_id = fields.String(allow_none=True, metadata={"example": "officer-17",
                                                          "description": "null: not yet assigned"})
    risk_level = _one_of(rules.RISK_LEVELS, metadata={"example": "high"})
    cases = fields.Integer(metadata={"example": 4})


class OverdueRow(ma.Schema):
    case_id = fields.UUID()
    reference = fields.String(metadata={"example": "S-000123"})
    case_type = fields.String(metadata={"example": "sustainment"})
    officer_id = fields.String(allow_none=True)
    risk_level = fields.String(metadata={"example": "high"})
    deadline = _one_of(("first_contact", "visit", "plan_review", "agency_chase", "settling_in_visit"),
                       metadata={"example": "first_contact"})
    due = DateTime(metadata={"example": "2026-11-04T17:00:00+00:00"})
    related_id = fields.String(allow_none=True)


class OutcomeArgs(ReportArgs):
    closed_from = Date(metadata={"example": "2026-04-01"})
    closed_to = Date(metadata={"example": "2027-03-31"})


class OutcomeRow(ma.Schema):
    case_type = fields.String(metadata={"example": "sustainment"})
    period = fields.String(metadata={"example": "2026-11", "description": "The month the cases closed in."})
    closed = fields.Integer(metadata={"example": 12})
    sustained = fields.Integer(metadata={"example": 9})
    share_sustained = fields.Float(metadata={"example": 0.75})
    median_days_open = fields.Float(metadata={"example": 84})
    by_outcome = fields.Dict(keys=fields.String(), values=fields.Integer(),
                             metadata={"example": {"tenancy_sustained": 9, "evicted": 1, "disengaged": 2}})


class PerformanceReport(ma.Schema):
    """The team leaders' performance figures (``sustainment.cases.performance``)."""

    from_ = Date(data_key="from", attribute="from")
    to = Date()
    open_cases = fields.List(fields.Dict(), metadata={"description": "officer_id, risk_level, cases"})
    first_contact = fields.Dict(metadata={"description": "months: [month, cases, within, percent, pending]; total"})
    settling_in = fields.Dict(metadata={"description": "cases, within, percent, pending"})
    closed_by_outcome = fields.List(fields.Dict(), metadata={"description": "outcome, cases, percent"})
    sustained = fields.Dict(metadata={"description": "closures, sustained, percent, not_yet_known"})
    average_days = fields.List(fields.Dict(), metadata={"description": "measure, cases, days"})
