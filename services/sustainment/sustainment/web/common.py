"""What the case pages share: who may see them, the case page drawn with its forms (and the forms
with pages of their own, ``work_pages``), and a use case's refusal put on the form that asked."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import after_this_request, flash, redirect, url_for
from werkzeug.exceptions import Conflict
from werkzeug.exceptions import Forbidden as ForbiddenPage
from werkzeug.exceptions import NotFound as NotFoundPage

from casework.db import utcnow
from casework.pages import render
from casework.pages.formats import govuk_date, govuk_datetime
from casework.web import db_session
from sustainment import rules
from sustainment.cases import Forbidden, Invalid, NotFound, reading
from sustainment.policy import current as policy
from sustainment.web import forms
from sustainment.web.forms import words

#: Case work is done by sustainment officers and team leaders (admin always passes), as on the API.
CASEWORKERS = ("sustainment_officer", "team_leader")

RISK_TAG = {"low": "govuk-tag--green", "medium": "govuk-tag--yellow", "high": "govuk-tag--orange",
            "critical": "govuk-tag--red"}
STATUS_TAG = {"open": "govuk-tag--grey", "allocated": "govuk-tag--light-blue", "active": "govuk-tag--blue",
              "closed": "govuk-tag--grey"}

#: Each form on the case page, by the name the template knows it by (the visit and agency-referral
#: forms have pages of their own: ``work_pages``).
FORMS = {"contact": forms.ContactForm, "note": forms.NoteForm, "risk": forms.RiskForm, "assign": forms.AssignForm,
         "break_glass": forms.BreakGlassForm}


@functools.lru_cache(maxsize=4096)
def on_day(iso: str | None) -> str:
    """A plan's date (kept as ``2027-03-27``) as GOV.UK writes it."""
    return govuk_date(dt.date.fromisoformat(iso)) if iso else ""


@functools.lru_cache(maxsize=4096)
def when(iso: str | None) -> str:
    """A date or time as the API gives it (ISO) as GOV.UK writes it. Kept by the text: a case page
    writes 170 of them (every visit, note, contact and timeline entry), most seen on its last
    reading, each a parse and a conversion to London's time."""
    if not iso:
        return ""
    if len(iso) == 10:
        return on_day(iso)
    return govuk_datetime(dt.datetime.fromisoformat(iso))


def agency_name(referral: dict[str, Any]) -> str:
    """A directory agency's name as it is; an old referral's agency code in words."""
    return referral["agency"] if referral.get("agency_id") else words(referral["agency"])


def helpers() -> dict[str, Any]:
    return {"words": words, "agency_name": agency_name, "risk_tag": RISK_TAG, "status_tag": STATUS_TAG, "on_day": on_day, "when": when}


def case_url(case) -> str:
    return url_for("case_pages.case", key=case.reference)


def done(case, message: str, anchor: str = ""):
    """Post, then redirect back to the case (to the section the work was done in)."""
    flash(message, "success")
    return redirect(case_url(case) + (f"#{anchor}" if anchor else ""), 303)


def case_page(key: str, *, status: int = 200, break_glass_reason: str | None = None, **given: Any):
    """The case page: the case read whole (``reading.read_case``, audited as the API's read is),
    with every form, those in ``given`` as the officer filled them in."""
    with refusals(None):
        view = reading.read_case(db_session(), key, break_glass_reason=break_glass_reason, policy=policy(),
                                 now=utcnow())
    # Each form's fields are named after it (``schedule-day``, ``made-day``): one page, no two ids alike.
    made = {name: given.get(name) or form(formdata=None, data={"version": view.version}, prefix=name)
            for name, form in FORMS.items()}
    made["assign"] = given.get("assign") or forms.AssignForm(formdata=None, prefix=view.case.reference)
    outcome_forms = {str(v.id): forms.VisitOutcomeForm(formdata=None, data={"version": view.version}, prefix=f"v{i}")
                     for i, v in enumerate(view.case.visits) if v.status == "scheduled"}
    if given.get("outcome") is not None:
        outcome_forms[given["visit_id"]] = given["outcome"]
    answer_forms = {str(r.id): forms.AgencyResponseForm(formdata=None, data={"version": view.version}, prefix=f"a{i}")
                    for i, r in enumerate(view.case.agency_referrals) if rules.agency_may_still_answer(r.status)}
    if given.get("answer") is not None:
        answer_forms[given["referral_id"]] = given["answer"]
    # A referral the tenant consented to, to an agency that takes referrals from here, not yet answered.
    send_forms = {str(r.id): forms.SendToAgencyForm(formdata=None, data={"version": view.version}, prefix=f"s{i}")
                  for i, r in enumerate(view.case.agency_referrals)
                  if r.consent_given and r.directory_agency is not None and r.directory_agency.delivery != "none"
                  and not rules.agency_answered(r.status)}
    if given.get("sending") is not None:
        send_forms[given["referral_id"]] = given["sending"]
    refused = [f for f in [*made.values(), *outcome_forms.values(), *answer_forms.values(), *send_forms.values()]
               if f.errors]
    return render("sustainment/case.html", status, view=view, case=view.case, forms=made, outcome_forms=outcome_forms,
                  answer_forms=answer_forms, send_forms=send_forms, form=refused[0] if refused else None,
                  now=utcnow(), **helpers())


#: Each form with a page of its own: its class, the page's title and the form's action (endpoint).
FORM_PAGES = {
    "schedule": (forms.ScheduleVisitForm, "Schedule a visit", "case_pages.schedule_visit"),
    "made": (forms.VisitMadeForm, "Record a visit already made", "case_pages.record_visit_made"),
    "agency": (forms.AgencyReferralForm, "Refer to an agency", "case_pages.refer_to_agency"),
}
#: The case page's section each comes back to.
SECTION = {"schedule": "visits", "made": "visits", "agency": "agencies"}


def form_page(key: str, name: str, form=None, *, status: int = 200):
    """The page of the form ``name`` about the case ``key`` (an audited read: the tenant's name is on
    it): ``form`` as the officer filled it in, or a blank one."""
    with refusals(None):
        case = reading.read_for_form(db_session(), key)
    kind, title, action = FORM_PAGES[name]
    return render("sustainment/case_form.html", status, case=case, name=name, title=title, action=action,
                  section=SECTION[name], form=form or kind(formdata=None, prefix=name), **helpers())


def keep_what_the_page_shows() -> None:
    """A refused form's page shows the case again, and that read is audited like any other: the
    refused change is dropped and the page's reads kept (the kernel rolls back 4xx answers)."""
    session = db_session()
    session.rollback()

    @after_this_request
    def _commit(response):
        session.commit()
        return response


@contextmanager
def refusals(form) -> Iterator[None]:
    """A use case's refusal put on the form: ``Invalid`` on its field, a state that does not allow it
    (``IllegalTransition``) in the error summary; 404 and 403 as the kernel's pages."""
    try:
        yield
    except (Invalid, rules.IllegalTransition) as exc:
        if form is None:  # a read: nothing the officer typed to put it on
            raise Conflict(str(exc)) from exc
        if isinstance(exc, rules.IllegalTransition):
            forms.first_field(form).errors = [*forms.first_field(form).errors, str(exc)]
            raise Refused(409) from exc
        field = forms.field_named(form, exc.field) or forms.first_field(form)
        field.errors = [*field.errors, exc.message]
        raise Refused(422) from exc
    except NotFound as exc:
        raise NotFoundPage(str(exc)) from exc
    except Forbidden as exc:
        raise ForbiddenPage(str(exc)) from exc


class Refused(Exception):
    """A form the officer must correct: the page is drawn again with its errors, at ``status``."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def refused_page(key: str, status: int, **given: Any):
    keep_what_the_page_shows()
    return case_page(key, status=status, **given)
