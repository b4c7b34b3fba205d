"""The visit and agency-referral forms on pages of their own (GOV.UK: one thing per page), as the
plan's is: ``/app/cases/{key}/visits/new`` (schedule a visit), ``/app/cases/{key}/visits/made``
(record a visit already made) and ``/app/cases/{key}/agency-referrals/new`` (refer to an agency,
chosen from the directory). Each posts to the case work form it always did (``changes``); a
refused one is its own page again with its errors.

The case page drew them all on every reading of the case: some twenty fields, the directory's
agencies as options among them, were two fifths of its server time (bench/NOTES.md, sustainment)."""

from __future__ import annotations

from casework.context import Principal
from casework.pages import officer_page, render
from casework.web import db_session
from sustainment.cases import reading

from . import forms
from .blueprint import blueprint
from .common import CASEWORKERS, helpers, refusals

#: Each form with a page of its own: its class, the page's title and the form's action (endpoint).
PAGES = {
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
    kind, title, action = PAGES[name]
    return render("sustainment/case_form.html", status, case=case, name=name, title=title, action=action,
                  section=SECTION[name], form=form or kind(formdata=None, prefix=name), **helpers())


@blueprint.get("/app/cases/<key>/visits/new")
@officer_page(*CASEWORKERS)
def new_visit(me: Principal, key: str):
    return form_page(key, "schedule")


@blueprint.get("/app/cases/<key>/visits/made")
@officer_page(*CASEWORKERS)
def visit_made(me: Principal, key: str):
    return form_page(key, "made")


@blueprint.get("/app/cases/<key>/agency-referrals/new")
@officer_page(*CASEWORKERS)
def new_agency_referral(me: Principal, key: str):
    return form_page(key, "agency")
