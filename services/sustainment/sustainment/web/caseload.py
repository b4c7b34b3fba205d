"""``/app/cases``: the officer's caseload, what needs doing first at the top; for team leaders also
the team's unassigned cases a page at a time (each with an assign form) and each officer's open cases by risk."""

from __future__ import annotations

from flask import flash, redirect, request, url_for

from casework.context import Principal
from casework.db import utcnow
from casework.pages import officer_page, render
from casework.web import db_session
from sustainment.cases import assignment, reading
from sustainment.policy import current as policy
from sustainment.schemas import AssignmentCreate
from sustainment.web import forms

from .blueprint import blueprint
from .common import CASEWORKERS, Refused, done, helpers, keep_what_the_page_shows, refusals, refused_page


def _caseload_page(me: Principal, status: int = 200, refused: forms.AssignForm | None = None, refused_for: str = ""):
    session, now = db_session(), utcnow()
    mine = reading.caseload(session, policy=policy(), now=now)
    page = max(1, request.args.get("page", 1, type=int) or 1)
    team = (reading.team_caseload(session, page=page, policy=policy(), now=now)
            if me.has_any(*reading.LEADERS) else None)
    assign_forms = {entry.case.reference: forms.AssignForm(formdata=None, prefix=entry.case.reference)
                    for entry in (team.unassigned if team else [])}
    if refused is not None:
        assign_forms[refused_for] = refused
    return render("sustainment/caseload.html", status, mine=mine, team=team, assign_forms=assign_forms,
                  form=refused, now=now, **helpers())


@blueprint.get("/app/cases")
@officer_page(*CASEWORKERS)
def caseload(me: Principal):
    return _caseload_page(me)


@blueprint.post("/app/cases/<key>/assignment")
@officer_page("team_leader")
def assign(me: Principal, key: str):
    """Assign (or reassign) a case: from the team's unassigned cases or from the case page."""
    form = forms.AssignForm(prefix=key)
    from_caseload = request.args.get("from") == "caseload"

    def again(status: int):
        if from_caseload:
            keep_what_the_page_shows()
            return _caseload_page(me, status, form, key)
        return refused_page(key, status, assign=form)

    data = forms.checked(form, AssignmentCreate()) if form.validate() else None
    if data is None:
        return again(422)
    try:
        with refusals(form):
            case = reading.find_case(db_session(), key, for_update=True)
            assignment.assign(db_session(), case, officer_id=data["officer_id"], by=me.sub, now=utcnow())
    except Refused as refusal:
        return again(refusal.status)
    message = f"Case {case.reference} assigned to {case.officer_id}"
    if from_caseload:
        flash(message, "success")
        return redirect(url_for("case_pages.caseload"), 303)
    return done(case, message, "summary")
