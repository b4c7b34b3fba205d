"""What the homes and register pages share: a use case's refusal put on the form that asked, and a
refused form's page drawn again with the reads it made kept (they are audited like any other)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import after_this_request, flash, redirect
from werkzeug.exceptions import NotFound as NotFoundPage

from casework.pages.formats import govuk_date, govuk_datetime
from casework.web import db_session
from lettings.letting import Invalid, NotAllowed, NotFound

from .homes_forms import first_field, place, words

STATUS_TAG = {"active": "govuk-tag--green", "suspended": "govuk-tag--yellow", "housed": "govuk-tag--blue",
              "cancelled": "govuk-tag--grey"}


def helpers() -> dict:
    return {"words": words, "status_tag": STATUS_TAG, "govuk_date": govuk_date, "govuk_datetime": govuk_datetime}


class Refused(Exception):
    """A form the officer must correct: its page is drawn again with its errors, at ``status``."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


@contextmanager
def refusals(form=None) -> Iterator[None]:
    """``Invalid`` on its field (422), ``NotAllowed`` in the error summary (409) with the use case's
    words; ``NotFound`` is the 404 page."""
    try:
        yield
    except NotFound as exc:
        raise NotFoundPage(str(exc)) from exc
    except NotAllowed as exc:
        if form is None:
            raise
        field = first_field(form)
        field.errors = [*field.errors, str(exc)]
        raise Refused(409) from exc
    except Invalid as exc:
        if form is None:
            raise
        place(form, {exc.field: exc.messages})
        raise Refused(422) from exc


def keep_what_the_page_shows() -> None:
    """The refused change is dropped, the page's own (audited) reads kept: the kernel rolls back
    4xx answers, so commit what the page read after it is drawn."""
    session = db_session()
    session.rollback()

    @after_this_request
    def _commit(response):
        session.commit()
        return response


def done(url: str, message: str):
    flash(message, "success")
    return redirect(url, 303)
