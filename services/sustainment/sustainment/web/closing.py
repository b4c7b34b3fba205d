"""Closing a case: a confirmation page showing what is still open on it (``reading.read_closure_check``),
then the closure with an outcome."""

from __future__ import annotations

from casework.context import Principal
from casework.db import utcnow
from casework.pages import officer_page, render
from casework.web import db_session
from sustainment.cases import closure, reading
from sustainment.policy import current as policy
from sustainment.schemas import Closure

from . import forms
from .blueprint import blueprint
from .common import CASEWORKERS, Refused, done, helpers, keep_what_the_page_shows, refusals


def _confirmation(key: str, form: forms.ClosureForm, status: int = 200):
    with refusals(form):
        case = reading.find_case(db_session(), key)
        check = reading.read_closure_check(db_session(), key)
    return render("sustainment/closure.html", status, case=case, check=check, form=form, **helpers())


@blueprint.get("/app/cases/<key>/closure")
@officer_page(*CASEWORKERS)
def confirm_closure(me: Principal, key: str):
    return _confirmation(key, forms.ClosureForm(formdata=None))


@blueprint.post("/app/cases/<key>/closure")
@officer_page(*CASEWORKERS)
def close(me: Principal, key: str):
    form = forms.ClosureForm()
    data = forms.checked(form, Closure()) if form.validate() else None
    if data is not None:
        try:
            with refusals(form):
                case = reading.find_case(db_session(), key, for_update=True)
                closure.close(db_session(), case, outcome=data["outcome"], summary=data["summary"], policy=policy(),
                              now=utcnow())
            return done(case, f"Case {case.reference} closed: {forms.words(data['outcome']).lower()}", "summary")
        except Refused as refusal:
            keep_what_the_page_shows()
            return _confirmation(key, form, refusal.status)
    keep_what_the_page_shows()
    return _confirmation(key, form, 422)
