"""How the referral pages word codes for officers: pure functions, no Flask, no database."""

from __future__ import annotations

from intake.domain.risk import FLOOR, REASON_CODES
from intake.sensitivity import SPECIAL_CATEGORY

REASON_NAMES = {
    "rent_arrears": "Rent arrears", "anti_social_behaviour": "Anti-social behaviour", "hoarding": "Hoarding",
    "mental_health": "Mental health", "physical_health": "Physical health", "substance_misuse": "Substance misuse",
    "domestic_abuse": "Domestic abuse", "safeguarding_adult": "Safeguarding (adult)",
    "safeguarding_child": "Safeguarding (child)", "financial_hardship": "Financial hardship",
    "disability": "Disability", "high_risk_new_tenant": "High-risk new tenant",
    "notice_seeking_possession": "Notice seeking possession", "other": "Other",
}
assert set(REASON_NAMES) == set(REASON_CODES)

#: The GOV.UK tag colour for each risk level; the tag's text always says the level too.
RISK_TAG = {"critical": "govuk-tag--red", "high": "govuk-tag--orange", "medium": "govuk-tag--yellow",
            "low": "govuk-tag--green"}
STATUS_TAG = {"received": "govuk-tag--blue", "accepted": "govuk-tag--green", "rejected": "govuk-tag--red",
              "signposted": "govuk-tag--purple", "withdrawn": "govuk-tag--grey"}
OUTCOME_DONE = {"accept": "accepted", "reject": "rejected", "signpost": "signposted"}
MATCH_NAMES = {"same_tenancy": "Same tenancy", "same_person": "Same name and date of birth"}
CONSENT_METHODS = {"verbal": "Verbally", "written": "In writing", "electronic": "Electronically"}
FACTOR_NAMES = {**REASON_NAMES, FLOOR: "Level floor",
                "restricted": "Safeguarding or health (restricted)"}
AUDIT_ACTIONS = {"create": "Raised", "read": "Read", "read_restricted": "Read with restricted details",
                 "break_glass": "Restricted details read (break glass)", "read_audit": "Audit trail read",
                 "triage": "Triaged", "withdraw": "Withdrawn"}
#: What the source team is, by default, for the officers who raise referrals on the form.
TEAMS_BY_ROLE = {"housing_officer": "Housing management", "income_officer": "Income recovery",
                 "asb_officer": "Anti-social behaviour", "intake_officer": "Intake"}


def reason_name(code: str) -> str:
    return REASON_NAMES.get(code, code.replace("_", " ").capitalize())


def shown_reasons(reasons: list[str]) -> tuple[list[str], int]:
    """A referral's reasons as a list shows them: the named ones, and how many restricted
    (safeguarding and health) reasons it also has, unnamed (lists show no special-category data;
    the referral's page does, as an audited read)."""
    named = [reason_name(code) for code in reasons if code not in SPECIAL_CATEGORY]
    return named, sum(1 for code in reasons if code in SPECIAL_CATEGORY)


def factor_name(code: str) -> str:
    return FACTOR_NAMES.get(code, code.replace("_", " ").capitalize())


def team_for(roles) -> str:
    return next((team for role, team in TEAMS_BY_ROLE.items() if role in roles), "")


def overdue(referral, now) -> bool:
    """Still waiting for triage after its deadline (SQLite hands back naive UTC datetimes)."""
    from casework.db import as_utc
    from intake.domain.triage import is_overdue

    return is_overdue(referral.status, as_utc(referral.triage_due), now)


def iso(moment) -> str:
    from casework.db import as_utc

    return as_utc(moment).isoformat() if moment is not None else ""
