"""Bedroom need by the bedroom standard.

One bedroom for each couple (the applicant and a partner); one for each other person aged 16
or over; one for two children under 16 of the same sex; one for two children under 10 of
either sex; one for any other child. Children are paired so that the count is the smallest
possible: an exact search over pairings, since pairing greedily (say, the youngest first)
gets some households wrong and households are small.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

ADULT_AGE = 16
SAME_SEX_UNDER = 16
ANY_SEX_UNDER = 10


@dataclass(frozen=True)
class Member:
    date_of_birth: dt.date
    sex: str  # "F" or "M", as CORE records it
    relationship: str  # applicant | partner | child | other


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    """Whole years of age on ``day``."""
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def can_share(a: tuple[int, str], b: tuple[int, str]) -> bool:
    """Two children (age, sex) may share a bedroom."""
    (age_a, sex_a), (age_b, sex_b) = a, b
    if age_a < ANY_SEX_UNDER and age_b < ANY_SEX_UNDER:
        return True
    return sex_a == sex_b and age_a < SAME_SEX_UNDER and age_b < SAME_SEX_UNDER


def child_bedrooms(children: list[tuple[int, str]]) -> int:
    """The fewest bedrooms for these children (age, sex), pairing them optimally."""

    @cache
    def fewest(remaining: tuple[tuple[int, str], ...]) -> int:
        if not remaining:
            return 0
        first, rest = remaining[0], remaining[1:]
        best = 1 + fewest(rest)  # the first child sleeps alone
        for i, other in enumerate(rest):
            if can_share(first, other):
                best = min(best, 1 + fewest(rest[:i] + rest[i + 1:]))
        return best

    return fewest(tuple(sorted(children)))


def birthday(date_of_birth: dt.date, years: int) -> dt.date:
    """The day someone turns ``years`` old (born on 29 February: 1 March in other years, as
    ``age_on`` counts it)."""
    try:
        return date_of_birth.replace(year=date_of_birth.year + years)
    except ValueError:
        return dt.date(date_of_birth.year + years, 3, 1)


def _couple_and_others(household: list[Member]) -> tuple[bool, list[Member]]:
    """Whether the household has a couple (who share a room), and everyone else."""
    relationships = {m.relationship for m in household}
    couple = "applicant" in relationships and "partner" in relationships
    return couple, [m for m in household if not (couple and m.relationship in ("applicant", "partner"))]


def next_change(household: list[Member], on: dt.date) -> dt.date | None:
    """The first day after ``on`` when someone turns 10 or 16, which may change the bedroom
    need (who may share with whom); None when nobody will."""
    _, others = _couple_and_others(household)
    days = [day for member in others for years in (ANY_SEX_UNDER, SAME_SEX_UNDER, ADULT_AGE)
            if (day := birthday(member.date_of_birth, years)) > on]
    return min(days, default=None)


def bedroom_need(household: list[Member], on: dt.date) -> int:
    """Bedrooms the household needs on ``on`` by the bedroom standard (at least one)."""
    couple, others = _couple_and_others(household)
    rooms = 1 if couple else 0
    children: list[tuple[int, str]] = []
    for member in others:
        age = age_on(member.date_of_birth, on)
        if age >= ADULT_AGE:
            rooms += 1
        else:
            children.append((age, member.sex))
    return max(1, rooms + child_bedrooms(children))


def reasons(household: list[Member], on: dt.date) -> list[str]:
    """Why ``bedroom_need`` is what it is, in the officer's words, one line a part of the count."""
    couple, others = _couple_and_others(household)
    adults = sum(1 for m in others if age_on(m.date_of_birth, on) >= ADULT_AGE)
    children = [(age_on(m.date_of_birth, on), m.sex) for m in others if age_on(m.date_of_birth, on) < ADULT_AGE]
    lines = []
    if couple:
        lines.append("1 bedroom for the couple (the applicant and their partner)")
    if adults:
        lines.append(f"{adults} bedroom{'s' if adults > 1 else ''}: one for each person aged {ADULT_AGE} or over "
                     f"{'besides the couple' if couple else ''}".strip())
    if children:
        rooms = child_bedrooms(children)
        lines.append(f"{rooms} bedroom{'s' if rooms > 1 else ''} for {len(children)} "
                     f"child{'ren' if len(children) > 1 else ''} under {ADULT_AGE}: two of the same sex under "
                     f"{SAME_SEX_UNDER}, or any two under {ANY_SEX_UNDER}, share")
    if not lines:
        lines.append("At least 1 bedroom")
    return lines
