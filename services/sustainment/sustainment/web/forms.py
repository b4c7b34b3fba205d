"""The case work forms (Flask-WTF, each with its CSRF token), one per thing an officer does, with
GOV.UK widgets and error messages in the officer's words.

A form checks what it is given (required, lengths, choices, a date that is a date); the API's own
schema then checks the same values again (``checked``), so a page refuses what the API refuses,
naming the same field. What is allowed on a case is the use case's to say.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import marshmallow as ma
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from casework.pages.forms import date_field
from casework.web import db_session
from casework.workdays import LONDON
from sustainment import directory, rules


def words(code: str) -> str:
    """A code as officers say it: ``income_and_benefits`` → "Income and benefits"."""
    return code.replace("_", " ").capitalize()


def _choices(codes: tuple[str, ...], blank: str | None = None) -> list[tuple[str, str]]:
    return ([("", blank)] if blank is not None else []) + [(code, words(code)) for code in codes]


def _required(message: str):
    return InputRequired(message=message)


class _LondonTime:
    """A date (GOV.UK's day, month, year) and a time ("14:30") read in London's time, as UTC."""

    TIME = re.compile(r"^\s*([01]?\d|2[0-3])[:.]([0-5]\d)\s*$")

    @classmethod
    def check(cls, field) -> None:
        if not cls.TIME.match(field.data or ""):
            raise ValidationError("Enter the time as hours and minutes, like 14:30")

    @classmethod
    def moment(cls, day: dt.date, time: str) -> dt.datetime:
        hours, minutes = cls.TIME.match(time).groups()
        local = dt.datetime.combine(day, dt.time(int(hours), int(minutes)), tzinfo=LONDON)
        return local.astimezone(dt.UTC)


def _time_field(label: str) -> StringField:
    return StringField(label, widget=GovTextInput(), description="Use the 24-hour clock, for example 14:30",
                       validators=[_required("Enter the time"), lambda form, field: _LondonTime.check(field)])




class CaseForm(FlaskForm):
    """Every form on a case carries the case's version as its officer read it."""

    version = HiddenField()


# -- the plan -------------------------------------------------------------------------------------


class GoalForm(Form):
    id = HiddenField()
    title = StringField("Goal", widget=GovTextInput(), validators=[Optional(), Length(max=300)])
    category = SelectField("Category", widget=GovSelect(), choices=_choices(rules.PLAN_CATEGORIES, "Choose a category"),
                           validators=[Optional()])
    status = SelectField("Status", widget=GovSelect(), choices=_choices(rules.GOAL_STATUSES), default="open")

    def filled(self) -> bool:
        return bool((self.title.data or "").strip())


class ActionForm(Form):
    id = HiddenField()
    title = StringField("Action", widget=GovTextInput(), validators=[Optional(), Length(max=300)])
    category = SelectField("Category", widget=GovSelect(), choices=_choices(rules.PLAN_CATEGORIES, "Choose a category"),
                           validators=[Optional()])
    owner = SelectField("Who does it", widget=GovSelect(), choices=_choices(rules.ACTION_OWNERS, "Choose who does it"),
                        validators=[Optional()])
    due_date = date_field("Due by")
    status = SelectField("Status", widget=GovSelect(), choices=_choices(rules.ACTION_STATUSES), default="open")

    def filled(self) -> bool:
        return bool((self.title.data or "").strip())


#: Empty rows a plan form offers for new goals and actions (no script needed to add one).
NEW_ROWS = 2


class PlanForm(CaseForm):
    goals = FieldList(FormField(GoalForm), min_entries=1)
    actions = FieldList(FormField(ActionForm), min_entries=1)
    review_date = date_field("Review the plan by")
    submit = SubmitField("Agree the plan", widget=GovSubmitInput())

    @classmethod
    def for_plan(cls, plan, version: str, *, prefix: str = "") -> PlanForm:
        """The form filled with the current plan's goals and actions, and rows for new ones."""
        goals = [{"id": g.get("id"), "title": g.get("title"), "category": g.get("category"),
                  "status": g.get("status", "open")} for g in (plan.goals if plan else [])]
        actions = [{"id": a.get("id"), "title": a.get("title"), "category": a.get("category"), "owner": a.get("owner"),
                    "due_date": dt.date.fromisoformat(a["due_date"]) if a.get("due_date") else None,
                    "status": a.get("status", "open")} for a in (plan.actions if plan else [])]
        form = cls(formdata=None, data={"version": version, "review_date": plan.review_date if plan else None,
                                        "goals": goals + [{}] * NEW_ROWS, "actions": actions + [{}] * NEW_ROWS},
                   prefix=prefix)
        return form

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for row in self.goals:
            if row.form.filled() and not row.form.category.data:
                row.form.category.errors.append("Choose the goal’s category")
                valid = False
        for row in self.actions:
            if not row.form.filled():
                continue
            for name, message in (("category", "Choose the action’s category"), ("owner", "Choose who does the action"),
                                  ("due_date", "Enter the date the action is due")):
                if not getattr(row.form, name).data and not getattr(row.form, name).errors:
                    getattr(row.form, name).errors.append(message)
                    valid = False
        if not any(row.form.filled() for row in self.goals):
            self.goals[0].form.title.errors.append("Enter at least one goal")
            valid = False
        self.gather_errors()
        return valid

    def gather_errors(self) -> None:
        """The rows' errors as the form's (WTForms gathers them while validating, not after)."""
        for rows in (self.goals, self.actions):
            found = [row.errors for row in rows.entries]
            rows.errors = found if any(found) else []

    def payload(self) -> dict[str, Any]:
        """The plan as ``PUT /cases/{id}/plan`` takes it (empty rows left out)."""
        def item(row, names):
            found = {name: getattr(row, name).data for name in names}
            if row.id.data:
                found["id"] = row.id.data
            if found.get("due_date"):
                found["due_date"] = found["due_date"].isoformat()
            return found

        return {
            "goals": [item(r.form, ("title", "category", "status")) for r in self.goals if r.form.filled()],
            "actions": [item(r.form, ("title", "category", "owner", "due_date", "status"))
                        for r in self.actions if r.form.filled()],
            "review_date": self.review_date.data.isoformat() if self.review_date.data else None,
        }


# -- visits ---------------------------------------------------------------------------------------


class ScheduleVisitForm(CaseForm):
    kind = RadioField("What kind of visit?", widget=GovRadioInput(), choices=_choices(rules.VISIT_KINDS),
                      validators=[_required("Choose the kind of visit")])
    day = date_field("Date of the visit", "the date of the visit")
    time = _time_field("Time of the visit")
    submit = SubmitField("Schedule the visit", widget=GovSubmitInput())

    def payload(self) -> dict[str, Any]:
        return {"kind": self.kind.data, "scheduled_for": _LondonTime.moment(self.day.data, self.time.data).isoformat()}


def _risks(text: str | None) -> list[str]:
    """Risks typed one a line (or separated by commas)."""
    return [part.strip() for part in re.split(r"[\n,]", text or "") if part.strip()]


class VisitOutcomeForm(CaseForm):
    outcome = RadioField("What happened?", widget=GovRadioInput(), choices=_choices(rules.VISIT_OUTCOMES),
                         validators=[_required("Choose what happened at the visit")])
    notes = TextAreaField("Notes", widget=GovTextArea(), validators=[Optional(), Length(max=5000)])
    risks = TextAreaField("Risks identified", widget=GovTextArea(), description="One a line, for example hoarding",
                          validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Record the outcome", widget=GovSubmitInput())

    def payload(self) -> dict[str, Any]:
        return {"outcome": self.outcome.data, "notes": self.notes.data or None, "risks_identified": _risks(self.risks.data)}


class VisitMadeForm(CaseForm):
    kind = RadioField("What kind of visit?", widget=GovRadioInput(), choices=_choices(rules.VISIT_KINDS),
                      validators=[_required("Choose the kind of visit")])
    day = date_field("Date of the visit", "the date of the visit")
    time = _time_field("Time of the visit")
    outcome = RadioField("What happened?", widget=GovRadioInput(), choices=_choices(("completed", "no_access")),
                         validators=[_required("Choose what happened at the visit")])
    notes = TextAreaField("Notes", widget=GovTextArea(), validators=[Optional(), Length(max=5000)])
    risks = TextAreaField("Risks identified", widget=GovTextArea(), description="One a line, for example hoarding",
                          validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Record the visit", widget=GovSubmitInput())

    def payload(self) -> dict[str, Any]:
        return {"kind": self.kind.data, "visited_at": _LondonTime.moment(self.day.data, self.time.data).isoformat(),
                "outcome": self.outcome.data, "notes": self.notes.data or None, "risks_identified": _risks(self.risks.data)}


# -- agencies, contacts, notes, risk ---------------------------------------------------------------


class AgencyReferralForm(CaseForm):
    agency_id = SelectField("Agency", widget=GovSelect(), validators=[_required("Choose the agency")],
                            description="From the council's agency directory.")
    reason = TextAreaField("Why you are referring the tenant", widget=GovTextArea(),
                           validators=[_required("Enter why you are referring the tenant"), Length(max=2000)])
    consent_given = BooleanField("The tenant consents to this referral", widget=GovCheckboxInput())
    safeguarding_reason = TextAreaField("Safeguarding reason (only without the tenant’s consent)", widget=GovTextArea(),
                                        validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Refer to the agency", widget=GovSubmitInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The directory's agencies: the choice is checked again by the use case.
        self.agency_id.choices = [("", "Choose an agency")] + [
            (str(agency.id), agency.name) for agency in directory.listed(db_session())]

    def validate_consent_given(self, field) -> None:
        problem = rules.consent_problem(bool(field.data), self.safeguarding_reason.data)
        if problem:
            raise ValidationError(problem)

    def payload(self) -> dict[str, Any]:
        return {"agency_id": self.agency_id.data, "reason": self.reason.data,
                "consent_given": bool(self.consent_given.data), "safeguarding_reason": self.safeguarding_reason.data or None}


class AgencyAnswerForm(FlaskForm):
    """The agency's answer: on its link page as the agency gives it, on the case as an officer records it."""

    status = RadioField("The agency's answer", widget=GovRadioInput(),
                        choices=_choices(("acknowledged", "accepted", "declined", "completed")),
                        validators=[_required("Choose the agency’s answer")])
    note = TextAreaField("Note", widget=GovTextArea(), validators=[Optional(), Length(max=2000)])
    outcome = TextAreaField("Outcome (when completed)", widget=GovTextArea(), validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Record the answer", widget=GovSubmitInput())

    def payload(self) -> dict[str, Any]:
        return {"status": self.status.data, "note": self.note.data or None, "outcome": self.outcome.data or None}


class AgencyResponseForm(CaseForm, AgencyAnswerForm):
    """The agency's answer recorded by an officer on the case (with the case's version)."""


class SendToAgencyForm(CaseForm):
    submit = SubmitField("Send to the agency", widget=GovSubmitInput())

    def payload(self) -> dict[str, Any]:
        return {}


class ContactForm(CaseForm):
    method = SelectField("How", widget=GovSelect(), choices=_choices(rules.CONTACT_METHODS, "Choose how"),
                         validators=[_required("Choose how contact was made")])
    notes = TextAreaField("Notes", widget=GovTextArea(), validators=[Optional(), Length(max=5000)])
    submit = SubmitField("Record contact", widget=GovSubmitInput())

    def payload(self) -> dict[str, Any]:
        return {"method": self.method.data, "made_at": None, "notes": self.notes.data or None}


class NoteForm(CaseForm):
    text = TextAreaField("Note", widget=GovTextArea(),
                         validators=[_required("Enter the note"), Length(max=10000)])
    category = RadioField("Kind of note", widget=GovRadioInput(), choices=[
        ("general", "General"), ("safeguarding", "Safeguarding (restricted)"), ("health", "Health (restricted)")],
        default="general", validators=[_required("Choose the kind of note")])
    submit = SubmitField("Add the note", widget=GovSubmitInput())

    def payload(self) -> dict[str, Any]:
        return {"text": self.text.data, "category": self.category.data}


class RiskForm(CaseForm):
    risk_level = RadioField("New risk level", widget=GovRadioInput(), choices=_choices(rules.RISK_LEVELS),
                            validators=[_required("Choose the new risk level")])
    reason = TextAreaField("Why the risk has changed", widget=GovTextArea(),
                           validators=[_required("Enter why the risk has changed"), Length(max=2000)])
    submit = SubmitField("Change the risk", widget=GovSubmitInput())

    def payload(self) -> dict[str, Any]:
        return {"risk_level": self.risk_level.data, "reason": self.reason.data}


class BreakGlassForm(FlaskForm):
    reason = TextAreaField("Why you need to see the restricted details now", widget=GovTextArea(),
                           description="Your reason is recorded and the team's manager is told.",
                           validators=[_required("Enter why you need to see the restricted details"),
                                       Length(max=500)])
    submit = SubmitField("Show the restricted details", widget=GovSubmitInput())


# -- assignment and closure ------------------------------------------------------------------------


class AssignForm(CaseForm):
    officer_id = StringField("Officer", widget=GovTextInput(),
                             description="The officer’s id in the directory, for example o-tso",
                             validators=[_required("Enter the officer to assign the case to"), Length(max=200)])
    submit = SubmitField("Assign", widget=GovSubmitInput())

    def payload(self) -> dict[str, Any]:
        return {"officer_id": self.officer_id.data.strip()}


class ClosureForm(CaseForm):
    outcome = RadioField("Outcome", widget=GovRadioInput(), choices=_choices(rules.CLOSURE_OUTCOMES),
                         validators=[_required("Choose the case’s outcome")])
    summary = TextAreaField("Summary", widget=GovTextArea(),
                            validators=[_required("Enter a summary of the case's outcome"), Length(max=5000)])
    submit = SubmitField("Close the case", widget=GovSubmitInput())

    def payload(self) -> dict[str, Any]:
        return {"outcome": self.outcome.data, "summary": self.summary.data}


# -- the API's own check -----------------------------------------------------------------------------


def checked(form: FlaskForm, schema: ma.Schema) -> dict[str, Any] | None:
    """The form's values loaded by the API's ``schema`` (the same rules as the API), or None with
    its refusals put on the form's fields."""
    try:
        return schema.load(form.payload())
    except ma.ValidationError as exc:
        _place(form, exc.normalized_messages())
        if hasattr(form, "gather_errors"):
            form.gather_errors()
        return None


def _place(form, messages: dict) -> None:
    for name, found in messages.items():
        target = field_named(form, name)
        if isinstance(found, dict) and target is not None and hasattr(target, "entries"):
            for index, inner in found.items():
                if str(index).isdigit() and int(index) < len(target.entries):
                    _place(target.entries[int(index)].form, inner)
            continue
        text = found if isinstance(found, str) else "; ".join(str(m) for m in found) if isinstance(found, list) else str(found)
        field = target if target is not None and not hasattr(target, "entries") else first_field(form)
        field.errors = [*field.errors, text]


_PAGE_NAMES = {"scheduled_for": "day", "visited_at": "day", "risks_identified": "risks"}


def field_named(form, name: str):
    return getattr(form, _PAGE_NAMES.get(name, name), None)


def first_field(form):
    return next(field for field in form if field.type not in ("CSRFTokenField", "HiddenField"))
