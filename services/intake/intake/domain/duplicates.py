"""Possible duplicates: an open referral for the same tenancy or the same person, recently.

They are flagged and linked for the officer to judge, never rejected.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

SAME_TENANCY, SAME_PERSON = "same_tenancy", "same_person"


@dataclass(frozen=True)
class Identity:
    """What identifies who a referral is about."""

    name: str
    date_of_birth: dt.date | None = None
    tenancy_ref: str | None = None


@dataclass(frozen=True)
class OpenReferral:
    id: uuid.UUID
    reference: str
    identity: Identity
    received_at: dt.datetime


@dataclass(frozen=True)
class PossibleDuplicate:
    id: uuid.UUID
    reference: str
    match: str


def normal_name(name: str) -> str:
    """Case, spacing and punctuation do not tell people apart."""
    return " ".join(re.sub(r"[^\w\s]", " ", name.casefold()).split())


def normal_tenancy_ref(ref: str | None) -> str | None:
    cleaned = "".join((ref or "").split()).upper()
    return cleaned or None


def match(new: Identity, other: Identity) -> str | None:
    """How ``other`` matches ``new``: the same tenancy, the same person, or not at all."""
    tenancy = normal_tenancy_ref(new.tenancy_ref)
    if tenancy is not None and tenancy == normal_tenancy_ref(other.tenancy_ref):
        return SAME_TENANCY
    if new.date_of_birth is not None and new.date_of_birth == other.date_of_birth \
            and normal_name(new.name) == normal_name(other.name):
        return SAME_PERSON
    return None


def possible_duplicates(new: Identity, open_referrals: Iterable[OpenReferral], *, now: dt.datetime,
                        window_days: int) -> list[PossibleDuplicate]:
    """The open referrals received within the window that match, oldest first."""
    since = now - dt.timedelta(days=window_days)
    found = []
    for other in sorted(open_referrals, key=lambda r: r.received_at):
        how = match(new, other.identity) if other.received_at >= since else None
        if how is not None:
            found.append(PossibleDuplicate(other.id, other.reference, how))
    return found
