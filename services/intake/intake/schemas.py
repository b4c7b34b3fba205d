"""What the intake API takes and gives, named by intent."""

from __future__ import annotations

import datetime as dt

import marshmallow as ma
from marshmallow import ValidationError, fields, pre_dump, validate, validates_schema

from casework.auth import current
from casework.db import utcnow
from casework.web.fields import BirthDate, Boolean, Date, DateTime
from casework.web.fields import Money as MoneyField
from casework.workdays import london_today
from intake import sensitivity
from intake.access import sees_all
from intake.domain.policy import PRIORITIES, RISK_LEVELS
from intake.domain.risk import REASON_CODES
from intake.domain.triage import OUTCOMES, STATUSES, is_overdue
from intake.models import Referral as ReferralRow

CONSENT_METHODS = ("verbal", "written", "electronic")


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Must not be blank.")


def _in_the_past(value: dt.date) -> None:
    if value >= london_today():
        raise ValidationError("Must be in the past.")


def Text(maximum: int, **kwargs) -> fields.String:  # noqa: N802 - reads as a field type
    """A string that is not blank and not longer than ``maximum``."""
    return fields.String(validate=[validate.Length(max=maximum), _not_blank], **kwargs)


def _not_negative(value) -> None:
    if value < 0:
        raise ValidationError("Must not be negative.")


def _positive(value) -> None:
    if value <= 0:
        raise ValidationError("Must be more than 0.")


def Money(*, example: str | None = None, **kwargs) -> fields.Decimal:  # noqa: N802 - reads as a field type
    """Pounds and pence as a decimal string (``"123.45"``)."""
    return MoneyField(allow_none=True, metadata={"example": example} if example is not None else {}, **kwargs)


# -- creating a referral ------------------------------------------------------------------------


class ReferrerContact(ma.Schema):
    """The person at the referring service to contact about the referral."""

    name = Text(200, required=True, metadata={"example": "Sam Patel"})
    email = fields.Email(allow_none=True, metadata={"example": "sam.patel@council.example"})
    phone = Text(40, allow_none=True, metadata={"example": "01908 000000"})


class Source(ma.Schema):
    system = fields.String(required=True, validate=[validate.Length(min=1, max=60),
                                                    validate.Regexp(r"^[a-z0-9][a-z0-9_\-]*$",
                                                                    error="Use lower_snake_case letters and digits.")],
                           metadata={"example": "income_recovery", "description": "The referring system or agency."})
    team = Text(120, allow_none=True, metadata={"example": "Income Recovery (North)"})
    referrer = fields.Nested(ReferrerContact, required=True)


class Person(ma.Schema):
    """Who the referral is about."""

    name = Text(200, required=True, metadata={"example": "Alex Morgan"})
    date_of_birth = BirthDate(allow_none=True, validate=_in_the_past, metadata={"example": "1984-03-02"})
    phone = Text(40, allow_none=True, metadata={"example": "07700 900123"})
    email = fields.Email(allow_none=True, metadata={"example": "alex.morgan@example.com"})
    address = Text(500, allow_none=True, metadata={"example": "Flat 4, 12 Station Road, Milton Keynes MK9 1AA"})


class Consent(ma.Schema):
    given = Boolean(required=True, metadata={"example": True})
    method = fields.String(allow_none=True, validate=validate.OneOf(CONSENT_METHODS), metadata={"example": "verbal"})
    recorded_by = Text(200, allow_none=True, metadata={"example": "Sam Patel"})


class SafeguardingExemption(ma.Schema):
    """Why the referral goes ahead without the person's consent."""

    reason = Text(2000, required=True, metadata={"example": "Child at risk; informing the tenant would increase the risk."})


class ReferralCreate(ma.Schema):
    """A referral from a front-line system, a partner agency or a phone call."""

    source = fields.Nested(Source, required=True)
    person = fields.Nested(Person, required=True)
    tenancy_ref = fields.String(allow_none=True, validate=validate.Length(min=1, max=40), metadata={"example": "T-0042117"})
    uprn = fields.String(allow_none=True, validate=validate.Regexp(r"^\d{1,12}$", error="A UPRN is 1 to 12 digits."),
                         metadata={"example": "25001234"})
    reasons = fields.List(fields.String(validate=validate.OneOf(REASON_CODES)), required=True,
                          validate=validate.Length(min=1, error="Give at least one reason."),
                          metadata={"example": ["rent_arrears", "mental_health"]})
    details = fields.String(allow_none=True, validate=validate.Length(max=5000),
                            metadata={"example": "Tenant has stopped engaging with the income team."})
    arrears_balance = Money(validate=_not_negative, example="1240.50")
    weekly_rent = Money(validate=_positive, example="128.40")
    clutter_rating = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=9), metadata={"example": 6})
    consent = fields.Nested(Consent, required=True)
    safeguarding_exemption = fields.Nested(SafeguardingExemption, allow_none=True)

    @validates_schema
    def consent_or_exemption(self, data, **kwargs):
        consent, exemption = data["consent"], data.get("safeguarding_exemption")
        errors: dict[str, list[str]] = {}
        if not consent["given"] and not exemption:
            errors["safeguarding_exemption"] = [
                "Without the person's consent, give the safeguarding exemption and its reason."]
        if consent["given"] and exemption:
            errors["safeguarding_exemption"] = ["Only a referral made without consent has a safeguarding exemption."]
        if consent["given"] and not consent.get("method"):
            errors["consent.method"] = ["Say how consent was given."]
        if len(set(data["reasons"])) != len(data["reasons"]):
            errors["reasons"] = ["Give each reason once."]
        if errors:
            raise ValidationError(errors)


# -- a referral as officers and referrers read it --------------------------------------------------


class RiskFactor(ma.Schema):
    code = fields.String(metadata={"example": "rent_arrears"})
    points = fields.Integer(metadata={"example": 30})
    detail = fields.String(metadata={"example": "9.7 weeks' rent owed."})


class Risk(ma.Schema):
    level = fields.String(validate=validate.OneOf(RISK_LEVELS), metadata={"example": "high"})
    score = fields.Integer(metadata={"example": 45})
    factors = fields.List(fields.Nested(RiskFactor), metadata={
        "description": "The points that make up the score. A reader who may not see safeguarding and health "
                       "factors gets them as one factor coded `restricted`, with their points: the factors "
                       "always add up to the score."})


class PossibleDuplicate(ma.Schema):
    id = fields.UUID()
    reference = fields.String(metadata={"example": "R-000117"})
    match = fields.String(validate=validate.OneOf(("same_tenancy", "same_person")), metadata={"example": "same_tenancy"})


class Triage(ma.Schema):
    outcome = fields.String(validate=validate.OneOf(tuple(OUTCOMES)), metadata={"example": "accept"})
    priority = fields.String(allow_none=True, metadata={"example": "urgent"})
    reason = fields.String(allow_none=True)
    signposted_to = fields.String(allow_none=True)
    by = fields.String(metadata={"example": "officer-jo"})
    at = DateTime()


class Withdrawal(ma.Schema):
    reason = fields.String(allow_none=True)
    at = DateTime()


def document(referral: ReferralRow, *, links: bool = True) -> dict:
    """The referral as one nested document (its row keeps the parts in columns)."""
    return {
        "id": referral.id, "reference": referral.reference, "status": referral.status,
        "received_at": referral.received_at, "entered_by": referral.entered_by,
        "referrer_client": referral.referrer_client,
        "source": {"system": referral.source_system, "team": referral.source_team,
                   "referrer": {"name": referral.referrer_name, "email": referral.referrer_email,
                                "phone": referral.referrer_phone}},
        "person": {"name": referral.person_name, "date_of_birth": referral.person_date_of_birth,
                   "phone": referral.person_phone, "email": referral.person_email,
                   "address": referral.person_address},
        "tenancy_ref": referral.tenancy_ref, "uprn": referral.uprn, "reasons": list(referral.reasons),
        "details": referral.details, "arrears_balance": referral.arrears_balance,
        "weekly_rent": referral.weekly_rent, "clutter_rating": referral.clutter_rating,
        "consent": {"given": referral.consent_given, "method": referral.consent_method,
                    "recorded_by": referral.consent_recorded_by},
        "safeguarding_exemption": ({"reason": referral.safeguarding_exemption_reason}
                                   if referral.safeguarding_exemption_reason else None),
        "risk": {"level": referral.risk_level, "score": referral.risk_score, "factors": list(referral.risk_factors)},
        "triage_due": referral.triage_due,
        "overdue": is_overdue(referral.status, referral.triage_due, utcnow()),
        "possible_duplicate_of": list(referral.possible_duplicate_of) if links else [],
        "triage": ({"outcome": referral.triage_outcome, "priority": referral.priority,
                    "reason": referral.triage_reason, "signposted_to": referral.signposted_to,
                    "by": referral.triaged_by, "at": referral.triaged_at} if referral.triage_outcome else None),
        "withdrawal": ({"reason": referral.withdrawn_reason, "at": referral.withdrawn_at}
                       if referral.withdrawn_at else None),
    }


class Referral(ma.Schema):
    """A referral with its risk score (every factor and its points), triage deadline and outcome."""

    id = fields.UUID()
    reference = fields.String(metadata={"example": "R-000123"})
    status = fields.String(validate=validate.OneOf(STATUSES), metadata={"example": "received"})
    received_at = DateTime()
    entered_by = fields.String(metadata={"example": "income-recovery-system"})
    referrer_client = fields.String(allow_none=True, metadata={
        "example": "income-recovery-system",
        "description": "The referring system's client id; null when an intake officer entered the referral."})
    source = fields.Nested(Source)
    person = fields.Nested(Person)
    tenancy_ref = fields.String(allow_none=True)
    uprn = fields.String(allow_none=True)
    reasons = fields.List(fields.String())
    details = fields.String(allow_none=True)
    arrears_balance = Money()
    weekly_rent = Money()
    clutter_rating = fields.Integer(allow_none=True)
    consent = fields.Nested(Consent)
    safeguarding_exemption = fields.Nested(SafeguardingExemption, allow_none=True)
    risk = fields.Nested(Risk)
    triage_due = DateTime(metadata={
        "description": "Close of business on the working day triage is due."})
    overdue = Boolean(metadata={"description": "Still waiting for triage after triage_due."})
    possible_duplicate_of = fields.List(fields.Nested(PossibleDuplicate), metadata={
        "description": "Open referrals for the same tenancy or person (shown to officers)."})
    triage = fields.Nested(Triage, allow_none=True)
    withdrawal = fields.Nested(Withdrawal, allow_none=True)
    restricted = fields.List(fields.String(), metadata={
        "description": "The restricted (safeguarding and health) fields left out for this reader: shown to "
                       "intake officers, team leaders, admins and the referrer that sent them, or with "
                       "`break_glass_reason`.",
        "example": ["details", "reasons", "risk.factors"]})

    @pre_dump
    def as_document(self, referral, **kwargs):
        # A referring system does not learn of other agencies' referrals about the same person.
        doc = document(referral, links=self.shows_links())
        if self.shows_restricted():
            return doc | {"restricted": []}
        return sensitivity.restrict(doc, referral)

    def shows_links(self) -> bool:
        return sees_all(current())

    def shows_restricted(self) -> bool:
        return sensitivity.shown()


class ReferralReceipt(ma.Schema):
    """What making a referral answers: its id and reference, status, risk score with every
    factor, and when triage is due. The whole referral is at the answer's Location.

    The referrer's own details, and the person's, are not sent back: the caller has them, and
    personal data crosses the wire no more often than it must."""

    id = fields.UUID()
    reference = fields.String(metadata={"example": "R-000123"})
    status = fields.String(validate=validate.OneOf(STATUSES), metadata={"example": "received"})
    received_at = DateTime()
    risk = fields.Nested(Risk)
    triage_due = DateTime(metadata={
        "description": "Close of business on the working day triage is due."})

    @pre_dump
    def as_receipt(self, referral, **kwargs):
        return {"id": referral.id, "reference": referral.reference, "status": referral.status,
                "received_at": referral.received_at, "triage_due": referral.triage_due,
                "risk": {"level": referral.risk_level, "score": referral.risk_score,
                         "factors": referral.risk_factors}}


class ReferralRecord(Referral):
    """The complete referral as the audit trail keeps it."""

    def shows_links(self) -> bool:
        return True

    def shows_restricted(self) -> bool:
        return True


class ReferralRead(ma.Schema):
    break_glass_reason = fields.String(validate=validate.Length(min=1, max=500), metadata={
        "description": "Why you, not an intake officer or team leader, need the referral's restricted "
                       "(safeguarding and health) details now. Audited, and the intake team's manager is told.",
        "example": "Tenant in crisis at the office; case not yet opened."})


def snapshot(referral: ReferralRow) -> dict:
    """What the audit records of a referral before and after a change: the referral as
    ``ReferralRecord`` shows it, less ``overdue`` (which moves with the clock).

    The document itself, its dates, ids and amounts left for the audit trail to write as JSON:
    dumping it through the schema changes nothing in it, and on POST /referrals' hot path cost
    as much as the rest of the audit entry. A test holds the two to the same answer.
    """
    doc = document(referral)
    del doc["overdue"]
    doc["restricted"] = []
    return doc


class ReferralSummary(ma.Schema):
    """A referral in a list: references and work-queue fields, no personal details."""

    id = fields.UUID()
    reference = fields.String(metadata={"example": "R-000123"})
    status = fields.String(metadata={"example": "received"})
    source_system = fields.String(metadata={"example": "income_recovery"})
    risk_level = fields.String(metadata={"example": "high"})
    risk_score = fields.Integer(metadata={"example": 45})
    priority = fields.String(allow_none=True, metadata={"example": None})
    received_at = DateTime()
    triage_due = DateTime()
    overdue = Boolean()
    possible_duplicate = Boolean()

    @pre_dump
    def as_summary(self, referral, **kwargs):
        links = bool(referral.possible_duplicate_of) and sees_all(current())
        return {"id": referral.id, "reference": referral.reference, "status": referral.status,
                "source_system": referral.source_system, "risk_level": referral.risk_level,
                "risk_score": referral.risk_score, "priority": referral.priority,
                "received_at": referral.received_at, "triage_due": referral.triage_due,
                "overdue": is_overdue(referral.status, referral.triage_due, utcnow()),
                "possible_duplicate": links}


class ReferralQueryArgs(ma.Schema):
    status = fields.String(validate=validate.OneOf(STATUSES), metadata={"example": "received"})
    risk_level = fields.String(validate=validate.OneOf(RISK_LEVELS), metadata={"example": "critical"})
    source_system = fields.String(metadata={"example": "income_recovery"})
    received_from = Date(metadata={"example": "2026-01-05", "description": "Received on or after this date (UK)."})
    received_to = Date(metadata={"example": "2026-01-09", "description": "Received on or before this date (UK)."})
    overdue = fields.Boolean(metadata={"description": "Only referrals past (true) or within (false) their triage deadline."})
    reference = fields.String(validate=validate.Length(min=1, max=40), metadata={
        "example": "R-000123", "description": "The referral with this reference (as officers quote it)."})
    batch_id = fields.UUID(metadata={"description": "Only the referrals made from this batch "
                                                    "(`POST /referrals/batch`)."})
    order = fields.String(validate=validate.OneOf(("newest", "triage_due", "risk")), metadata={
        "example": "triage_due",
        "description": "`newest` first (the default), `triage_due`: the triage queue's order, soonest "
                       "triage deadline first, then the highest risk score, or `risk`: the highest risk "
                       "score first (how a batch is triaged)."})

    @validates_schema
    def date_range(self, data, **kwargs):
        if "received_from" in data and "received_to" in data and data["received_from"] > data["received_to"]:
            raise ValidationError("Must not be before received_from.", field_name="received_to")


# -- triage and withdrawal ------------------------------------------------------------------------


class TriageDecision(ma.Schema):
    """An intake officer's triage: accept (with a priority), reject (with a reason) or signpost (to whom)."""

    outcome = fields.String(required=True, validate=validate.OneOf(tuple(OUTCOMES)), metadata={"example": "accept"})
    priority = fields.String(allow_none=True, validate=validate.OneOf(PRIORITIES), metadata={
        "example": "urgent", "description": "Only when accepting; defaults from the risk level."})
    reason = fields.String(allow_none=True, validate=validate.Length(max=2000), metadata={
        "example": "Tenant already has an open sustainment case.", "description": "Required to reject."})
    signposted_to = fields.String(allow_none=True, validate=validate.Length(max=200), metadata={
        "example": "Citizens Advice Milton Keynes", "description": "Required to signpost."})

    @validates_schema
    def what_each_outcome_needs(self, data, **kwargs):
        outcome = data["outcome"]
        if outcome == "reject" and not (data.get("reason") or "").strip():
            raise ValidationError("A reason is required to reject a referral.", field_name="reason")
        if outcome == "signpost" and not (data.get("signposted_to") or "").strip():
            raise ValidationError("Say which service the referral is signposted to.", field_name="signposted_to")
        if outcome != "accept" and data.get("priority"):
            raise ValidationError("A priority is given only when accepting.", field_name="priority")
        if outcome != "signpost" and data.get("signposted_to"):
            raise ValidationError("Only a signposted referral names where it went.", field_name="signposted_to")


class WithdrawalRequest(ma.Schema):
    reason = fields.String(allow_none=True, validate=validate.Length(max=2000),
                           metadata={"example": "The arrears were cleared."})
