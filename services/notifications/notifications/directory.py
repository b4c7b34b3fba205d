"""Looking officers and teams up in the directory."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from notifications.models import Officer, Team


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


def admins(session: Session) -> list[Officer]:
    """Active officers with the admin role (they are told when a webhook is disabled)."""
    officers = session.scalars(select(Officer).where(Officer.active.is_(True)).order_by(Officer.id))
    return [officer for officer in officers if "admin" in (officer.roles or [])]
