"""The CORE lettings log: one row per new tenancy in the bulk-upload layout of the collection year
its tenancy started in (``year2024``, ``year2025``, ``year2026``: each year's layout is data), with CORE's answer
codes, for the fields this service holds. The rest are left blank for the officer (see the
service's README).

A CORE file holds one collection year. The file starts as CORE's templates do: a line naming the
year, then the "Field number" row (``Field number,1,2,…``); each log follows with column A blank, so
CORE's bulk upload reads every field by its number.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from casework import policy as council_policy
from lettings.domain.bedrooms import age_on
from lettings.models import Tenancy

from . import year2024, year2025, year2026
from .layout import RENT_TYPES, Layout, collection_start_year

#: The layouts held, by the year their collection opens.
LAYOUTS: dict[int, Layout] = {layout.start_year: layout for layout in (year2024.LAYOUT, year2025.LAYOUT, year2026.LAYOUT)}

UNIT_TYPE = {"house": 7, "flat": 1, "maisonette": 1, "bungalow": 8, "bedsit": 2}
#: (starter/introductory tenancy?, tenancy type, other type): the same codes both years.
TENANCY = {"introductory": (1, 7, ""), "secure": (2, 7, ""), "flexible": (2, 6, ""), "demoted": (2, 3, "Demoted")}
PREFERENCE = {"homeless": "rp_homeless", "insanitary_or_overcrowded": "rp_insanitary_or_overcrowded",
              "medical_or_welfare": "rp_medical_or_welfare", "hardship": "rp_hardship"}
MAX_PERSONS = 8


class UnsupportedYear(ValueError):
    """No layout is held for a collection year the export would need."""


@dataclass(frozen=True)
class CoreSettings:
    """The council's CORE return (``policy.yaml`` ``core``): its organisation codes and its homes'
    usual rent type (a home may say otherwise)."""

    owning_organisation: str = ""
    managing_organisation: str = ""
    rent_type: str = "social_rent"

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> CoreSettings:
        core = raw.get("core") or {}
        owning = str(core.get("owning_organisation") or "")
        settings = cls(owning_organisation=owning, managing_organisation=str(core.get("managing_organisation") or owning),
                       rent_type=str(core.get("rent_type") or cls.rent_type))
        if settings.rent_type not in RENT_TYPES:
            raise ValueError(f"policy: core.rent_type must be one of {', '.join(RENT_TYPES)}")
        return settings


def settings() -> CoreSettings:
    return council_policy.current("lettings", CoreSettings.from_dict)


def layout_for(day: dt.date) -> Layout:
    """The layout of the collection year ``day`` falls in."""
    return layout_of_year(collection_start_year(day))


def layout_of_year(year: int) -> Layout:
    """The layout of the collection year that opens in ``year``."""
    if year not in LAYOUTS:
        held = ", ".join(layout.label for layout in LAYOUTS.values())
        raise UnsupportedYear(f"CORE's {year}/{(year + 1) % 100:02d} layout is not held (held: {held}).")
    return LAYOUTS[year]


def waiting_time(layout: Layout, application_date: dt.date, tenancy_start: dt.date) -> int:
    """Time on the register, application date to tenancy start, as the year's code."""
    years = tenancy_start.year - application_date.year - (
        (tenancy_start.month, tenancy_start.day) < (application_date.month, application_date.day))
    return next(code for at_least, code in layout.waiting if max(years, 0) >= at_least)


def header(layout: Layout) -> list[list[Any]]:
    """The rows before the logs: the year, then the field numbers in order."""
    return [[f"CORE lettings bulk upload {layout.label}"], ["Field number", *range(1, layout.fields + 1)]]


def lettings_log(layout: Layout, tenancy: Tenancy, void_date: dt.date | None, by_choice_based_lettings: bool,
                 core: CoreSettings) -> dict[int, Any]:
    """The CORE fields for one tenancy (field number → answer; absent: blank for the officer)."""
    prop, applicant = tenancy.property, tenancy.applicant
    rent_type = prop.rent_type or core.rent_type
    if rent_type not in layout.rent_type:
        raise UnsupportedYear(f"CORE {layout.label} has no rent type {rent_type!r} (home {prop.reference}).")
    at = layout.at
    row: dict[int, Any] = {}

    def date(name: str, day: dt.date) -> None:
        first = layout.dates[name]
        row[first], row[first + 1], row[first + 2] = day.day, day.month, f"{day:%y}"

    row[at["owning_organisation"]] = core.owning_organisation
    row[at["managing_organisation"]] = core.managing_organisation
    row[at["needs_type"]] = 1  # general needs
    row[at["renewal"]] = 2  # not a renewal
    date("tenancy_start", tenancy.tenancy_start)
    row[at["rent_type"]] = layout.rent_type[rent_type]
    row[at["tenant_code"]] = tenancy.reference
    row[at["property_reference"]] = prop.reference
    row[at["uprn"]] = prop.uprn or ""
    row[at["unit_type"]] = UNIT_TYPE.get(prop.property_type, 6)
    row[at["wheelchair_standard"]] = 1 if prop.wheelchair_accessible else 2
    row[at["bedrooms"]] = prop.bedrooms
    if void_date is not None:
        date("void_date", void_date)
    starter, tenancy_type, other = TENANCY[tenancy.tenancy_type]
    row[at["joint_tenancy"]] = 1 if any(m.relationship == "partner" for m in applicant.household) else 2
    row[at["starter_tenancy"]], row[at["tenancy_type"]], row[at["tenancy_other"]] = starter, tenancy_type, other
    members = sorted(applicant.household, key=lambda m: (m.relationship != "applicant", m.position))
    for n, member in enumerate(members[:MAX_PERSONS], start=1):
        age = age_on(member.date_of_birth, tenancy.tenancy_start)
        if n == 1:
            row[at["lead_age"]], row[at["lead_sex"]] = age, member.sex
        else:
            person = layout.person(n)
            row[person["relationship"]] = layout.relationship[member.relationship]
            row[person["age"]], row[person["sex"]] = age, member.sex
    row[at["waiting_time"]] = waiting_time(layout, applicant.application_date, tenancy.tenancy_start)
    preferences = applicant.reasonable_preference or []
    row[at["reasonable_preference"]] = 1 if preferences else 2
    for code in preferences:
        row[at[PREFERENCE[code]]] = 1
    row[at["choice_based_lettings"]] = 1 if by_choice_based_lettings else 2
    row[at["rent_period"]] = 1  # weekly for 52 weeks
    row[at["basic_rent"]] = f"{tenancy.weekly_rent:.2f}"
    row[at["service_charge"]] = f"{tenancy.service_charge:.2f}"
    return row


def as_line(layout: Layout, row: dict[int, Any]) -> list[Any]:
    """The log as a line of the file: column A blank, then field 1 to the last, blanks for the officer."""
    line: list[Any] = [""] * (layout.fields + 1)
    for n, answer in row.items():
        if 1 <= n <= layout.fields:
            line[n] = answer
    return line


def log_line(tenancy: Tenancy, void_date: dt.date | None, by_choice_based_lettings: bool,
             core: CoreSettings) -> tuple[Layout, str]:
    """A letting's log as a line of its collection year's file (CSV, without its line end), and that
    year's layout: what sign-up keeps (``lettings.letting.core_logs``). ``UnsupportedYear`` as
    ``lettings_log`` raises it, or for a year whose layout is not held."""
    layout = layout_for(tenancy.tenancy_start)
    return layout, as_text([as_line(layout, lettings_log(layout, tenancy, void_date, by_choice_based_lettings, core))])[:-1]


def log_to_keep(tenancy: Tenancy, void_date: dt.date | None, by_choice_based_lettings: bool,
                core: CoreSettings) -> tuple[int, str | None, str | None]:
    """What is kept of a letting's log (``models.CoreLog``): its collection year, the fingerprint of
    the layout its line is in, and the line; no layout and no line where the year's layout (or its
    rent type there) is not held, so that the export builds that year afresh and says why."""
    try:
        layout, line = log_line(tenancy, void_date, by_choice_based_lettings, core)
    except UnsupportedYear:
        return collection_start_year(tenancy.tenancy_start), None, None
    return layout.start_year, layout.fingerprint, line


def as_text(lines: Iterable[list[Any]]) -> str:
    """Lines of the file as CSV, each ended by a newline."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(lines)
    return out.getvalue()


def one_year(years: Iterable[int]) -> int | None:
    """The one collection year of a file's lettings (None for none); ``ValueError`` for more than one."""
    years = sorted(set(years))
    if len(years) > 1:
        labels = " and ".join(f"{y}/{(y + 1) % 100:02d}" for y in years)
        raise ValueError(f"The period holds lettings of the {labels} collection years: CORE takes one year "
                         f"per file (1 April to 31 March).")
    return years[0] if years else None


def file_layout(year: int | None, period_start: dt.date | None, period_end: dt.date | None) -> Layout:
    """The layout of a file: its lettings' year, or with none the period's (``UnsupportedYear`` if not held)."""
    if year is not None:
        return layout_of_year(year)
    return layout_for(period_start or period_end or dt.date.today())


def export(tenancies: list[Tenancy], voids: dict, core: CoreSettings, *, period_start: dt.date | None,
           period_end: dt.date | None) -> tuple[Layout, list[list[Any]]]:
    """The file's lines for the tenancies (started in one collection year), built from them: its
    layout chosen by their start (or, with none, by the period), raising ``UnsupportedYear`` for a
    year not held and ``ValueError`` for tenancies of more than one year."""
    layout = file_layout(one_year(collection_start_year(t.tenancy_start) for t in tenancies), period_start, period_end)
    lines = header(layout)
    for tenancy in tenancies:
        void = voids.get(tenancy.id)
        lines.append(as_line(layout, lettings_log(layout, tenancy, void.void_date if void else None,
                                                  tenancy.offer.advert_id is not None, core)))
    return layout, lines
