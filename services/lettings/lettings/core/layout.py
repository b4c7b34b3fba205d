"""What a CORE collection year's lettings bulk-upload layout is, as data: how many fields, where each
answer this service gives goes, and the answer codes that differ between years."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

#: Rent types as this service names them (``policy.yaml`` ``core.rent_type``, a home's ``rent_type``);
#: each year's layout gives their codes (specified accommodation from 2025/26).
RENT_TYPES = ("social_rent", "affordable_rent", "london_affordable_rent", "rent_to_buy", "london_living_rent",
              "other_intermediate_rent", "specified_accommodation")


@dataclass(frozen=True)
class Layout:
    """One collection year's layout (1 April to 31 March)."""

    #: The year the collection opens, e.g. 2025 for 2025/26.
    start_year: int
    #: The number of fields, ``field_1`` … ``field_<fields>``, in that order.
    fields: int
    #: The field number of each single answer this service gives.
    at: Mapping[str, int]
    #: The first field of each three-part date (day, month, two-digit year).
    dates: Mapping[str, int]
    #: Persons 2 to 8: the field of person 2's first answer, and the order of each person's four answers.
    person_2: int
    person_answers: tuple[str, ...]
    #: Person n's relationship to the lead tenant, by this service's relationship names.
    relationship: Mapping[str, object]
    #: Rent types this year knows (``policy.yaml`` ``core.rent_type`` names) and their codes.
    rent_type: Mapping[str, int]
    #: Time on the register (``waityear``): (whole years at least, code), longest first.
    waiting: tuple[tuple[int, int], ...]

    @cached_property
    def fingerprint(self) -> str:
        """What this layout says, in short: a log stored with another was written in a layout since
        changed in code (``lettings.letting.core_logs``)."""
        return hashlib.sha256(repr(self).encode()).hexdigest()[:16]

    @property
    def label(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.start_year, 4, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.start_year + 1, 3, 31)

    def person(self, n: int) -> dict[str, int]:
        """Person ``n`` (2 to 8): each answer's field."""
        first = self.person_2 + len(self.person_answers) * (n - 2)
        return {answer: first + i for i, answer in enumerate(self.person_answers)}


def collection_start_year(day: dt.date) -> int:
    """The collection year a letting belongs to, by its tenancy start: 1 April to 31 March."""
    return day.year if day >= dt.date(day.year, 4, 1) else day.year - 1
