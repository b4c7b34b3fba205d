"""The kernel's own forms (Flask-WTF: each carries its CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovRadioInput, GovSubmitInput
from wtforms import DateField, RadioField, SubmitField
from wtforms.validators import InputRequired, Optional


class DateInput(GovDateInput):
    """GOV.UK's day, month and year, drawn again as typed even when fewer than three came back
    (govuk-frontend-wtf's own widget expects all three, and fails on a form posted with fewer)."""

    def map_gov_params(self, field, **kwargs):
        raw = field.raw_data
        field.raw_data = (list(raw) + ["", "", ""])[:3] if raw else None
        try:
            return super().map_gov_params(field, **kwargs)
        finally:
            field.raw_data = raw


def date_field(label: str, what: str | None = None, *, hint: str = "For example, 27 3 2027") -> DateField:
    """A day, month and year field: required with "Enter <what>" when ``what`` is given, else
    optional (whether a date is needed is then the use case's or the API schema's to say)."""
    validators = [InputRequired(message=f"Enter {what}")] if what else [Optional()]
    return DateField(label, widget=DateInput(), format="%d %m %Y", validators=validators, description=hint)


class DevSignInForm(FlaskForm):
    officer = RadioField("Which officer are you?", widget=GovRadioInput(),
                         validators=[InputRequired(message="Select the officer you are signing in as")])
    submit = SubmitField("Sign in as this officer", widget=GovSubmitInput())
