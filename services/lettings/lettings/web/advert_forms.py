"""The forms for letting a home (Flask-WTF, each with its CSRF token), with GOV.UK widgets and
messages in the officer's words, and what the advert and offer pages share: who may see them, a
use case's refusal put on the form that asked, and the page drawn again with it.

A form checks what it is given (required, lengths, a date that is a date); what the home, advert
or offer allows is the use case's to say (``lettings.letting``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import after_this_request
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from werkzeug.exceptions import Conflict
from werkzeug.exceptions import NotFound as NotFoundPage
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from casework.pages.formats import govuk_date, govuk_datetime
from casework.pages.forms import date_field
from casework.web import db_session
from casework.workdays import LONDON
from lettings.access import OFFICERS
from lettings.letting import Invalid, NotAllowed, NotFound

#: Letting homes is lettings officers' and team leaders' work (admin always passes), as on the API.
LETTINGS_OFFICERS = OFFICERS

#: The words for each letter an offer may have.
LETTER_TITLES = {"offer": "Offer letter", "refusal": "Refusal letter", "withdrawal": "Withdrawal letter"}

OFFER_TAG = {"pending": "govuk-tag--yellow", "accepted": "govuk-tag--blue", "signed_up": "govuk-tag--green",
             "refused": "govuk-tag--red", "withdrawn": "govuk-tag--grey", "expired": "govuk-tag--grey"}
ADVERT_TAG = {"open": "govuk-tag--blue", "closed": "govuk-tag--grey", "let": "govuk-tag--green"}
CHECK_TAG = {"pass": "govuk-tag--green", "refer": "govuk-tag--yellow", "fail": "govuk-tag--red"}


def words(code: str | None) -> str:
    return (code or "").replace("_", " ").capitalize()


def when(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return govuk_datetime(value)
    return govuk_date(value)


def money(value: Any) -> str:
    return "" if value is None else f"£{value:,.2f}" if value >= 0 else f"−£{-value:,.2f}"


def helpers() -> dict[str, Any]:
    return {"words": words, "when": when, "money": money, "offer_tag": OFFER_TAG, "advert_tag": ADVERT_TAG,
            "check_tag": CHECK_TAG, "letter_titles": LETTER_TITLES}


def _required(message: str):
    return InputRequired(message=message)


def _reason(label: str, what: str, *, optional: bool = False, hint: str | None = None) -> TextAreaField:
    validators = [Optional()] if optional else [_required(f"Enter {what}")]
    return TextAreaField(label, widget=GovTextArea(), description=hint,
                         validators=[*validators, Length(max=500, message=f"{what.capitalize()} must be 500 characters or fewer")])



def _reasonable(label: str, message: str) -> RadioField:
    return RadioField(label, widget=GovRadioInput(), validators=[_required(message)],
                      choices=[("yes", "Yes, it does not count towards a suspension"),
                               ("no", "No, it counts towards a suspension")])


class ButtonForm(FlaskForm):
    """A button that asks nothing (close bidding, accept, run the checks): only its CSRF token."""


class AdvertiseForm(FlaskForm):
    FIELDS = {"closes_at": "closes_on"}
    closes_on = date_field("When does bidding close?", "the date bidding closes")
    submit = SubmitField("Advertise the home", widget=GovSubmitInput())

    def closes_at(self) -> dt.datetime:
        """Bidding closes at the end of the day given (23:59 in London), as UTC."""
        return dt.datetime.combine(self.closes_on.data, dt.time(23, 59), tzinfo=LONDON).astimezone(dt.UTC)


def _applicant_reference() -> StringField:
    return StringField("Applicant’s reference", widget=GovTextInput(), description="For example, A-000012",
                       validators=[_required("Enter the applicant’s reference"), Length(max=40)])


class BidForm(FlaskForm):
    FIELDS = {"applicant_id": "applicant"}
    applicant = _applicant_reference()
    submit = SubmitField("Place the bid", widget=GovSubmitInput())


class DirectOfferForm(FlaskForm):
    """A void home offered to an applicant without an advert (a direct match), with the reason."""

    FIELDS = {"applicant_id": "applicant"}
    applicant = _applicant_reference()
    direct_match_reason = _reason("Why is the home offered directly?", "why the home is offered directly",
                                  hint="For example, an urgent move agreed by the panel")
    submit = SubmitField("Offer the home", widget=GovSubmitInput())


class OfferForm(FlaskForm):
    applicant_id = RadioField("Who is the home offered to?", widget=GovRadioInput(), choices=[],
                              validators=[_required("Choose who the home is offered to")])
    bypass_reason = _reason("Why are higher-ranked bidders passed over?", "why higher-ranked bidders are passed over",
                            optional=True, hint="Needed only when the home is not offered to the top bidder")
    submit = SubmitField("Make the offer", widget=GovSubmitInput())


class RefuseForm(FlaskForm):
    reason_code = RadioField("Why did the applicant refuse?", widget=GovRadioInput(), choices=[],
                             validators=[_required("Choose why the applicant refused")])
    reason = _reason("The applicant’s reason, in their words", "the applicant’s reason")
    reasonable = _reasonable("Is the refusal reasonable?", "Choose whether the refusal is reasonable")
    submit = SubmitField("Record the refusal", widget=GovSubmitInput())

    @classmethod
    def for_policy(cls, policy, **kwargs) -> RefuseForm:
        form = cls(**kwargs)
        form.reason_code.choices = list(policy.refusal_reasons)
        return form


class ReviewForm(FlaskForm):
    """The council's review of whether a refusal was reasonable: once, with why."""

    reasonable = _reasonable("On review, was the refusal reasonable?", "Choose whether the refusal was reasonable")
    reason = _reason("Why, as the review decided", "why the review decided so")
    submit = SubmitField("Record the review", widget=GovSubmitInput())


class WithdrawForm(FlaskForm):
    reason = _reason("Why is the offer withdrawn?", "why the offer is withdrawn")
    submit = SubmitField("Withdraw the offer", widget=GovSubmitInput())


class SignUpForm(FlaskForm):
    tenancy_start = date_field("When does the tenancy start?", "the date the tenancy starts")
    tenancy_type = SelectField("Tenancy type", widget=GovSelect(), validators=[Optional()],
                               choices=[("", "As the policy says for this applicant"), ("introductory", "Introductory"),
                                        ("secure", "Secure")])
    override_reason = _reason("Why sign up although the checks failed?", "why the tenancy is signed up regardless",
                              optional=True, hint="Needed only when the pre-tenancy checks failed")
    submit = SubmitField("Sign the tenancy up", widget=GovSubmitInput())


def problems(form) -> list[dict[str, str]]:
    """The error summary's list: each field's errors, linked to the field (a button's to the page)."""
    found = []
    for f in form or ():
        for message in f.errors if isinstance(f.errors, list) else []:
            found.append({"text": message, "href": f"#{f.id}" if f.type != "CSRFTokenField" else "#main-content"})
    return found


class Refused(Exception):
    """A form the officer must correct (422), or a state that does not allow it (409)."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def _asked(form) -> list:
    return [f for f in form if f.type not in ("CSRFTokenField", "SubmitField", "HiddenField")]


def _field_for(form, name: str | None):
    """The form's field a use case names (``FIELDS`` maps the API's names to the form's); for a
    button, its CSRF token (the summary then links to the page)."""
    asked = _asked(form)
    if not asked:
        return form.csrf_token
    name = getattr(form, "FIELDS", {}).get(name, name)
    return next((f for f in asked if f.name == name), asked[0])


def _add_error(field, message: str) -> None:
    field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]


@contextmanager
def refusals(form) -> Iterator[None]:
    """A use case's refusal on the form that asked: ``Invalid`` on its field (or the first) with
    every reason (422), ``NotAllowed`` in the error summary (409); 404 as the kernel's page."""
    try:
        yield
    except Invalid as exc:
        if form is None:
            raise
        field = _field_for(form, exc.field)
        for message in exc.messages:
            _add_error(field, message)
        raise Refused(422) from exc
    except NotAllowed as exc:
        if form is None:
            raise Conflict(str(exc)) from exc
        _add_error(_field_for(form, None), str(exc))
        raise Refused(409) from exc
    except NotFound as exc:
        raise NotFoundPage(str(exc)) from exc


def keep_what_the_page_shows() -> None:
    """A refused form's page shows the record again, and that read is audited like any other: the
    refused change is dropped and the page's reads kept (the kernel rolls back 4xx answers)."""
    session = db_session()
    session.rollback()

    @after_this_request
    def _commit(response):
        session.commit()
        return response
