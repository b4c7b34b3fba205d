"""Who may see what: officers see every referral, a referring system only its own."""

from __future__ import annotations

from casework.context import Principal

#: Roles that read every referral (admin always may).
OFFICER_READERS = ("intake_officer", "sustainment_officer", "team_leader")
READERS = ("referrer", *OFFICER_READERS)
CREATORS = ("referrer", "intake_officer")
TRIAGERS = ("intake_officer", "team_leader")
AUDITORS = ("team_leader",)


def sees_all(principal: Principal) -> bool:
    return principal.has_any(*OFFICER_READERS)


def referrer_client(principal: Principal) -> str | None:
    """The client id recorded on a referral a referring system makes (null for officers)."""
    return principal.sub if "referrer" in principal.roles else None
