"""Letters about offers, issued when the offer is made, refused or withdrawn (in the same
transaction) and kept as issued; reading one is audited (it holds the household's personal data).

Offers made before letters were kept have none: their letter is issued the first time it is read,
from the offer as it stands then, and marked ``issued_on_first_read``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework import audit
from lettings import letters
from lettings.domain.offers import unreasonable_within_window
from lettings.domain.policy import LettingsPolicy
from lettings.letting import NotFound, statuses
from lettings.models import Letter, Offer

#: Which offers each letter can be written for.
WRITTEN_FOR = {"offer": ("pending", "accepted", "signed_up", "refused", "withdrawn", "expired"),
               "refusal": ("refused",), "withdrawal": ("withdrawn",)}


def issue(session: Session, offer: Offer, kind: str, values: dict, *, now: dt.datetime,
          on_first_read: bool = False) -> Letter:
    """The letter written from ``values`` and kept, with its text."""
    letter = Letter(offer_id=offer.id, kind=kind, issued_at=now, values=values, text=letters.render(kind, values),
                    issued_on_first_read=on_first_read)
    session.add(letter)
    session.flush()
    audit.changed(session, "issue_letter", "letter", letter.id, None,
                  {"offer_id": str(offer.id), "kind": kind, "issued_at": now.isoformat()})
    return letter


def issue_offer_letter(session: Session, offer: Offer, *, now: dt.datetime) -> Letter:
    return issue(session, offer, "offer", letters.offer_values(offer, now), now=now)


def issue_refusal_letter(session: Session, offer: Offer, *, policy: LettingsPolicy, unreasonable_in_window: int,
                         suspended: bool, now: dt.datetime) -> Letter:
    return issue(session, offer, "refusal", letters.refusal_values(
        offer, now, policy=policy, unreasonable_in_window=unreasonable_in_window, suspended=suspended), now=now)


def issue_withdrawal_letter(session: Session, offer: Offer, *, now: dt.datetime) -> Letter:
    return issue(session, offer, "withdrawal", letters.withdrawal_values(offer, now), now=now)


def _legacy_values(session: Session, offer: Offer, kind: str, policy: LettingsPolicy, now: dt.datetime) -> dict:
    """For an offer from before letters were kept: the values as well as they can be told now.
    A refusal's count is the unreasonable refusals in the window up to it; whether it suspended the
    applicant is read from the applicant's status (what the letter said then too)."""
    if kind == "offer":
        return letters.offer_values(offer, now)
    if kind == "withdrawal":
        return letters.withdrawal_values(offer, now)
    answered = offer.answered_at or now
    refused_at = [at for at in statuses.counted_refusals(session, offer.applicant_id, policy) if at <= answered]
    count = 0 if offer.refusal_reasonable else unreasonable_within_window(refused_at, answered, policy)
    suspended = (not offer.refusal_reasonable and offer.applicant.status == "suspended"
                 and count >= policy.unreasonable_refusal_limit)
    return letters.refusal_values(offer, now, policy=policy, unreasonable_in_window=count, suspended=suspended)


def read_letter(session: Session, offer: Offer, kind: str, *, policy: LettingsPolicy, now: dt.datetime) -> Letter:
    """The letter as issued, the read audited. An offer that cannot have that letter is ``NotFound``;
    one from before letters were kept gets it now."""
    if offer.status not in WRITTEN_FOR[kind]:
        raise NotFound(f"There is no {kind} letter for an offer that is {offer.status.replace('_', ' ')}.")
    letter = session.scalar(select(Letter).where(Letter.offer_id == offer.id, Letter.kind == kind))
    if letter is None:
        letter = issue(session, offer, kind, _legacy_values(session, offer, kind, policy, now), now=now,
                       on_first_read=True)
    if letter.text is None:
        raise NotFound(f"The {kind} letter for this offer has been anonymised.")
    audit.read(session, "letter", letter.id)
    return letter
