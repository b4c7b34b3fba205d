"""The CORE lettings log (2024/25 bulk-upload layout): one row per new tenancy, in CORE's
field numbering and answer codes, for the fields this service holds. The rest are left
blank for the officer to complete (see the service's README)."""

from __future__ import annotations

import datetime as dt

from lettings.domain.bedrooms import age_on
from lettings.models import Tenancy

FIELDS = [f"field_{n}" for n in range(1, 131)]

UNIT_TYPE = {"house": 7, "flat": 1, "maisonette": 1, "bungalow": 8, "bedsit": 2}
#: (field_37 starter/introductory tenancy?, field_38 tenancy type, field_39 other type)
TENANCY = {"introductory": (1, 7, ""), "secure": (2, 7, ""), "flexible": (2, 6, ""), "demoted": (2, 3, "Demoted")}
RELATIONSHIP = {"partner": "P", "child": "C", "other": "X", "applicant": "X"}
PREFERENCE_FIELD = {"homeless": "field_107", "insanitary_or_overcrowded": "field_108",
                    "medical_or_welfare": "field_109", "hardship": "field_110"}
MAX_PERSONS = 8


def _date(row: dict, first: int, day: dt.date) -> None:
    row[f"field_{first}"], row[f"field_{first + 1}"], row[f"field_{first + 2}"] = day.day, day.month, f"{day:%y}"


def lettings_log(tenancy: Tenancy, void_date: dt.date | None, by_choice_based_lettings: bool) -> dict:
    """The CORE fields for one tenancy (field name → value; blanks for the officer)."""
    prop, applicant = tenancy.property, tenancy.applicant
    row: dict = dict.fromkeys(FIELDS, "")
    row["field_4"] = 1  # general needs
    row["field_7"] = 2  # not a renewal
    _date(row, 8, tenancy.tenancy_start)
    row["field_13"] = tenancy.reference
    row["field_14"] = prop.reference
    row["field_16"] = prop.uprn or ""
    row["field_26"] = UNIT_TYPE.get(prop.property_type, 6)
    row["field_28"] = 1 if prop.wheelchair_accessible else 2
    row["field_29"] = prop.bedrooms
    if void_date is not None:
        _date(row, 30, void_date)
    starter, tenancy_type, other = TENANCY[tenancy.tenancy_type]
    row["field_36"] = 1 if any(m.relationship == "partner" for m in applicant.household) else 2
    row["field_37"], row["field_38"], row["field_39"] = starter, tenancy_type, other
    members = sorted(applicant.household, key=lambda m: (m.relationship != "applicant", m.position))
    for n, member in enumerate(members[:MAX_PERSONS], start=1):
        age = age_on(member.date_of_birth, tenancy.tenancy_start)
        if n == 1:
            row["field_42"], row["field_43"] = age, member.sex
        else:
            base = 47 + 4 * (n - 2)
            row[f"field_{base}"] = RELATIONSHIP[member.relationship]
            row[f"field_{base + 1}"] = age
            row[f"field_{base + 2}"] = member.sex
    preferences = applicant.reasonable_preference or []
    row["field_106"] = 1 if preferences else 2
    for code in preferences:
        row[PREFERENCE_FIELD[code]] = 1
    row["field_112"] = 1 if by_choice_based_lettings else 2
    row["field_123"] = 1  # rent period: weekly for 52 weeks
    row["field_125"] = f"{tenancy.weekly_rent:.2f}"
    row["field_126"] = f"{tenancy.service_charge:.2f}"
    return row
