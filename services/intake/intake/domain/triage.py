"""The referral's lifecycle and its triage deadline."""

from __future__ import annotations

import datetime as dt

from casework import workdays

from .policy import IntakePolicy

RECEIVED, ACCEPTED, REJECTED, SIGNPOSTED, WITHDRAWN = "received", "accepted", "rejected", "signposted", "withdrawn"
STATUSES: tuple[str, ...] = (RECEIVED, ACCEPTED, REJECTED, SIGNPOSTED, WITHDRAWN)
#: Triage outcome → the status it leaves the referral in.
OUTCOMES: dict[str, str] = {"accept": ACCEPTED, "reject": REJECTED, "signpost": SIGNPOSTED}


class IllegalChange(Exception):
    """The referral's status does not allow this change (answered as 409)."""


def triaged_status(status: str, outcome: str) -> str:
    """The status after triage with ``outcome``; only a received referral can be triaged."""
    if status != RECEIVED:
        raise IllegalChange(f"This referral has already been {status}; it cannot be triaged again.")
    return OUTCOMES[outcome]


def withdrawn_status(status: str) -> str:
    """Only a referral still waiting for triage can be withdrawn."""
    if status != RECEIVED:
        raise IllegalChange(f"This referral has been {status}; only an untriaged referral can be withdrawn.")
    return WITHDRAWN


def triage_due(received_at: dt.datetime, risk_level: str, policy: IntakePolicy) -> dt.datetime:
    """Close of business on the policy's number of working days after receipt for this level."""
    return workdays.deadline(received_at, policy.triage_working_days[risk_level])


def default_priority(risk_level: str, policy: IntakePolicy) -> str:
    return policy.default_priority[risk_level]


def is_overdue(status: str, due: dt.datetime, now: dt.datetime) -> bool:
    """Still waiting for triage after its deadline."""
    return status == RECEIVED and due < now
