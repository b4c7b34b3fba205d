"""The referral pages' forms (Flask-WTF: each post carries its CSRF token), in the officers' words.

A form checks what an officer typed; what it makes is then loaded through the API's own schema
(``intake.schemas``), whose refusals go back to the form's fields (``refuse``): the page refuses
what the API refuses, by the same rules.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping
from typing import Any

from flask import flash
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from marshmallow import ValidationError
from wtforms import (
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import UUID, DataRequired, InputRequired, Length, Optional, Regexp

from casework.pages.forms import DateInput
from intake.domain.policy import PRIORITIES, RISK_LEVELS
from intake.domain.triage import STATUSES

from .wording import CONSENT_METHODS, REASON_NAMES, team_for

#: The source system recorded on a referral an officer raises on these pages.
SOURCE_SYSTEM = "casework_web"
EMAIL = r"^\s*[^@\s]+@[^@\s]+\.[^@\s]+\s*$"
MONEY = r"^\s*£?\s*\d{1,8}(\.\d{1,2})?\s*$"


class FilterForm(FlaskForm):
    """The triage queue's filters: a GET form (nothing changes, so no CSRF token)."""

    class Meta:
        csrf = False

    status = SelectField("Status", widget=GovSelect(), validators=[Optional()],
                         choices=[("", "Received (waiting for triage)")] + [(s, s.capitalize()) for s in STATUSES
                                                                            if s != "received"])
    risk_level = SelectField("Risk level", widget=GovSelect(), validators=[Optional()],
                             choices=[("", "Any risk level")] + [(r, r.capitalize()) for r in reversed(RISK_LEVELS)])
    source_system = StringField("Source system", widget=GovTextInput(),
                                validators=[Optional(), Length(max=60, message="Source system must be 60 characters or fewer")],
                                description="For example, income_recovery")
    #: One batch's referrals (``/app/referrals?batch_id=…``, from the batches page).
    batch_id = HiddenField(validators=[Optional(), UUID(message="Choose a batch from the list of batches")])
    submit = SubmitField("Apply filters", widget=GovSubmitInput())

    def query(self) -> dict[str, Any]:
        """The filters chosen, as the triage queue takes them."""
        chosen = {name: getattr(self, name).data.strip() for name in ("status", "risk_level", "source_system", "batch_id")
                  if (getattr(self, name).data or "").strip()}
        if "batch_id" in chosen:
            chosen["batch_id"] = uuid.UUID(chosen["batch_id"])
        return chosen


class TriageForm(FlaskForm):
    """Accept (with a priority), reject (with a reason) or signpost (to where, with a reason)."""

    outcome = RadioField("What is your triage decision?", widget=GovRadioInput(),
                         choices=[("accept", "Accept: open a sustainment case"), ("reject", "Reject"),
                                  ("signpost", "Signpost to another service")],
                         validators=[InputRequired(message="Select whether to accept, reject or signpost the referral")])
    priority = SelectField("Priority", widget=GovSelect(), validators=[Optional()],
                           choices=[("", "From the risk level")] + [(p, p.capitalize()) for p in PRIORITIES],
                           description="Leave it to set the priority from the risk level")
    reject_reason = TextAreaField("Why are you rejecting the referral?", widget=GovTextArea(),
                                  validators=[Length(max=2000, message="The reason must be 2000 characters or fewer")])
    signposted_to = StringField("Which service are you signposting to?", widget=GovTextInput(),
                                validators=[Length(max=200, message="The service must be 200 characters or fewer")])
    signpost_reason = TextAreaField("Why this service? (optional)", widget=GovTextArea(),
                                    validators=[Length(max=2000, message="The reason must be 2000 characters or fewer")])
    submit = SubmitField("Record triage decision", widget=GovSubmitInput())

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.outcome.data == "reject" and not (self.reject_reason.data or "").strip():
            self.reject_reason.errors.append("Enter why you are rejecting the referral")
            valid = False
        if self.outcome.data == "signpost" and not (self.signposted_to.data or "").strip():
            self.signposted_to.errors.append("Enter the service you are signposting the referral to")
            valid = False
        return valid

    def decision(self) -> dict[str, Any]:
        """The decision as the API's ``TriageDecision`` takes it: only the chosen outcome's fields
        (without JavaScript every outcome's fields are on the page at once)."""
        outcome = self.outcome.data
        if outcome == "accept":
            return {"outcome": outcome, "priority": self.priority.data or None}
        if outcome == "reject":
            return {"outcome": outcome, "reason": self.reject_reason.data.strip()}
        return {"outcome": outcome, "signposted_to": self.signposted_to.data.strip(),
                "reason": (self.signpost_reason.data or "").strip() or None}

    def field_for(self, path: str) -> str | None:
        """The field showing the API schema's error at ``path``."""
        if path == "reason":
            return "signpost_reason" if self.outcome.data == "signpost" else "reject_reason"
        return path if path in ("outcome", "priority", "signposted_to") else None


class BreakGlassForm(FlaskForm):
    """Why a reader who may not see the restricted details needs them now."""

    break_glass_reason = TextAreaField("Why do you need the restricted details now?", widget=GovTextArea(),
                                       description="Your reason is recorded and the intake team’s manager is told.",
                                       validators=[DataRequired(message="Enter why you need the restricted details"),
                                                   Length(max=500, message="The reason must be 500 characters or fewer")])
    submit = SubmitField("Show restricted details", widget=GovSubmitInput())


class NewReferralForm(FlaskForm):
    """A referral raised by an officer: who it is about, why, and the person's consent."""

    person_name = StringField("Full name", widget=GovTextInput(), validators=[
        DataRequired(message="Enter the person’s full name"),
        Length(max=200, message="The name must be 200 characters or fewer")])
    date_of_birth = DateField("Date of birth (optional)", widget=DateInput(), format="%d %m %Y",
                              validators=[Optional()], description="For example, 27 3 1984")
    person_phone = StringField("Phone number (optional)", widget=GovTextInput(),
                               validators=[Length(max=40, message="The phone number must be 40 characters or fewer")])
    person_email = StringField("Email address (optional)", widget=GovTextInput(), validators=[
        Optional(), Regexp(EMAIL, message="Enter an email address in the correct format, like name@example.com")])
    person_address = TextAreaField("Address (optional)", widget=GovTextArea(),
                                   validators=[Length(max=500, message="The address must be 500 characters or fewer")])
    tenancy_ref = StringField("Tenancy reference (optional)", widget=GovTextInput(), description="For example, T-0042117",
                              validators=[Length(max=40, message="The tenancy reference must be 40 characters or fewer")])
    uprn = StringField("UPRN (optional)", widget=GovTextInput(), description="The property’s unique reference number",
                       validators=[Optional(), Regexp(r"^\s*\d{1,12}\s*$", message="Enter a UPRN of 1 to 12 digits")])
    reasons = SelectMultipleField("Why are you referring them?", widget=GovCheckboxesInput(),
                                  choices=list(REASON_NAMES.items()), description="Select all that apply",
                                  validators=[InputRequired(message="Select at least one reason for the referral")])
    details = TextAreaField("What have you seen? (optional)", widget=GovTextArea(),
                            validators=[Length(max=5000, message="The details must be 5000 characters or fewer")])
    arrears_balance = StringField("Arrears balance in pounds (optional)", widget=GovTextInput(),
                                  description="For rent arrears, for example 1240.50", validators=[
                                      Optional(), Regexp(MONEY, message="Enter the arrears balance in pounds, like 1240.50")])
    weekly_rent = StringField("Weekly rent in pounds (optional)", widget=GovTextInput(), description="For example, 128.40",
                              validators=[Optional(), Regexp(MONEY, message="Enter the weekly rent in pounds, like 128.40")])
    clutter_rating = SelectField("Clutter image rating (optional)", widget=GovSelect(), validators=[Optional()],
                                 choices=[("", "Not rated")] + [(str(n), str(n)) for n in range(1, 10)],
                                 description="For hoarding: 1 (clear) to 9")
    consent = RadioField("Has the person agreed to the referral?", widget=GovRadioInput(),
                         choices=[("yes", "Yes"), ("no", "No: a safeguarding exemption applies")],
                         validators=[InputRequired(message="Select whether the person agreed to the referral")])
    consent_method = RadioField("How did they agree?", widget=GovRadioInput(), validators=[Optional()],
                                choices=list(CONSENT_METHODS.items()))
    exemption_reason = TextAreaField("Why does the referral go ahead without their consent?", widget=GovTextArea(),
                                     validators=[Length(max=2000, message="The reason must be 2000 characters or fewer")])
    source_team = StringField("Your team", widget=GovTextInput(),
                              validators=[Length(max=120, message="Your team must be 120 characters or fewer")])
    referrer_phone = StringField("Your phone number (optional)", widget=GovTextInput(),
                                 description="So the intake team can call you about the referral",
                                 validators=[Length(max=40, message="Your phone number must be 40 characters or fewer")])
    referrer_email = StringField("Your email address (optional)", widget=GovTextInput(), validators=[
        Optional(), Regexp(EMAIL, message="Enter your email address in the correct format, like name@example.com")])
    submit = SubmitField("Raise referral", widget=GovSubmitInput())

    def for_officer(self, roles) -> NewReferralForm:
        if not self.source_team.data:
            self.source_team.data = team_for(roles)
        return self

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.date_of_birth.errors:
            self.date_of_birth.errors[:] = ["Date of birth must be a real date, like 27 3 1984"]
        if self.consent.data == "yes" and not self.consent_method.data:
            self.consent_method.errors.append("Select how the person agreed to the referral")
            valid = False
        if self.consent.data == "no" and not (self.exemption_reason.data or "").strip():
            self.exemption_reason.errors.append("Enter why the referral goes ahead without the person’s consent")
            valid = False
        return valid

    def referral(self, referrer_name: str) -> dict[str, Any]:
        """The referral as the API's ``ReferralCreate`` takes it, raised by the signed-in officer."""
        def text(field) -> str | None:
            return (field.data or "").strip() or None

        def money(field) -> str | None:
            value = text(field)
            return re.sub(r"[£\s]", "", value) if value else None

        given = self.consent.data == "yes"
        born: dt.date | None = self.date_of_birth.data
        body: dict[str, Any] = {
            "source": {"system": SOURCE_SYSTEM, "team": text(self.source_team),
                       "referrer": {"name": referrer_name, "email": text(self.referrer_email),
                                    "phone": text(self.referrer_phone)}},
            "person": {"name": text(self.person_name), "date_of_birth": born.isoformat() if born else None,
                       "phone": text(self.person_phone), "email": text(self.person_email),
                       "address": text(self.person_address)},
            "tenancy_ref": text(self.tenancy_ref), "uprn": text(self.uprn), "reasons": list(self.reasons.data or []),
            "details": text(self.details), "arrears_balance": money(self.arrears_balance),
            "weekly_rent": money(self.weekly_rent),
            "clutter_rating": int(self.clutter_rating.data) if self.clutter_rating.data else None,
            "consent": {"given": given, "method": self.consent_method.data if given else None,
                        "recorded_by": referrer_name if given else None},
            "safeguarding_exemption": None if given else {"reason": text(self.exemption_reason)},
        }
        return body

    #: The API schema's field paths → the form's fields.
    FIELDS = {"person.name": "person_name", "person.date_of_birth": "date_of_birth", "person.phone": "person_phone",
              "person.email": "person_email", "person.address": "person_address", "source.team": "source_team",
              "source.referrer.email": "referrer_email", "source.referrer.phone": "referrer_phone",
              "source.referrer.name": "source_team", "consent.method": "consent_method",
              "consent.given": "consent", "consent.recorded_by": "consent_method",
              "safeguarding_exemption": "exemption_reason", "safeguarding_exemption.reason": "exemption_reason"}

    def field_for(self, path: str) -> str | None:
        if path in self.FIELDS:
            return self.FIELDS[path]
        top = path.split(".")[0]
        return top if top in self._fields else None


def refuse(form, error: ValidationError) -> None:
    """Put the API schema's refusal on the form's fields (``form.field_for(path)``); what is about
    no field goes to the page's error summary."""
    for path, messages in _flatten(error.messages):
        name = form.field_for(path)
        field = form._fields.get(name) if name else None
        if field is None:
            for message in messages:
                flash(message, "error")
            continue
        if not isinstance(field.errors, list):
            field.errors = list(field.errors)
        field.errors.extend(messages)


def _flatten(messages: Any, prefix: str = "") -> list[tuple[str, list[str]]]:
    if isinstance(messages, Mapping):
        found = []
        for key, value in messages.items():
            path = prefix if key == "_schema" else (f"{prefix}.{key}" if prefix else str(key))
            if isinstance(key, int):  # a list's item: the list's field
                path = prefix
            found += _flatten(value, path)
        return found
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [(prefix, list(messages))]
    if isinstance(messages, list):
        return [pair for m in messages for pair in _flatten(m, prefix)]
    return [(prefix, [str(messages)])]
