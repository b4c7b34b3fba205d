"""Events the sustainment service publishes."""

from marshmallow import fields, validate

from .common import CASE_TYPES, EventData, RiskLevel, Timestamp, register_privacy

DEADLINES = ("first_contact", "visit", "plan_review", "agency_chase", "settling_in_visit")
CLOSURE_OUTCOMES = (
    "tenancy_sustained", "moved_on_planned", "evicted", "abandoned", "deceased", "disengaged", "transferred",
)


class CaseRef(EventData):
    case_id = fields.UUID(required=True)
    reference = fields.String(required=True)
    case_type = fields.String(required=True, validate=validate.OneOf(CASE_TYPES))
    officer_id = fields.String(allow_none=True)


class CaseOpened(CaseRef):
    """A case was opened, from an accepted referral or a high-risk tenancy start."""

    risk_level = RiskLevel(required=True)
    first_contact_due = Timestamp(required=True)
    settling_in_due = Timestamp(allow_none=True)
    referral_id = fields.UUID(allow_none=True)
    tenancy_ref = fields.String(allow_none=True)


class CaseAssigned(CaseRef):
    """A team leader assigned (or reassigned) the case to an officer."""

    previous_officer_id = fields.String(allow_none=True)
    assigned_by = fields.String(required=True)
    risk_level = RiskLevel(required=True)
    first_contact_due = Timestamp(allow_none=True)
    #: An onboarding case's settling-in visit deadline, while the visit is still to be made.
    settling_in_due = Timestamp(allow_none=True, load_default=None)


class PlanAgreed(CaseRef):
    """A version of the sustainment plan was agreed."""

    plan_version = fields.Integer(required=True)
    review_date = fields.Date(allow_none=True)
    actions = fields.Integer(required=True)


class VisitScheduled(CaseRef):
    visit_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(("home_visit", "welfare_check", "settling_in")))
    scheduled_for = Timestamp(required=True)


class VisitRecorded(VisitScheduled):
    """A visit's outcome was recorded."""

    outcome = fields.String(required=True, validate=validate.OneOf(("completed", "no_access", "cancelled")))
    consecutive_no_access = fields.Integer(required=True)


class RiskChanged(CaseRef):
    """The case's risk level changed; ``team_leader_alert`` when the team leader must act."""

    from_level = RiskLevel(required=True)
    to_level = RiskLevel(required=True)
    cause = fields.String(required=True, validate=validate.OneOf(("officer", "no_access_visits")))
    team_leader_alert = fields.Boolean(required=True)


class AgencyReferralMadeV2(CaseRef):
    """The officer referred the tenant to an agency. Which agency (mental-health services,
    probation, …) and whether the tenant consented stay in sustainment."""

    agency_referral_id = fields.UUID(required=True)
    chase_by = fields.Date(allow_none=True)


class AgencyReferralMade(CaseRef):
    """Retired (the agency named the tenant's health or offending, consent a safeguarding override):
    ``agency_referral.made.v2`` replaces it. Still read for one release, no longer published."""

    agency_referral_id = fields.UUID(required=True)
    agency = fields.String(required=True)
    consent_given = fields.Boolean(required=True)
    chase_by = fields.Date(allow_none=True)


class AgencyReferralAnswered(CaseRef):
    """The agency accepted or declined a referral (recorded by the officer or sent by the agency):
    it needs chasing no more."""

    agency_referral_id = fields.UUID(required=True)
    answer = fields.String(required=True, validate=validate.OneOf(("accepted", "declined")))


class DeadlineMissed(CaseRef):
    """A case deadline passed with its work undone."""

    deadline = fields.String(required=True, validate=validate.OneOf(DEADLINES))
    due = Timestamp(required=True)
    related_id = fields.String(allow_none=True)
    #: The agency referral to chase, on an ``agency_chase`` deadline (its case's officer is asked to).
    agency_referral_id = fields.UUID(allow_none=True, load_default=None)


class ContactRecorded(CaseRef):
    """First contact with the tenant was made: the case is active and its first-contact deadline met."""

    first_contact_at = Timestamp(required=True)


class CaseReopened(CaseRef):
    """A closed case was reopened (the reason stays in the case)."""

    risk_level = RiskLevel(required=True)
    status = fields.String(required=True)


class SupportWindowEnded(CaseRef):
    """An onboarding case reached the end of its support window still open: its officer closes
    it, or carries on supporting the tenant."""

    support_ends = fields.Date(required=True)


class TenancyEnded(CaseRef):
    """The tenancy an open case is about has ended (lettings' ``tenancy.ended``): its officer
    closes the case, or carries on supporting the household where it moved."""

    tenancy_ref = fields.String(required=True)
    end_date = fields.Date(required=True)
    reason = fields.String(required=True)


class CaseClosed(CaseRef):
    outcome = fields.String(required=True, validate=validate.OneOf(CLOSURE_OUTCOMES))
    closed_at = Timestamp(required=True)


class RestrictedRead(CaseRef):
    """Someone other than the case's officer, a team leader or an admin read its restricted
    (safeguarding and health) details, giving a reason ("break glass"); the reason stays in the audit."""

    reader = fields.String(required=True)
    read_at = Timestamp(required=True)


def register(catalogue) -> None:
    n = ("notifications",)
    for name, schema in (
        ("case.opened", CaseOpened),
        ("case.assigned", CaseAssigned),
        ("plan.agreed", PlanAgreed),
        ("visit.scheduled", VisitScheduled),
        ("visit.recorded", VisitRecorded),
        ("risk.changed", RiskChanged),
        ("agency_referral.made", AgencyReferralMade),
        ("agency_referral.answered", AgencyReferralAnswered),
        ("deadline.missed", DeadlineMissed),
        ("support_window.ended", SupportWindowEnded),
        ("case.tenancy_ended", TenancyEnded),
        ("case.closed", CaseClosed),
        ("contact.recorded", ContactRecorded),
        ("case.reopened", CaseReopened),
        ("restricted.read", RestrictedRead),
    ):
        catalogue.register(f"casework.sustainment.{name}.v1", schema, producer="sustainment", consumers=n)
    catalogue.register("casework.sustainment.agency_referral.made.v2", AgencyReferralMadeV2, producer="sustainment",
                       consumers=n)
    register_privacy(catalogue, "sustainment")
