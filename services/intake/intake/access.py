"""Who may do what with referrals: the role sets the API and the pages both check.

Officers see every referral; a referring system, and a front-line officer who raised one, only
their own.
"""

from __future__ import annotations

from casework.context import Principal

#: Front-line officers who see a tenant at risk first (housing, income, anti-social behaviour)
#: and raise a referral for them; they see the referrals they raised, not the intake team's work.
FRONT_LINE = ("housing_officer", "income_officer", "asb_officer")
#: Roles that read every referral (admin always may).
OFFICER_READERS = ("intake_officer", "sustainment_officer", "team_leader")
READERS = ("referrer", *FRONT_LINE, *OFFICER_READERS)
#: Who may raise (make) a referral: a referring system over the API, an intake officer entering
#: a phoned-in referral, and the front-line officers on the form. The one place this is said.
CREATORS = ("referrer", "intake_officer", *FRONT_LINE)
TRIAGERS = ("intake_officer", "team_leader")
AUDITORS = ("team_leader",)


def sees_all(principal: Principal) -> bool:
    return principal.has_any(*OFFICER_READERS)


def may_raise(principal: Principal) -> bool:
    """Whether the caller may raise a referral (admin always may)."""
    return principal.has_any(*CREATORS)


def referrer_client(principal: Principal) -> str | None:
    """The client id recorded on a referral a referring system makes (null for officers)."""
    return principal.sub if "referrer" in principal.roles else None
