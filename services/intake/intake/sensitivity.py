"""Restricted details of a referral: safeguarding and health (special-category data).

Restricted: the free-text ``details``, the special-category reason codes and their risk factors,
and a safeguarding exemption's reason. Intake officers and team leaders see them (they triage),
as does the referrer that sent them (a referrer sees only its own referrals); each such read of
one referral is audited (``read_restricted``). Other readers (sustainment officers) get the
referral with them left out and named in ``restricted``, the risk factors left out standing as one
``restricted`` factor with their points (see ``visible_factors``); a "break glass" read with a reason shows
them, is audited (``break_glass``) and publishes ``intake.restricted.read`` for the intake team's
manager.
"""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context
from sqlalchemy.orm import Session

from casework import audit, context, outbox
from casework.db import utcnow
from intake import access, events
from intake.models import Referral

SPECIAL_CATEGORY = frozenset({"mental_health", "physical_health", "substance_misuse", "domestic_abuse",
                              "safeguarding_adult", "safeguarding_child", "disability"})
#: Who sees a referral's restricted details (admin always does; a referrer, and a front-line officer
#: who raised a referral, see only their own referrals: ``access.visible_to``).
SEES_RESTRICTED = ("intake_officer", "team_leader", "referrer", *access.FRONT_LINE)


def may_see() -> bool:
    return context.principal.get().has_any(*SEES_RESTRICTED)


def break_glass() -> None:
    """This request shows the restricted details to a reader who gave a reason."""
    g.intake_break_glass = True


def shown() -> bool:
    if has_request_context() and g.get("intake_break_glass"):
        return True
    return may_see()


def restricted_fields(referral: Referral) -> list[str]:
    """The restricted details this referral holds, by field."""
    held = {
        "details": bool(referral.details),
        "reasons": any(r in SPECIAL_CATEGORY for r in referral.reasons or ()),
        "risk.factors": any(f.get("code") in SPECIAL_CATEGORY for f in referral.risk_factors or ()),
        "safeguarding_exemption": bool(referral.safeguarding_exemption_reason),
    }
    return [name for name, present in held.items() if present]


#: The stand-in for the risk factors a reader may not see.
RESTRICTED_FACTOR = {"code": "restricted", "detail": "Safeguarding or health factors, not shown to your role."}


def visible_factors(factors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The risk factors a reader who may not see special-category ones gets: those left out stand as
    one ``restricted`` factor carrying their points.

    The score stays whole: it set the referral's level and priority, and an officer acting on the
    referral must see the same level its triager saw. Without the stand-in the factors shown (30)
    did not add up to the score (45), and nothing said why; with it they do, and they say that
    restricted factors count, without saying which.
    """
    shown = [f for f in factors if f.get("code") not in SPECIAL_CATEGORY]
    hidden = [f for f in factors if f.get("code") in SPECIAL_CATEGORY]
    if hidden:
        shown.append({**RESTRICTED_FACTOR, "points": sum(int(f.get("points") or 0) for f in hidden)})
    return shown


def restrict(document: dict[str, Any], referral: Referral) -> dict[str, Any]:
    """The referral's document without its restricted details, which ``restricted`` names."""
    document["details"] = None
    document["reasons"] = [r for r in document["reasons"] if r not in SPECIAL_CATEGORY]
    document["risk"] = {**document["risk"], "factors": visible_factors(document["risk"]["factors"])}
    document["safeguarding_exemption"] = None
    document["restricted"] = restricted_fields(referral)
    return document


def audit_read(session: Session, referral: Referral, *, reason: str | None = None) -> None:
    """Audit a read that showed restricted details; a break-glass one also tells the intake team's manager."""
    names = restricted_fields(referral) if shown() else []
    if reason is not None:
        audit.record(session, "break_glass", "referral", referral.id, after={"fields": names}, reason=reason)
        outbox.emit(session, events.RESTRICTED_READ, subject=str(referral.id),
                    data=events.restricted_read(referral, reader=context.principal.get().sub, read_at=utcnow()))
    elif names:
        audit.record(session, "read_restricted", "referral", referral.id, after={"fields": names})
