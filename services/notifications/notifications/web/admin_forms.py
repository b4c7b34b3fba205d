"""The directory pages' forms (Flask-WTF: each post carries its CSRF token), in the officers' words."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import DateField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from casework.auth import ROLES
from casework.pages.forms import DateInput

ROLE_NAMES = {role: role.replace("_", " ").capitalize() for role in ROLES}


class TeamFilterForm(FlaskForm):
    """The directory's filter: a GET form (nothing changes, so no CSRF token)."""

    class Meta:
        csrf = False

    team = SelectField("Team", widget=GovSelect(), validators=[Optional()], choices=[])
    submit = SubmitField("Show officers", widget=GovSubmitInput())


class OfficerForm(FlaskForm):
    """An officer's name, e-mail, teams and roles (the API's ``OfficerUpdate``)."""

    name = StringField("Full name", widget=GovTextInput(),
                       validators=[DataRequired(message="Enter the officer’s name"),
                                   Length(max=200, message="Name must be 200 characters or fewer")])
    email = StringField("Email address", widget=GovTextInput(),
                        validators=[DataRequired(message="Enter the officer’s email address"),
                                    Regexp(r"^\s*[^@\s]+@[^@\s]+\.[^@\s]+\s*$", message="Enter an email address in the correct format, like name@example.com"),
                                    Length(max=320, message="Email address must be 320 characters or fewer")])
    teams = SelectMultipleField("Teams", widget=GovCheckboxesInput(), choices=[], validators=[Optional()],
                                description="Select all that apply")
    roles = SelectMultipleField("Roles", widget=GovCheckboxesInput(), choices=list(ROLE_NAMES.items()),
                                validators=[DataRequired(message="Select at least one role")],
                                description="Select all that apply")
    submit = SubmitField("Save changes", widget=GovSubmitInput())

    def changes(self) -> dict:
        return {"name": self.name.data.strip(), "email": self.email.data.strip(), "teams": list(self.teams.data),
                "roles": list(self.roles.data)}


class NewOfficerForm(OfficerForm):
    """Add an officer: their sign-in id first."""

    id = StringField("Sign-in id", widget=GovTextInput(), description="As their sign-in knows them, for example o-jsmith",
                     validators=[DataRequired(message="Enter the officer’s sign-in id"),
                                 Length(max=200, message="Sign-in id must be 200 characters or fewer"),
                                 Regexp(r"^\S+$", message="Sign-in id must not contain spaces")])
    submit = SubmitField("Add officer", widget=GovSubmitInput())

    def details(self) -> dict:
        return {"id": self.id.data.strip(), **self.changes()}


class AwayForm(FlaskForm):
    """Mark an officer away and give their open tasks to a colleague (the API's ``OfficerAway``)."""

    away_from = DateField("First day away (optional)", widget=DateInput(), format="%d %m %Y",
                          validators=[Optional()], description="Leave blank for today. For example, 27 3 2027")
    until = DateField("Last day away (optional)", widget=DateInput(), format="%d %m %Y",
                      validators=[Optional()], description="Leave blank if you do not know. For example, 10 4 2027")
    tasks_to = SelectField("Who takes their tasks?", widget=GovSelect(), choices=[],
                           validators=[DataRequired(message="Select the colleague who takes their tasks")],
                           description="All their open tasks move now; new ones go to this colleague while they are away")
    reason = StringField("Reason (optional)", widget=GovTextInput(), description="For example, annual leave",
                         validators=[Optional(), Length(max=500, message="Reason must be 500 characters or fewer")])
    submit = SubmitField("Mark away and move their tasks", widget=GovSubmitInput())
