"""The officer directory for admins (``/app/admin/officers``): who is in which team with which
roles, adding and changing officers, and marking someone away so their open tasks go to a
colleague in one action. Every change is a directory use case (``directory``, ``absence``), audited
there; team leaders and officers get the 403 page (team leaders see their team's load on
``/app/inbox/team``)."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for

from casework.context import Principal
from casework.db import utcnow
from casework.pages import officer_page, render
from casework.web import db_session
from notifications import absence, directory, policy
from notifications.models import Officer
from notifications.refusals import Conflict, Invalid, Refused

from .admin_forms import ROLE_NAMES, AwayForm, NewOfficerForm, OfficerForm, TeamFilterForm
from .blueprint import blueprint

ADMIN = "admin"


def _team_choices(form) -> list:
    teams = directory.all_teams(db_session())
    form.teams.choices = [(team.slug, team.name) for team in teams]
    return teams


@blueprint.get("/app/admin/officers")
@officer_page(ADMIN)
def officers(me: Principal):
    session = db_session()
    teams = directory.all_teams(session)
    names = {team.slug: team.name for team in teams}
    form = TeamFilterForm(request.args)
    form.team.choices = [("", "All teams")] + list(names.items())
    team = request.args.get("team") if request.args.get("team") in names else None
    now = utcnow()
    shown = directory.listed(session, team=team)
    # Away among those shown (the page asks no more of it): the directory read once, not twice.
    return render("notifications/officers.html", filter_form=form, team=team, team_names=names,
                  role_names=ROLE_NAMES, officers=shown, away={o.id for o in shown if directory.is_away(o, now)})


@blueprint.route("/app/admin/officers/new", methods=["GET", "POST"])
@officer_page(ADMIN)
def new_officer(me: Principal):
    form = NewOfficerForm()
    _team_choices(form)
    if not form.validate_on_submit():
        return render("notifications/officer_new.html", 422 if form.errors else 200, form=form)
    try:
        officer = directory.add_officer(db_session(), details=form.details(), policy=policy.current(), now=utcnow())
    except Conflict as refused:
        form.id.errors.append(refused.message)
        return render("notifications/officer_new.html", 422, form=form)
    flash(f"{officer.name} added to the directory", "success")
    return redirect(url_for("inbox_page.officer", officer_id=officer.id), 303)


def _officer_or_404(officer_id: str) -> Officer:
    officer = db_session().get(Officer, officer_id)
    if officer is None:
        abort(404)
    return officer


def _officer_page(officer: Officer, form: OfficerForm, away_form: AwayForm, status: int = 200):
    session = db_session()
    now = utcnow()
    colleagues = [o for o in directory.active_officers(session) if o.id != officer.id and not directory.is_away(o, now)]
    away_form.tasks_to.choices = [("", "Choose a colleague")] + [(o.id, o.name or o.id) for o in colleagues]
    return render("notifications/officer.html", status, officer=officer, form=form, away_form=away_form,
                  away=directory.is_away(officer, now), open_tasks=len(absence.open_tasks_of(session, officer.id)),
                  team_names={t.slug: t.name for t in directory.all_teams(session)}, role_names=ROLE_NAMES,
                  cover=session.get(Officer, officer.cover_id) if officer.cover_id else None)


@blueprint.get("/app/admin/officers/<officer_id>")
@officer_page(ADMIN)
def officer(me: Principal, officer_id: str):
    found = _officer_or_404(officer_id)
    form = OfficerForm(data={"name": found.name, "email": found.email, "teams": found.teams, "roles": found.roles})
    _team_choices(form)
    return _officer_page(found, form, AwayForm(prefix="away"))


@blueprint.post("/app/admin/officers/<officer_id>")
@officer_page(ADMIN)
def change_officer(me: Principal, officer_id: str):
    form = OfficerForm()
    _team_choices(form)
    found = _officer_or_404(officer_id)
    if not form.validate():
        return _officer_page(found, form, AwayForm(formdata=None, prefix="away"), 422)
    directory.change_officer(db_session(), found, changes=form.changes())
    flash(f"{found.name}’s teams and roles saved", "success")
    return redirect(url_for("inbox_page.officer", officer_id=found.id), 303)


@blueprint.post("/app/admin/officers/<officer_id>/away")
@officer_page(ADMIN)
def mark_away(me: Principal, officer_id: str):
    found = _officer_or_404(officer_id)
    form = AwayForm(prefix="away")
    details = OfficerForm(formdata=None, data={"name": found.name, "email": found.email, "teams": found.teams,
                                               "roles": found.roles})
    _team_choices(details)
    choices = {o.id for o in directory.active_officers(db_session())}
    form.tasks_to.choices = [("", "")] + [(o, o) for o in choices]
    if not form.validate():
        return _officer_page(found, details, form, 422)
    try:
        moved = absence.mark_away(db_session(), found, starts=form.away_from.data, until=form.until.data,
                                  tasks_to=form.tasks_to.data, by=me, reason=form.reason.data or None,
                                  policy=policy.current(), now=utcnow())
    except Invalid as refused:
        getattr(form, refused.field, form.tasks_to).errors.append(refused.message)
        return _officer_page(found, details, form, 422)
    except Refused as refused:
        flash(refused.message, "error")
        return redirect(url_for("inbox_page.officer", officer_id=found.id), 303)
    flash(f"{found.name} is marked away; {len(moved)} open task{'' if len(moved) == 1 else 's'} moved", "success")
    return redirect(url_for("inbox_page.officer", officer_id=found.id), 303)


@blueprint.post("/app/admin/officers/<officer_id>/back")
@officer_page(ADMIN)
def mark_back(me: Principal, officer_id: str):
    found = absence.mark_back(db_session(), _officer_or_404(officer_id), by=me)
    flash(f"{found.name} is back: new tasks come to them again", "success")
    return redirect(url_for("inbox_page.officer", officer_id=found.id), 303)
