"""The inbox's forms (Flask-WTF: each carries its CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Length


class CloseTaskForm(FlaskForm):
    """Close a task by hand. Whether a reason is needed, and who may close which task, is the use
    case's to say (``tasks.complete``): its refusal comes back to the ``reason`` field."""

    #: As long as the API takes (``schemas.TaskClosing``).
    reason = TextAreaField("Why are you closing this task?", widget=GovTextArea(),
                           validators=[Length(max=2000, message="Say why in 2,000 characters or fewer")])
    submit = SubmitField("Mark as done", widget=GovSubmitInput())
