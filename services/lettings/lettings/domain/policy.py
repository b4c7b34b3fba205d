"""The council's lettings policy as a typed value, built from ``policy.yaml``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

#: The longest band name a council's scheme may use: what ``applicants.band`` holds ("A", "Band 1",
#: "Gold", "Emergency"; migration 0012).
BAND_NAME_LENGTH = 30


#: Why applicants refuse offers, as ``policy.yaml`` ships them (``offers.refusal_reasons``).
REFUSAL_REASONS = (
    ("size", "The home is the wrong size for the household"),
    ("location", "The area or location does not suit the household"),
    ("condition", "The condition of the home"),
    ("accessibility", "The home does not meet the household's access or medical needs"),
    ("safety", "The household would not be safe in the area"),
    ("cost", "The rent or service charge is not affordable"),
    ("personal", "A change in the household's circumstances"),
    ("other", "Another reason (given below)"),
)


@dataclass(frozen=True)
class LettingsPolicy:
    bands: tuple[str, ...] = ("A", "B", "C", "D")
    extra_bedrooms_allowed: int = 0
    wheelchair_priority: bool = True
    ground_floor_need_excludes_upper_floors: bool = True
    response_working_days: int = 3
    unreasonable_refusal_limit: int = 2
    refusal_window_months: int = 12
    suspension_months: int = 12
    expired_counts_as_refusal: bool = False
    #: Why an applicant refuses an offer: code → label, in the order officers are offered them.
    refusal_reasons: tuple[tuple[str, str], ...] = REFUSAL_REASONS
    referral_margin: Decimal = Decimal("150.00")
    new_tenant_type: str = "introductory"
    transfer_type: str = "secure"
    high_risk_move_on_from: tuple[str, ...] = ("supported_housing", "care")

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> LettingsPolicy:
        shortlist = raw.get("shortlist", {})
        offers = raw.get("offers", {})
        affordability = raw.get("affordability", {})
        tenancy = raw.get("tenancy", {})
        default = cls()
        return cls(
            bands=_bands(raw.get("bands", default.bands)),
            extra_bedrooms_allowed=int(shortlist.get("extra_bedrooms_allowed", default.extra_bedrooms_allowed)),
            wheelchair_priority=bool(shortlist.get("wheelchair_priority", default.wheelchair_priority)),
            ground_floor_need_excludes_upper_floors=bool(shortlist.get(
                "ground_floor_need_excludes_upper_floors", default.ground_floor_need_excludes_upper_floors)),
            response_working_days=int(offers.get("response_working_days", default.response_working_days)),
            unreasonable_refusal_limit=int(offers.get("unreasonable_refusal_limit", default.unreasonable_refusal_limit)),
            refusal_window_months=int(offers.get("refusal_window_months", default.refusal_window_months)),
            suspension_months=_at_least_one("offers.suspension_months",
                                            offers.get("suspension_months", default.suspension_months)),
            expired_counts_as_refusal=bool(offers.get("expired_counts_as_refusal", default.expired_counts_as_refusal)),
            refusal_reasons=_refusal_reasons(offers.get("refusal_reasons", dict(default.refusal_reasons))),
            referral_margin=Decimal(str(affordability.get("referral_margin", default.referral_margin))),
            new_tenant_type=str(tenancy.get("new_tenant_type", default.new_tenant_type)),
            transfer_type=str(tenancy.get("transfer_type", default.transfer_type)),
            high_risk_move_on_from=tuple(tenancy.get("high_risk_move_on_from", default.high_risk_move_on_from)),
        )


def _bands(raw: Any) -> tuple[str, ...]:
    """The scheme's bands, highest priority first: named by the council, each a short name."""
    bands = tuple(str(band) for band in raw)
    if not bands or any(not band or len(band) > BAND_NAME_LENGTH for band in bands) or len(set(bands)) < len(bands):
        raise ValueError(f"policy: bands must be distinct names of 1 to {BAND_NAME_LENGTH} characters")
    return bands


#: The longest refusal reason code (``offers.refusal_reason_code``; migration 0014).
REFUSAL_CODE_LENGTH = 40


def _refusal_reasons(raw: Any) -> tuple[tuple[str, str], ...]:
    """The refusal reasons a council lists: ``code: label``, codes short and lower case."""
    if not isinstance(raw, dict) or not raw:
        raise ValueError("policy: offers.refusal_reasons must map each code to its label")
    found = tuple((str(code), str(label)) for code, label in raw.items())
    for code, label in found:
        if not re.fullmatch(rf"[a-z0-9_]{{1,{REFUSAL_CODE_LENGTH}}}", code) or not label.strip():
            raise ValueError(f"policy: offers.refusal_reasons: {code!r} must be a code of a-z, 0-9 and _ "
                             f"(up to {REFUSAL_CODE_LENGTH}) with a label")
    return found


def _at_least_one(name: str, raw: Any) -> int:
    value = int(raw)
    if value < 1:
        raise ValueError(f"policy: {name} must be at least 1")
    return value
