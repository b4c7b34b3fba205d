"""The officer directory: who officers and teams are, looked up, and changed by admins.

The changes are the API's use cases: each takes the session (and the officer or team already
loaded and locked), writes the row and its audit entry (and the digest's timer) together in the
caller's transaction and returns it; one already there is a ``Conflict``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from marshmallow import Schema
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework import audit
from casework.workdays import london_today
from notifications import email
from notifications.models import Officer, Team
from notifications.refusals import Conflict
from notifications.rules import Policy
from notifications.schemas import Officer as OfficerSchema
from notifications.schemas import Team as TeamSchema

T = TypeVar("T", Officer, Team)


def manager_of(session: Session, team: str | None) -> str | None:
    """The id of the team's manager, if the team and its manager are known."""
    if not team:
        return None
    found = session.get(Team, team)
    return found.manager_id if found is not None else None


def teams_of(session: Session, officer_id: str) -> list[str]:
    """The teams an officer belongs to or manages."""
    officer = session.get(Officer, officer_id)
    teams = set(officer.teams if officer is not None else [])
    teams.update(session.scalars(select(Team.slug).where(Team.manager_id == officer_id)))
    return sorted(teams)


def roster(session: Session) -> dict[str, tuple[str, list, bool]]:
    """Every officer in the directory, active or not, as (name, teams, active) by id: one read
    of three columns for a team's workload, which wants its members' names, the names of others
    holding its tasks and whether the reader is in the team. (The whole directory loaded as
    objects, then each officer again by id, was most of a workload's request: bench/NOTES.md,
    "intake's performance report (intx)".)"""
    return {officer_id: (name, teams or [], bool(active)) for officer_id, name, teams, active in
            session.execute(select(Officer.id, Officer.name, Officer.teams, Officer.active))}


def members(roster_: dict[str, tuple[str, list, bool]], team: Team) -> dict[str, str]:
    """Of a :func:`roster`, the names of the team's active officers and its manager, by id (as
    :func:`teams_of` has them: the directory holds each officer's teams)."""
    return {officer_id: name for officer_id, (name, teams, active) in roster_.items()
            if active and (team.slug in teams or officer_id == team.manager_id)}


def admins(session: Session) -> list[Officer]:
    """Active officers with the admin role (they are told when a webhook is disabled)."""
    officers = session.scalars(select(Officer).where(Officer.active.is_(True)).order_by(Officer.id))
    return [officer for officer in officers if "admin" in (officer.roles or [])]


def listed(session: Session, *, team: str | None = None) -> list[Officer]:
    """The directory by name (only the team's officers when ``team`` is given)."""
    officers = session.scalars(select(Officer).order_by(Officer.name, Officer.id))
    return [officer for officer in officers if team is None or team in (officer.teams or [])]


def all_teams(session: Session) -> list[Team]:
    return list(session.scalars(select(Team).order_by(Team.name, Team.slug)))


def active_officers(session: Session) -> list[Officer]:
    """Active officers by name (the development sign-in offers them)."""
    return list(session.scalars(select(Officer).where(Officer.active.is_(True)).order_by(Officer.name)))


def is_away(officer: Officer, now: dt.datetime) -> bool:
    """Whether the officer is away today (London): from ``away_from`` to ``away_until`` inclusive."""
    if officer.away_from is None:
        return False
    today = london_today(now)
    return officer.away_from <= today and (officer.away_until is None or today <= officer.away_until)


def assignee_for(session: Session, officer_id: str | None, now: dt.datetime) -> str | None:
    """Who a task meant for ``officer_id`` goes to: them, or while they are away their cover when
    the cover is in (else nobody: the task waits in its team's shared queue)."""
    if officer_id is None:
        return None
    officer = session.get(Officer, officer_id)
    if officer is None or not is_away(officer, now):
        return officer_id
    cover = session.get(Officer, officer.cover_id) if officer.cover_id else None
    return cover.id if cover is not None and cover.active and not is_away(cover, now) else None


# -- officers -------------------------------------------------------------------------------


def add_officer(session: Session, *, details: dict[str, Any], policy: Policy, now: dt.datetime) -> Officer:
    """Add an officer (``details`` as ``OfficerCreate`` reads them); one wanting a daily digest has
    their first one booked."""
    if session.get(Officer, details["id"]) is not None:
        raise Conflict("An officer with that id is already in the directory.")
    officer = Officer(active=True, **details)
    session.add(officer)
    session.flush()
    if officer.email_preference == "daily_digest":
        email.schedule_digest(session, policy, officer, at=email.next_digest_time(policy, now))
    audit.changed(session, "create", "officer", officer.id, None, OfficerSchema().dump(officer))
    return officer


def change_officer(session: Session, officer: Officer, *, changes: dict[str, Any]) -> Officer:
    """Change an officer's name, e-mail, teams, roles or whether they are active."""
    return _update(session, officer, changes, record_type="officer", record_id=officer.id, shown_as=OfficerSchema())


def choose_email(session: Session, officer: Officer, *, email_preference: str, policy: Policy,
                 now: dt.datetime) -> Officer:
    """How the officer is e-mailed (``immediate``, ``daily_digest`` or ``off``); the inbox is always on.
    Choosing the digest books the next one."""
    before = {"email_preference": officer.email_preference}
    officer.email_preference = email_preference
    if officer.email_preference == "daily_digest" and before["email_preference"] != "daily_digest":
        email.schedule_digest(session, policy, officer, at=email.next_digest_time(policy, now))
    audit.changed(session, "preferences", "officer", officer.id, before,
                  {"email_preference": officer.email_preference})
    return officer


# -- teams ----------------------------------------------------------------------------------


def add_team(session: Session, *, details: dict[str, Any]) -> Team:
    """Add a team (``details`` as ``TeamCreate`` reads them); a slug in use is a ``Conflict``."""
    if session.get(Team, details["slug"]) is not None:
        raise Conflict("A team with that slug already exists.")
    team = Team(**details)
    session.add(team)
    session.flush()
    audit.changed(session, "create", "team", team.slug, None, TeamSchema().dump(team))
    return team


def change_team(session: Session, team: Team, *, changes: dict[str, Any]) -> Team:
    """Change a team's name, manager or shared queue."""
    return _update(session, team, changes, record_type="team", record_id=team.slug, shown_as=TeamSchema())


def _update(session: Session, row: T, changes: dict[str, Any], *, record_type: str, record_id: str,
            shown_as: Schema) -> T:
    before = shown_as.dump(row)
    for name, value in changes.items():
        setattr(row, name, value)
    audit.changed(session, "update", record_type, record_id, before, shown_as.dump(row))
    return row
