"""Teams: a slug, a name, a manager (who escalations go to) and a shared queue."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import select

from casework.auth import OFFICER_ROLES, current, roles
from casework.db import utcnow
from casework.web import Blueprint, SelectPage, db_session, get_or_404, load_for_update
from notifications import directory, worklist
from notifications.api.common import refusals
from notifications.models import Team
from notifications.schemas import Team as TeamSchema
from notifications.schemas import TeamCreate, TeamUpdate, TeamWorkload

blp = Blueprint("teams", __name__, url_prefix="/teams", description="Teams and their managers.")


def get_team(slug: str) -> Team:
    return get_or_404(db_session(), Team, slug, detail="There is no team with that slug.")


@blp.route("")
class Teams(MethodView):
    @roles(*OFFICER_ROLES)
    @blp.response(200, TeamSchema(many=True))
    @blp.paginate(SelectPage)
    def get(self):
        """List teams"""
        return select(Team).order_by(Team.slug)

    @roles("admin")
    @blp.arguments(TeamCreate)
    @blp.response(201, TeamSchema)
    def post(self, data):
        """Add a team

        Teams are named by a slug (`intake`, `sustainment`, `lettings`); a slug in use is 409.
        """
        with refusals():
            return directory.add_team(db_session(), details=data)


@blp.route("/<string:slug>")
class TeamBySlug(MethodView):
    @roles(*OFFICER_ROLES)
    @blp.response(200, TeamSchema)
    def get(self, slug):
        """Read a team"""
        return get_team(slug)

    @roles("admin")
    @blp.arguments(TeamUpdate)
    @blp.response(200, TeamSchema)
    def put(self, data, slug):
        """Change a team

        Its name, manager and shared queue. Honours `If-Match`.
        """
        team = load_for_update(db_session(), Team, slug, shown_as=TeamSchema,
                               not_found="There is no team with that slug.")
        return directory.change_team(db_session(), team, changes=data)


@blp.route("/<string:slug>/workload")
class TeamWorkloadBySlug(MethodView):
    @roles(*worklist.SEES_WORKLOAD)
    @blp.response(200, TeamWorkload)
    def get(self, slug):
        """A team's workload

        For the team's leaders (its manager, or a team leader in it; admins: any team): each
        officer's live (open or acknowledged) and overdue tasks of the team, every member
        listed, and the team's shared queue as `unassigned`.
        """
        with refusals():
            return worklist.team_workload(db_session(), get_team(slug), by=current(), now=utcnow())
