"""The plan form: a new version of the plan, agreed under the case's version as its officer read it
(the form's hidden ``version``, as ``If-Match`` on the API). A form made on an older version is
refused with the plan as it is now (409), so nobody's change is overwritten unseen."""

from __future__ import annotations

from flask import flash

from casework.context import Principal
from casework.db import utcnow
from casework.pages import officer_page
from casework.web import db_session
from sustainment.cases import Stale, plans, reading
from sustainment.policy import current as policy
from sustainment.schemas import PlanUpdate

from . import forms
from .blueprint import blueprint
from .common import CASEWORKERS, Refused, done, keep_what_the_page_shows, refusals, refused_page
from .common import case_page as _case_page


@blueprint.post("/app/cases/<key>/plan")
@officer_page(*CASEWORKERS)
def agree_plan(me: Principal, key: str):
    form = forms.PlanForm(prefix="plan")
    data = forms.checked(form, PlanUpdate()) if form.validate() else None
    if data is None:
        return refused_page(key, 422, plan=form)
    try:
        with refusals(form):
            case = reading.load_for_change(db_session(), key, if_match=form.version.data or None)
            plans.agree_plan(db_session(), case, goals=data["goals"], actions=data["actions"],
                             review_date=data.get("review_date"), by=me.sub, policy=policy(), now=utcnow())
    except Stale:
        keep_what_the_page_shows()
        flash("Someone changed this case after you opened it, so your plan was not saved. "
              "The plan below is the case's plan now: make your change again.", "error")
        return _case_page(key, status=409, stale=True)
    except Refused as refusal:
        return refused_page(key, refusal.status, plan=form)
    return done(case, "Plan agreed", "plan")
