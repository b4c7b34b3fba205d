"""The officer directory: who officers are, their teams and roles, and how they want to be told."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import select

from casework.auth import OFFICER_ROLES, current, roles
from casework.db import utcnow
from casework.portable import json_list_contains
from casework.web import Blueprint, SelectPage, db_session, get_or_404, load_for_update
from notifications import absence, directory, policy
from notifications.api.common import refusals
from notifications.models import Officer
from notifications.schemas import Officer as OfficerSchema
from notifications.schemas import (
    OfficerAway,
    OfficerAwayDone,
    OfficerCreate,
    OfficerQueryArgs,
    OfficerUpdate,
    Preferences,
)

blp = Blueprint("officers", __name__, url_prefix="/officers", description="The officer directory.")


def get_officer(officer_id: str) -> Officer:
    return get_or_404(db_session(), Officer, officer_id, detail="There is no officer with that id.")


@blp.route("")
class Officers(MethodView):
    @roles(*OFFICER_ROLES)
    @blp.arguments(OfficerQueryArgs, location="query")
    @blp.response(200, OfficerSchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, args):
        """List officers

        Filter by `team` or `role`. Every officer may read the directory.
        """
        stmt = select(Officer).order_by(Officer.id)
        if "team" in args:
            stmt = stmt.where(json_list_contains(Officer.teams, args["team"]))
        if "role" in args:
            stmt = stmt.where(json_list_contains(Officer.roles, args["role"]))
        return stmt

    @roles("admin")
    @blp.arguments(OfficerCreate)
    @blp.response(201, OfficerSchema)
    def post(self, data):
        """Add an officer

        The id is the `sub` of the officer's bearer token. An id already in the directory is 409.
        """
        with refusals():
            return directory.add_officer(db_session(), details=data, policy=policy.current(), now=utcnow())


@blp.route("/<string:officer_id>")
class OfficerById(MethodView):
    @roles(*OFFICER_ROLES)
    @blp.response(200, OfficerSchema)
    def get(self, officer_id):
        """Read an officer"""
        return get_officer(officer_id)

    @roles("admin")
    @blp.arguments(OfficerUpdate)
    @blp.response(200, OfficerSchema)
    def put(self, data, officer_id):
        """Change an officer

        Replaces name, e-mail, teams, roles and whether they are active. Honours `If-Match`.
        """
        officer = load_for_update(db_session(), Officer, officer_id, shown_as=OfficerSchema,
                                  not_found="There is no officer with that id.")
        return directory.change_officer(db_session(), officer, changes=data)


@blp.route("/<string:officer_id>/away")
class OfficerAbsence(MethodView):
    @roles("admin")
    @blp.arguments(OfficerAway, example={"from": "2027-03-01", "until": "2027-03-12", "tasks_to": "o-tso",
                                         "reason": "Annual leave"})
    @blp.response(200, OfficerAwayDone)
    def post(self, data, officer_id):
        """Mark an officer away

        From `from` (default today) to `until` (the last day away; none: until marked back). All
        their open tasks move now, in one transaction, to the colleague `tasks_to` (each audited,
        the colleague told in their inbox), and tasks the rules give them while away go to that
        colleague (or, when the colleague is away too, to the team's shared queue). A colleague
        not in the directory, inactive or away is 422. Running it again moves nothing more.
        """
        officer = load_for_update(db_session(), Officer, officer_id, shown_as=OfficerSchema,
                                  not_found="There is no officer with that id.")
        with refusals():
            moved = absence.mark_away(db_session(), officer, starts=data["away_from"], until=data["until"],
                                      tasks_to=data["tasks_to"], by=current(), reason=data["reason"],
                                      policy=policy.current(), now=utcnow())
        return {"officer": officer, "tasks_moved": [task.id for task in moved]}

    @roles("admin")
    @blp.response(200, OfficerSchema)
    def delete(self, officer_id):
        """Mark an officer back

        New tasks come to them again; the tasks moved to their colleague stay there.
        """
        officer = load_for_update(db_session(), Officer, officer_id, shown_as=OfficerSchema,
                                  not_found="There is no officer with that id.")
        with refusals():
            return absence.mark_back(db_session(), officer, by=current())


@blp.route("/<string:officer_id>/preferences")
class OfficerPreferences(MethodView):
    @roles(*OFFICER_ROLES)
    @blp.response(200, Preferences)
    def get(self, officer_id):
        """Read an officer's channel preferences"""
        return _preferences(_own_or_admin(officer_id))

    @roles(*OFFICER_ROLES)
    @blp.arguments(Preferences)
    @blp.response(200, Preferences)
    def put(self, data, officer_id):
        """Choose how to be told

        The inbox is always on; e-mail is `immediate`, `daily_digest` or `off`. Officers set their
        own; admins anyone's. Honours `If-Match` (the ETag of GET /officers/{id}/preferences).
        """
        _own_or_admin(officer_id)
        officer = load_for_update(db_session(), Officer, officer_id,
                                  shown_as=lambda o: Preferences().dump(_preferences(o)),
                                  not_found="There is no officer with that id.")
        directory.choose_email(db_session(), officer, email_preference=data["email"], policy=policy.current(),
                               now=utcnow())
        return {"email": officer.email_preference}


def _preferences(officer: Officer) -> dict[str, str]:
    return {"email": officer.email_preference}


def _own_or_admin(officer_id: str) -> Officer:
    """The officer, to themselves and to admins; anyone else's is answered as if there were none."""
    me = current()
    if "admin" in me.roles:
        return get_officer(officer_id)
    return get_or_404(db_session(), Officer, officer_id, where=[Officer.id == me.sub],
                      detail="There is no officer with that id, or you may not see it.")
