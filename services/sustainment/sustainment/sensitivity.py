"""Restricted details of a case: safeguarding and health (special-category data).

Restricted: the special-category reason codes and their risk factors, the support needs a
tenancy start brought, safeguarding and health notes, what visits identified as risks, and
referrals to safeguarding and health agencies (or made without consent for safeguarding).
The case's assigned officer, team leaders and admins see them, and each such read is audited
(``read_restricted``, naming the fields). Other officers get the case with them left out and
named in ``restricted``, the risk factors left out standing as one ``restricted`` factor with their
points (see ``visible_factors``); a "break glass" read with a reason shows them, is audited
(``break_glass``) and publishes ``sustainment.restricted.read`` for the team's manager.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import g, has_request_context
from marshmallow import fields
from sqlalchemy.orm import Session

from casework import audit, context, outbox
from casework.db import utcnow
from sustainment import events, schemas
from sustainment.models import Case

SPECIAL_CATEGORY = frozenset({"mental_health", "physical_health", "substance_misuse", "domestic_abuse",
                              "safeguarding_adult", "safeguarding_child", "disability"})
SENSITIVE_AGENCIES = frozenset({"adult_social_care", "childrens_services", "mental_health_services"})
RESTRICTED_NOTES = frozenset({"safeguarding", "health"})
PRIVILEGED = ("team_leader",)  # admin always is


def may_see(case: Case) -> bool:
    """The case's assigned officer, team leaders and admins see its restricted details."""
    principal = context.principal.get()
    return principal.has_any(*PRIVILEGED) or (case.officer_id is not None and principal.sub == case.officer_id)


def decide(case: Case, *, break_glass: bool = False) -> bool:
    """Whether this request shows the case's restricted details (remembered for the response)."""
    g.sustainment_restricted_shown = shown = break_glass or may_see(case)
    return shown


def shown() -> bool:
    if has_request_context() and hasattr(g, "sustainment_restricted_shown"):
        return g.sustainment_restricted_shown
    return context.principal.get().has_any(*PRIVILEGED)


#: The stand-in for the risk factors a reader may not see.
RESTRICTED_FACTOR = {"code": "restricted", "detail": "Safeguarding or health factors, not shown to your role."}


def visible_factors(factors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The risk factors an officer who may not see special-category ones gets: those left out stand
    as one ``restricted`` factor carrying their points, so the factors add up to the risk score
    (which stays whole: it is the score the case's level and priority came from)."""
    shown = [f for f in factors if f.get("code") not in SPECIAL_CATEGORY]
    hidden = [f for f in factors if f.get("code") in SPECIAL_CATEGORY]
    if hidden:
        shown.append({**RESTRICTED_FACTOR, "points": sum(int(f.get("points") or 0) for f in hidden)})
    return shown


def _sensitive_referral(referral: Any) -> bool:
    agency = referral.directory_agency
    return bool(referral.safeguarding_reason) or (agency.restricted if agency is not None
                                                   else referral.agency in SENSITIVE_AGENCIES)


def restricted_fields(case: Case) -> list[str]:
    """The restricted details this case holds, by field."""
    held = {
        "reasons": any(r in SPECIAL_CATEGORY for r in case.reasons or ()),
        "risk_factors": any(f.get("code") in SPECIAL_CATEGORY for f in case.risk_factors or ()),
        "support_needs": bool(case.support_needs),
        "notes": any(n.category in RESTRICTED_NOTES for n in case.notes),
        "visits.risks_identified": any(v.risks_identified for v in case.visits),
        "agency_referrals.reason": any(_sensitive_referral(r) for r in case.agency_referrals),
    }
    return [name for name, present in held.items() if present]


def audit_read(session: Session, case: Case, *, within: str = "", reason: str | None = None) -> list[str]:
    """Audit a read showing restricted details, of the fields under ``within`` (``notes``…) or all of
    them; a break-glass read (with its reason) also tells the team's manager."""
    names = [n for n in restricted_fields(case) if n.startswith(within)] if shown() else []
    if reason is not None:
        audit.record(session, "break_glass", "case", case.id, after={"fields": names}, reason=reason)
        outbox.emit(session, events.RESTRICTED_READ, subject=str(case.id),
                    data=events.restricted_read(case, context.principal.get().sub, utcnow()))
    elif names:
        audit.record(session, "read_restricted", "case", case.id, after={"fields": names})
    return names


# -- what a reader sees ------------------------------------------------------------------------

_RESTRICTED_MARK = fields.Boolean(dump_default=False, metadata={
    "description": "True when restricted details were left out for this reader."})


class NoteRead(schemas.Note):
    restricted = _RESTRICTED_MARK

    @ma.post_dump
    def _restrict(self, data: dict, **kwargs: Any) -> dict:
        data["restricted"] = data.get("category") in RESTRICTED_NOTES and not shown()
        if data["restricted"]:
            data["text"] = None
        return data


class VisitRead(schemas.Visit):
    restricted = _RESTRICTED_MARK

    @ma.post_dump
    def _restrict(self, data: dict, **kwargs: Any) -> dict:
        data["restricted"] = bool(data.get("risks_identified")) and not shown()
        if data["restricted"]:
            data["risks_identified"] = []
        return data


class AgencyReferralRead(schemas.AgencyReferral):
    restricted = _RESTRICTED_MARK

    @ma.post_dump(pass_original=True)
    def _restrict(self, data: dict, original: Any, **kwargs: Any) -> dict:
        data["restricted"] = _sensitive_referral(original) and not shown()
        if data["restricted"]:
            data["reason"] = data["safeguarding_reason"] = data["response_note"] = data["outcome"] = None
        return data


class CaseDetailRead(schemas.CaseDetail):
    """A case as its reader may see it: restricted details left out and named unless they may see them."""

    notes = fields.List(fields.Nested(NoteRead))
    visits = fields.List(fields.Nested(VisitRead))
    agency_referrals = fields.List(fields.Nested(AgencyReferralRead))
    restricted = fields.List(fields.String(), dump_default=list, metadata={
        "description": "The restricted (safeguarding and health) fields left out for this reader: shown only "
                       "to the case's officer, team leaders and admins, or with `break_glass_reason`.",
        "example": ["reasons", "risk_factors", "notes"]})

    @ma.post_dump(pass_original=True)
    def _restrict(self, data: dict, case: Case, **kwargs: Any) -> dict:
        if shown():
            data["restricted"] = []
            return data
        data["reasons"] = [r for r in data.get("reasons") or () if r not in SPECIAL_CATEGORY]
        data["risk_factors"] = visible_factors(data.get("risk_factors") or [])
        data["support_needs"] = []
        data["restricted"] = restricted_fields(case)
        return data
