"""The letters to applicants about their offers: the values each is written from, and its text.

Pure: the values are taken once, when the letter is issued (``lettings.letting.letters``), and the
text rendered from them then; both are kept, so a letter reads the same whenever it is read.
Times are London's (the applicant's), not the UTC they are kept in.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import jinja2

from casework.workdays import LONDON
from lettings.domain.policy import LettingsPolicy
from lettings.models import Offer

KINDS = ("offer", "refusal", "withdrawal")

templates = jinja2.Environment(loader=jinja2.PackageLoader("lettings", "templates"),
                               autoescape=jinja2.select_autoescape(("html",)), undefined=jinja2.StrictUndefined)

_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_ORDINALS = ("", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


def _count(n: int, thing: str) -> str:
    """``1, "unreasonable refusal"`` → "one unreasonable refusal"; 2 → "two unreasonable refusals"."""
    word = _WORDS[n] if 0 <= n < len(_WORDS) else str(n)
    return f"{word} {thing}{'' if n == 1 else 's'}"


def _ordinal(n: int) -> str:
    if 0 < n < len(_ORDINALS):
        return _ORDINALS[n]
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _months(n: int) -> str:
    return "twelve months" if n == 12 else _count(n, "month")


def _common(offer: Offer, issued_at: dt.datetime) -> dict[str, Any]:
    return {"reference": offer.reference, "date": issued_at.astimezone(LONDON).date().isoformat(),
            "lead_name": offer.applicant.lead_name, "address": offer.property.address}


def offer_values(offer: Offer, issued_at: dt.datetime) -> dict[str, Any]:
    prop = offer.property
    return {**_common(offer, issued_at), "bedrooms": prop.bedrooms, "property_type": prop.property_type,
            "weekly_rent": f"{prop.weekly_rent:.2f}", "service_charge": f"{prop.service_charge:.2f}",
            "respond_by": offer.respond_by.astimezone(LONDON).isoformat()}


def sign_up_values(offer: Offer, issued_at: dt.datetime, *, tenancy_start: dt.date, tenancy_type: str) -> dict[str, Any]:
    """The tenancy agreement sent for signature: the home, the start and type, the rent."""
    prop = offer.property
    return {**_common(offer, issued_at), "tenancy_start": tenancy_start.isoformat(), "tenancy_type": tenancy_type,
            "weekly_rent": f"{prop.weekly_rent:.2f}", "service_charge": f"{prop.service_charge:.2f}"}


def refusal_values(offer: Offer, issued_at: dt.datetime, *, policy: LettingsPolicy, unreasonable_in_window: int,
                   suspended: bool) -> dict[str, Any]:
    """What the refusal letter says, from that refusal: whether it was reasonable, how many
    unreasonable refusals (with it) fall in the policy's window, and whether it suspended the applicant."""
    return {**_common(offer, issued_at), "refusal_reason": offer.refusal_reason,
            "reasonable": bool(offer.refusal_reasonable), "unreasonable_in_window": unreasonable_in_window,
            "suspended": suspended, "limit": policy.unreasonable_refusal_limit,
            "window_months": policy.refusal_window_months}


def withdrawal_values(offer: Offer, issued_at: dt.datetime) -> dict[str, Any]:
    return {**_common(offer, issued_at), "withdrawal_reason": offer.withdrawal_reason}


def refusal_consequence(values: dict[str, Any]) -> str:
    """The sentences on what an unreasonable refusal means for the application, from the policy's
    limit and window and from that refusal (empty for a reasonable one)."""
    if values["reasonable"]:
        return ""
    n, limit, window = values["unreasonable_in_window"], values["limit"], _months(values["window_months"])
    rule = (f"Under our allocation scheme, {_count(limit, 'unreasonable refusal')} within {window} "
            f"{'suspends' if limit == 1 else 'suspend'} an application.")
    if values["suspended"]:
        return (f"{rule} This is your {_ordinal(n)} unreasonable refusal within {window}, so your application "
                f"has been suspended.")
    left = limit - n
    if left > 0:
        more = _count(left, "more unreasonable refusal")
        return (f"{rule} This is your {_ordinal(n)} unreasonable refusal within {window}. "
                f"{more[0].upper()}{more[1:]} within {window} will suspend your application.")
    return f"{rule} This is your {_ordinal(n)} unreasonable refusal within {window}."


def render(kind: str, values: dict[str, Any]) -> str:
    """The letter's text (HTML) from its values."""
    extra: dict[str, Any] = {"date": dt.date.fromisoformat(values["date"])}
    if kind == "offer":
        extra["respond_by"] = dt.datetime.fromisoformat(values["respond_by"])
    if kind == "sign_up":
        extra["tenancy_start"] = dt.date.fromisoformat(values["tenancy_start"])
    if kind == "refusal":
        extra["consequence"] = refusal_consequence(values)
    return templates.get_template(f"{kind}.html").render(letter=values, **extra)
