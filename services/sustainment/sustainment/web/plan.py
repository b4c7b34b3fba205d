"""The plan's own page, ``/app/cases/{key}/plan``: a new version of the plan, agreed under the case's
version as its officer read it (the form's hidden ``version``, as ``If-Match`` on the API). A form
made on an older version is refused with the plan as it is now (409), so nobody's change is
overwritten unseen.

The form is a page of its own, not a tab of the case page: a plan's goals and actions with rows
for new ones are some seventy fields, which every reading of the case would otherwise draw (see
bench/NOTES.md, the case page's server time)."""

from __future__ import annotations

from flask import flash

from casework.context import Principal
from casework.db import utcnow
from casework.pages import officer_page, render
from casework.web import db_session
from sustainment.cases import Stale, plans, reading
from sustainment.policy import current as policy
from sustainment.schemas import PlanUpdate

from . import forms
from .blueprint import blueprint
from .common import CASEWORKERS, Refused, done, helpers, keep_what_the_page_shows, refusals


def _plan_page(key: str, form: forms.PlanForm | None = None, *, status: int = 200, stale: bool = False):
    """The plan as it is now, with the form to change it: ``form`` as the officer filled it in, or
    (none given, or the case changed under it) filled with the current plan."""
    with refusals(form):
        case, version = reading.read_plan(db_session(), key)
    if form is None:
        form = forms.PlanForm.for_plan(case.plan, version, prefix="plan")
    return render("sustainment/plan.html", status, case=case, form=form, stale=stale, **helpers())


@blueprint.get("/app/cases/<key>/plan")
@officer_page(*CASEWORKERS)
def plan(me: Principal, key: str):
    return _plan_page(key)


@blueprint.post("/app/cases/<key>/plan")
@officer_page(*CASEWORKERS)
def agree_plan(me: Principal, key: str):
    form = forms.PlanForm(prefix="plan")
    data = forms.checked(form, PlanUpdate()) if form.validate() else None
    if data is None:
        keep_what_the_page_shows()
        return _plan_page(key, form, status=422)
    try:
        with refusals(form):
            case = reading.load_for_change(db_session(), key, if_match=form.version.data or None)
            plans.agree_plan(db_session(), case, goals=data["goals"], actions=data["actions"],
                             review_date=data.get("review_date"), by=me.sub, policy=policy(), now=utcnow())
    except Stale:
        keep_what_the_page_shows()
        flash("Someone changed this case after you opened it, so your plan was not saved. "
              "The plan below is the case's plan now: make your change again.", "error")
        return _plan_page(key, status=409, stale=True)
    except Refused as refusal:
        keep_what_the_page_shows()
        return _plan_page(key, form, status=refusal.status)
    return done(case, "Plan agreed", "plan")
