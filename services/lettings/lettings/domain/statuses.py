"""An application's status on the housing register and the moves between them (§5).

``active`` → ``suspended`` (until a date the policy sets) → ``active``; ``active`` → ``housed`` at
sign-up; ``active`` or ``suspended`` → ``cancelled`` (with a reason). ``housed`` and
``cancelled`` are final: the application is finished, and a household that needs a home again
registers again.
"""

from __future__ import annotations

import calendar
import datetime as dt

from .policy import LettingsPolicy

STATUSES = ("active", "suspended", "housed", "cancelled")
FINAL = ("housed", "cancelled")
MOVES: dict[str, tuple[str, ...]] = {
    "active": ("suspended", "housed", "cancelled"),
    "suspended": ("active", "cancelled"),
    "housed": (),
    "cancelled": (),
}
_FINISHED = {
    "housed": "The applicant has been housed: their application is finished.",
    "cancelled": "The application has been cancelled: it is finished (the household may register again).",
}


def finished(status: str) -> str | None:
    """Why an application in ``status`` may no longer bid or be offered a home; None when it may."""
    return _FINISHED.get(status)


def move_refusal(current: str, new: str) -> str | None:
    """Why an application may not move from ``current`` to ``new``; None when it may."""
    if current == new:
        return f"The application is already {current}."
    if current in _FINISHED:
        return _FINISHED[current]
    if new not in MOVES.get(current, ()):
        allowed = " or ".join(MOVES.get(current, ())) or "nothing"
        return f"An application that is {current} cannot become {new} (only {allowed})."
    return None


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def suspended_until(today: dt.date, policy: LettingsPolicy) -> dt.date:
    """The day a suspension starting ``today`` ends by the council's policy: it is lifted that day."""
    return months_after(today, policy.suspension_months)
