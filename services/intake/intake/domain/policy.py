"""The council's intake policy as typed values, read from the ``policy.yaml`` document."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

RISK_LEVELS: tuple[str, ...] = ("low", "medium", "high", "critical")
PRIORITIES: tuple[str, ...] = ("routine", "urgent", "emergency")


class PolicyError(ValueError):
    """The policy file is missing a value or has one intake cannot use."""


@dataclass(frozen=True)
class Band:
    """Points for a measure (weeks of arrears, clutter rating) at or above ``minimum``."""

    minimum: Decimal
    points: int


@dataclass(frozen=True)
class RiskPolicy:
    reason_points: Mapping[str, int]
    arrears_bands: tuple[Band, ...]
    arrears_not_given: int
    clutter_bands: tuple[Band, ...]
    clutter_not_given: int
    #: (level, minimum score), highest minimum first.
    levels: tuple[tuple[str, int], ...]
    #: reason code → the lowest level a referral with that reason may have.
    floors: Mapping[str, str]


@dataclass(frozen=True)
class IntakePolicy:
    risk: RiskPolicy
    triage_working_days: Mapping[str, int]
    default_priority: Mapping[str, str]
    duplicate_window_days: int
    duplicate_open_statuses: tuple[str, ...]


def _bands(items: list[dict[str, Any]], key: str) -> tuple[Band, ...]:
    bands = tuple(Band(Decimal(str(item[key])), int(item["points"])) for item in items)
    return tuple(sorted(bands, key=lambda band: band.minimum, reverse=True))


def _level(value: str, where: str) -> str:
    if value not in RISK_LEVELS:
        raise PolicyError(f"{where}: {value!r} is not a risk level ({', '.join(RISK_LEVELS)})")
    return value


def from_document(doc: Mapping[str, Any]) -> IntakePolicy:
    """Build the policy from the loaded YAML; ``PolicyError`` names what is wrong."""
    try:
        risk_doc, triage_doc, dup_doc = doc["risk"], doc["triage"], doc["duplicates"]
        levels = tuple(sorted(((_level(item["level"], "risk.levels"), int(item["min_score"]))
                               for item in risk_doc["levels"]), key=lambda lv: lv[1], reverse=True))
        risk = RiskPolicy(
            reason_points={code: int(points) for code, points in risk_doc["reasons"].items()},
            arrears_bands=_bands(risk_doc["arrears"]["bands"], "min_weeks"),
            arrears_not_given=int(risk_doc["arrears"]["not_given"]),
            clutter_bands=_bands(risk_doc["clutter"]["bands"], "min_rating"),
            clutter_not_given=int(risk_doc["clutter"]["not_given"]),
            levels=levels,
            floors={code: _level(level, f"risk.floors.{code}") for code, level in (risk_doc.get("floors") or {}).items()},
        )
        days = {level: int(triage_doc["working_days"][level]) for level in RISK_LEVELS}
        priorities = {level: triage_doc["default_priority"][level] for level in RISK_LEVELS}
        window = int(dup_doc["window_days"])
        open_statuses = tuple(dup_doc["open_statuses"])
    except KeyError as exc:
        raise PolicyError(f"the intake policy has no value for {exc.args[0]!r}") from None
    except (TypeError, ValueError, ArithmeticError) as exc:
        if isinstance(exc, PolicyError):
            raise
        raise PolicyError(f"the intake policy has a value of the wrong kind: {exc}") from None
    if not levels or levels[-1][1] > 0:
        raise PolicyError("risk.levels must give a level for a score of 0")
    for level, priority in priorities.items():
        if priority not in PRIORITIES:
            raise PolicyError(f"triage.default_priority.{level}: {priority!r} is not a priority")
    if any(d < 0 for d in days.values()) or window < 0:
        raise PolicyError("working days and the duplicate window cannot be negative")
    return IntakePolicy(risk=risk, triage_working_days=days, default_priority=priorities,
                        duplicate_window_days=window, duplicate_open_statuses=open_statuses)
