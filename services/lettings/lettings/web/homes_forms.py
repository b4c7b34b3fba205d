"""The forms of the homes and register pages (Flask-WTF, each with its CSRF token), with GOV.UK
widgets. A form only gathers what was typed (``payload``): the API's own schema then checks it
(``checked``), so a page refuses what the API refuses, naming the same field on the form."""

from __future__ import annotations

import datetime as dt
from typing import Any

import marshmallow as ma
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
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
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Optional

from casework.pages.forms import date_field
from lettings.policy import current as current_policy
from lettings.schemas.applicants import REASONABLE_PREFERENCE, RELATIONSHIPS, SUPPORT_NEEDS
from lettings.schemas.offers import TENANCY_END_REASONS
from lettings.schemas.properties import PROPERTY_TYPES, VOID_REASONS


def words(code: str | None) -> str:
    """A code as officers say it: ``tenant_moved_out`` → "Tenant moved out"."""
    return (code or "").replace("_", " ").capitalize()


def _choices(codes, blank: str | None = None) -> list[tuple[str, str]]:
    return ([("", blank)] if blank is not None else []) + [(code, words(code)) for code in codes]




def _text(label: str, **kwargs) -> StringField:
    return StringField(label, widget=GovTextInput(), **kwargs)


def _blank(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


class PagesForm(FlaskForm):
    #: Where the API schema's field (dotted for nested ones) is on this form.
    FIELDS: dict[str, str] = {}

    def payload(self) -> dict[str, Any]:
        raise NotImplementedError

    def field_for(self, name: str):
        return getattr(self, self.FIELDS.get(name, name.replace(".", "_")), None) or first_field(self)


def first_field(form):
    return next(field for field in form if field.type not in ("CSRFTokenField", "HiddenField"))


def _flatten(messages: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(messages, dict):
        found = []
        for key, inner in messages.items():
            name = "" if key == "_schema" else str(key)
            found += _flatten(inner, f"{prefix}.{name}".strip(".") if name else prefix)
        return found
    if isinstance(messages, list | tuple):
        return [(prefix, str(m)) for m in messages if not isinstance(m, dict | list)] + \
            [pair for m in messages if isinstance(m, dict | list) for pair in _flatten(m, prefix)]
    return [(prefix, str(messages))]


def place(form: PagesForm, messages: Any) -> None:
    """Each refusal on the field it names (``household.0.name`` → the first member's name)."""
    for name, message in _flatten(messages):
        field = form.field_for(name) if name else first_field(form)
        field.errors = [*field.errors, message]
    _settle(form)


def _settle(form) -> None:
    """A list of people keeps the errors it found when the form was checked: the errors put on
    its people since must count too (in the error summary)."""
    household = getattr(form, "household", None)
    if household is not None:
        found = [entry.errors for entry in household.entries]
        household.errors = found if any(found) else []


def checked(form: PagesForm, schema: ma.Schema) -> dict[str, Any] | None:
    """The form's values loaded by the API's ``schema``, or None with its refusals on the form."""
    if not form.validate():
        return None
    try:
        return schema.load(form.payload())
    except ma.ValidationError as exc:
        place(form, exc.normalized_messages())
        return None


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


# -- homes --------------------------------------------------------------------------------------


class PropertyForm(PagesForm):
    address = _text("Address", description="As on the tenancy agreement, with the postcode")
    uprn = _text("UPRN (optional)", description="The home's unique property reference number")
    property_type = SelectField("Type of home", widget=GovSelect(), choices=_choices(PROPERTY_TYPES, "Choose a type"), validators=[Optional()])
    bedrooms = _text("Bedrooms")
    floor = _text("Floor", description="0 for the ground floor, -1 for a basement", default="0")
    wheelchair_accessible = BooleanField("Wheelchair accessible", widget=GovCheckboxInput())
    sensitive_let = BooleanField("Sensitive let", widget=GovCheckboxInput())
    min_age = _text("Minimum age (optional)", description="For homes let to older people only")
    weekly_rent = _text("Weekly rent, in pounds", description="For example, 98.50")
    service_charge = _text("Weekly service charge, in pounds", default="0.00")
    submit = SubmitField("Add the home", widget=GovSubmitInput())

    def payload(self) -> dict[str, Any]:
        data = {name: _blank(getattr(self, name).data) for name in
                ("address", "uprn", "property_type", "bedrooms", "floor", "min_age", "weekly_rent", "service_charge")}
        for name in ("floor", "service_charge"):
            if data[name] is None:
                del data[name]
        data["wheelchair_accessible"] = bool(self.wheelchair_accessible.data)
        data["sensitive_let"] = bool(self.sensitive_let.data)
        return data


class VoidForm(PagesForm):
    void_date = date_field("When did the home go void?")
    reason = SelectField("Why", widget=GovSelect(), choices=_choices(VOID_REASONS, "Choose a reason"), validators=[Optional()])
    ready_to_let_date = date_field("When is it ready to let? (optional)")
    submit = SubmitField("Make the home void", widget=GovSubmitInput())

    def payload(self) -> dict[str, Any]:
        return {"void_date": _iso(self.void_date.data), "reason": _blank(self.reason.data),
                "ready_to_let_date": _iso(self.ready_to_let_date.data)}


class EndTenancyForm(PagesForm):
    tenancy = HiddenField()
    end_date = date_field("When does the tenancy end?")
    reason = SelectField("Why", widget=GovSelect(), choices=_choices(TENANCY_END_REASONS, "Choose a reason"), validators=[Optional()])
    submit = SubmitField("End the tenancy", widget=GovSubmitInput())

    def payload(self) -> dict[str, Any]:
        return {"end_date": _iso(self.end_date.data), "reason": _blank(self.reason.data)}


# -- the register --------------------------------------------------------------------------------


def _bands() -> list[tuple[str, str]]:
    return [("", "Choose a band")] + [(band, band) for band in current_policy().bands]


class MemberForm(Form):
    name = _text("Full name")
    date_of_birth = date_field("Date of birth")
    sex = SelectField("Sex", widget=GovSelect(), choices=[("", "Choose"), ("F", "Female"), ("M", "Male")], validators=[Optional()])
    relationship = SelectField("Relationship to the applicant", widget=GovSelect(),
                               choices=_choices(RELATIONSHIPS, "Choose"), validators=[Optional()])

    def filled(self) -> bool:
        return bool(_blank(self.name.data) or self.date_of_birth.data or self.sex.data or self.relationship.data)

    def kept(self) -> bool:
        """In the household the form sends (a row left empty is not)."""
        return self.filled()

    def payload(self) -> dict[str, Any]:
        return {"name": _blank(self.name.data) or "", "date_of_birth": _iso(self.date_of_birth.data),
                "sex": self.sex.data or None, "relationship": self.relationship.data or None}


class ChangedMemberForm(MemberForm):
    """A person on a change of circumstances: as recorded (to change, or remove), or someone joining."""

    remove = BooleanField("Remove this person from the household", widget=GovCheckboxInput())

    def kept(self) -> bool:
        return self.filled() and not self.remove.data


def _member(member) -> dict[str, Any]:
    return {"name": member.name, "date_of_birth": member.date_of_birth, "sex": member.sex,
            "relationship": member.relationship}


class _Circumstances(PagesForm):
    """What registering and a change of circumstances both ask."""

    wheelchair = BooleanField("Needs a wheelchair-accessible home", widget=GovCheckboxInput())
    ground_floor = BooleanField("Needs the ground floor", widget=GovCheckboxInput())
    monthly_net = _text("Monthly income after tax, in pounds (optional)")
    monthly_outgoings = _text("Monthly outgoings, in pounds (optional)")
    support_needs = SelectMultipleField("Support needs", widget=GovCheckboxesInput(), choices=_choices(SUPPORT_NEEDS),
                                        validators=[Optional()])
    reasonable_preference = SelectMultipleField("Reasonable preference", widget=GovCheckboxesInput(),
                                                choices=_choices(REASONABLE_PREFERENCE), validators=[Optional()])
    phone = _text("Phone (optional)")
    email = _text("Email (optional)")

    def circumstances(self) -> dict[str, Any]:
        return {"needs": {"wheelchair": bool(self.wheelchair.data), "ground_floor": bool(self.ground_floor.data)},
                "income": {"monthly_net": _blank(self.monthly_net.data),
                           "monthly_outgoings": _blank(self.monthly_outgoings.data)},
                "support_needs": list(self.support_needs.data or []),
                "reasonable_preference": list(self.reasonable_preference.data or []),
                "contact": {"phone": _blank(self.phone.data), "email": _blank(self.email.data)}}

    def field_for(self, name: str):
        parts = name.split(".")
        if parts[0] == "household" and hasattr(self, "household") and self.household.entries:
            kept = [entry for entry in self.household.entries if entry.form.kept()] or self.household.entries
            if len(parts) == 1:  # the household as a whole (one applicant, say): on its first person
                return kept[0].form.relationship
            entry = kept[int(parts[1])] if parts[1].isdigit() and int(parts[1]) < len(kept) else kept[0]
            return getattr(entry.form, parts[2], entry.form.name) if len(parts) > 2 else entry.form.name
        if parts[0] in ("needs", "income", "contact") and len(parts) > 1:
            return getattr(self, parts[1], None) or first_field(self)
        return super().field_for(name)


class RegisterForm(_Circumstances):
    household = FieldList(FormField(MemberForm), min_entries=4, max_entries=20)
    band = SelectField("Band", widget=GovSelect(), choices=[], validators=[Optional()])
    effective_date = date_field("Band effective date")
    application_date = date_field("Date of application (optional)")
    submit = SubmitField("Register the applicant", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.band.choices = _bands()

    def payload(self) -> dict[str, Any]:
        data = {"household": [e.form.payload() for e in self.household.entries if e.form.filled()],
                "band": self.band.data or None, "effective_date": _iso(self.effective_date.data),
                **self.circumstances()}
        if self.application_date.data:
            data["application_date"] = _iso(self.application_date.data)
        return data


class ChangeForm(_Circumstances):
    """A change of circumstances, filled in with the applicant as read (``version``)."""

    FIELDS = {"band_change.reason": "band_reason", "band_change.decision_date": "decision_date",
              "band_change": "band_reason"}

    version = HiddenField()
    #: The people as recorded, then empty rows for anyone joining (a change with no rows leaves it be).
    household = FieldList(FormField(ChangedMemberForm), min_entries=0, max_entries=24)
    band = SelectField("Band", widget=GovSelect(), choices=[], validators=[Optional()])
    effective_date = date_field("Band effective date")
    band_reason = TextAreaField("Why the band or effective date moved", widget=GovTextArea(),
                                description="Only when the band or its effective date changes")
    decision_date = date_field("Date of the decision")
    submit = SubmitField("Record the change", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.band.choices = _bands()

    #: Empty rows under the household for people joining.
    JOINING = 2

    @classmethod
    def for_applicant(cls, applicant, version: str) -> ChangeForm:
        form = cls(formdata=None, data={
            "version": version, "household": [_member(m) for m in applicant.household],
            "band": applicant.band, "effective_date": applicant.effective_date,
            "wheelchair": applicant.needs_wheelchair, "ground_floor": applicant.needs_ground_floor,
            "monthly_net": "" if applicant.monthly_net_income is None else f"{applicant.monthly_net_income:.2f}",
            "monthly_outgoings": "" if applicant.monthly_outgoings is None else f"{applicant.monthly_outgoings:.2f}",
            "support_needs": list(applicant.support_needs or []),
            "reasonable_preference": list(applicant.reasonable_preference or []),
            "phone": applicant.phone or "", "email": applicant.email or ""})
        for _ in range(cls.JOINING):
            form.household.append_entry()
        return form

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.household.entries and not any(e.form.kept() for e in self.household.entries):
            first = self.household.entries[0].form.remove
            first.errors = [*first.errors, "Keep the applicant in the household: a household cannot be empty"]
            _settle(self)
            return False
        return valid

    def payload_against(self, applicant) -> dict[str, Any]:
        """What changed from the applicant as it stands: the household (whole) and the band and
        effective date only when they moved (the band with its decision), the rest given whole."""
        data = self.circumstances()
        if self.household.entries:
            household = [e.form.payload() for e in self.household.entries if e.form.kept()]
            recorded = [{**_member(m), "date_of_birth": _iso(m.date_of_birth)} for m in applicant.household]
            if household != recorded:
                data["household"] = household
        if self.band.data and self.band.data != applicant.band:
            data["band"] = self.band.data
        if self.effective_date.data and self.effective_date.data != applicant.effective_date:
            data["effective_date"] = _iso(self.effective_date.data)
        if _blank(self.band_reason.data) or self.decision_date.data:
            data["band_change"] = {"reason": _blank(self.band_reason.data) or "",
                                   "decision_date": _iso(self.decision_date.data)}
        return data


class StatusForm(PagesForm):
    status = RadioField("What happens to the application?", widget=GovRadioInput(), choices=[
        ("suspended", "Suspend it"), ("active", "Reinstate it"), ("cancelled", "Cancel it")], validators=[Optional()])
    reason = TextAreaField("Reason", widget=GovTextArea())
    until = date_field("Suspended until (optional)")
    submit = SubmitField("Change the status", widget=GovSubmitInput())

    def payload(self) -> dict[str, Any]:
        return {"status": self.status.data or None, "reason": _blank(self.reason.data) or "",
                "until": _iso(self.until.data)}
