"""Tenancy start: its type, whether the new tenant is high-risk, and the void it ends."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from .policy import LettingsPolicy

PENNY = Decimal("0.01")
#: A void and a tenancy (the models; any object with their dates will do).
V = TypeVar("V")
T = TypeVar("T")


def default_tenancy_type(existing_tenant: bool, policy: LettingsPolicy) -> str:
    """New social tenants start introductory; a transferring tenant keeps security (policy)."""
    return policy.transfer_type if existing_tenant else policy.new_tenant_type


def high_risk_reasons(support_needs: Sequence[str], affordability_result: str | None,
                      move_on_from: str | None, policy: LettingsPolicy) -> list[str]:
    """Why a new tenant is high-risk (empty when not): support needs, an affordability
    referral, an affordability fail signed up all the same (an officer overrode it: the tenant
    least able to pay), or a move-on from supported housing or care."""
    reasons = []
    if support_needs:
        reasons.append("support_needs")
    if affordability_result == "refer":
        reasons.append("affordability_referral")
    elif affordability_result == "fail":
        reasons.append("affordability_fail_overridden")
    if move_on_from and move_on_from in policy.high_risk_move_on_from:
        reasons.append(f"move_on_from_{move_on_from}")
    return reasons


def void_days(void_date: dt.date, let_date: dt.date) -> int:
    """Days the home stood empty: tenancy start − void date."""
    return max(0, (let_date - void_date).days)


def rent_loss(weekly_rent: Decimal, days: int) -> Decimal:
    """Rent lost while void: weekly rent / 7 × void days."""
    return (weekly_rent / 7 * days).quantize(PENNY, ROUND_HALF_UP)


def voids_and_lets(voids: Sequence[V], tenancies: Sequence[T]) -> list[tuple[V, T | None]]:
    """Each void of one home with the tenancy that ended it (``None`` while it is open), oldest
    first. A tenancy ends the void whose let date is its start; voids and tenancies of the same
    day are paired in the order they happened, so a home let many times keeps one pair per void."""
    waiting = sorted(tenancies, key=lambda t: (t.tenancy_start, t.created_at))
    paired = []
    for void in sorted(voids, key=lambda v: (v.void_date, v.let_date is None, v.let_date or v.void_date)):
        tenancy = next((t for t in waiting if void.let_date is not None and t.tenancy_start == void.let_date), None)
        if tenancy is not None:
            waiting.remove(tenancy)
        paired.append((void, tenancy))
    return paired


def lets_by_home(voids: Iterable[V], tenancies: Iterable[T]) -> Iterator[tuple[V, T]]:
    """Each void ended by a let with the tenancy that ended it, over many homes: ``voids_and_lets``
    for each home (both grouped by ``property_id`` first, so a year's thousands of lets pair in
    one pass, not each home against every row)."""
    homes: dict[object, tuple[list[V], list[T]]] = defaultdict(lambda: ([], []))
    for void in voids:
        homes[void.property_id][0].append(void)
    for tenancy in tenancies:
        homes[tenancy.property_id][1].append(tenancy)
    for home_voids, home_lets in homes.values():
        if len(home_voids) == 1 and len(home_lets) == 1:  # most homes in a period: nothing to order
            if home_voids[0].let_date is not None and home_voids[0].let_date == home_lets[0].tenancy_start:
                yield home_voids[0], home_lets[0]
            continue
        for void, tenancy in voids_and_lets(home_voids, home_lets):
            if tenancy is not None:
                yield void, tenancy
