"""The kernel's own forms (Flask-WTF: each carries its CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.validators import InputRequired


class DevSignInForm(FlaskForm):
    officer = RadioField("Which officer are you?", widget=GovRadioInput(),
                         validators=[InputRequired(message="Select the officer you are signing in as")])
    submit = SubmitField("Sign in as this officer", widget=GovSubmitInput())
