"""The CORE export by collection year: each year's header and a letting's key fields where that year's
bulk upload reads them. The expected positions are written out here from MHCLG's CORE service's
bulk-upload parsers for each year (app/services/bulk_upload/lettings/year2024, year2025, year2026 in
github.com/communitiesuk/submit-social-housing-lettings-and-sales-data), not read from our layouts."""

import dataclasses
import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from lettings import core

CORE = core.CoreSettings(owning_organisation="ORG1234", managing_organisation="ORG5678", rent_type="social_rent")


def member(relationship, born, sex, position):
    return SimpleNamespace(relationship=relationship, date_of_birth=born, sex=sex, position=position)


def tenancy(start: dt.date, *, rent_type=None, application_date=dt.date(2021, 5, 1)):
    prop = SimpleNamespace(reference="P-000001", uprn="10008123456", property_type="house", wheelchair_accessible=False,
                           bedrooms=3, rent_type=rent_type)
    household = [member("applicant", dt.date(1990, 1, 1), "F", 0), member("partner", dt.date(1988, 1, 1), "M", 1),
                 member("child", dt.date(2020, 1, 1), "F", 2)]
    applicant = SimpleNamespace(household=household, application_date=application_date,
                                reasonable_preference=["homeless"])
    return SimpleNamespace(property=prop, applicant=applicant, tenancy_start=start, reference="T-000009",
                           tenancy_type="introductory", weekly_rent=Decimal("101.50"), service_charge=Decimal("4.25"),
                           property_id=1, id="tenancy-1", offer=SimpleNamespace(advert_id="ADV"))


#: year → (tenancy start in it, fields, {field number: expected answer}) for the same letting (on the
#: register since 1 May 2021: 3, 4 and 5 years, codes 9, 10 and 11).
PUBLISHED = {
    2024: (dt.date(2024, 6, 3), 130, {
        1: "ORG1234", 2: "ORG5678", 4: 1, 7: 2, 8: 3, 9: 6, 10: "24", 11: 1, 13: "T-000009", 14: "P-000001",
        16: "10008123456", 26: 7, 28: 2, 29: 3, 30: 27, 31: 5, 32: "24", 36: 1, 37: 1, 38: 7,
        42: 34, 43: "F", 47: "P", 48: 36, 49: "M", 51: "C", 52: 4, 53: "F", 97: 9, 106: 1, 107: 1, 112: 1, 123: 1,
        125: "101.50", 126: "4.25"}),
    2025: (dt.date(2025, 6, 3), 129, {
        1: "ORG1234", 2: "ORG5678", 4: 1, 7: 2, 8: 3, 9: 6, 10: "25", 11: 1, 13: "T-000009", 14: "P-000001",
        18: "10008123456", 26: 7, 28: 2, 29: 3, 30: 27, 31: 5, 32: "25", 37: 1, 38: 1, 39: 7,
        42: 35, 43: "F", 47: 1, 48: 37, 49: "M", 51: 2, 52: 5, 53: "F", 97: 10, 106: 1, 107: 1, 112: 1, 123: 1,
        124: "101.50", 125: "4.25"}),
    2026: (dt.date(2026, 6, 3), 147, {
        1: "ORG1234", 2: "ORG5678", 4: 1, 7: 2, 8: 3, 9: 6, 10: "26", 11: 1, 13: "T-000009", 14: "P-000001",
        18: "10008123456", 26: 7, 27: 2, 28: 3, 29: 27, 30: 5, 31: "26", 36: 1, 37: 1, 38: 7,
        41: 36, 42: "F", 48: 38, 49: 1, 50: "M", 54: 6, 55: 2, 56: "F", 112: 11, 121: 1, 122: 1, 127: 1, 141: 1,
        142: "101.50", 143: "4.25"}),
}


@pytest.mark.parametrize("year", sorted(PUBLISHED))
def test_each_years_file_has_its_header_and_the_letting_where_that_year_reads_it(year):
    start, fields, expected = PUBLISHED[year]
    let = tenancy(start)
    layout, lines = core.export([let], {"tenancy-1": SimpleNamespace(void_date=start - dt.timedelta(days=7))}, CORE,
                                period_start=None, period_end=None)

    assert layout.start_year == year
    assert lines[0] == [f"CORE lettings bulk upload {year}/{(year + 1) % 100:02d}"]
    assert lines[1] == ["Field number", *range(1, fields + 1)]
    (line,) = lines[2:]
    assert len(line) == fields + 1 and line[0] == ""  # column A blank, as under CORE's template header
    assert {n: line[n] for n in expected} == expected
    filled = {n for n in range(1, fields + 1) if line[n] != ""}
    assert filled - set(expected) <= {39, 40}  # only the (blank-valued) "other" tenancy type besides


@pytest.mark.parametrize(("start", "year"), [
    (dt.date(2025, 3, 31), 2024), (dt.date(2025, 4, 1), 2025), (dt.date(2026, 3, 31), 2025), (dt.date(2026, 4, 1), 2026),
])
def test_the_layout_is_the_collection_year_of_the_tenancy_start(start, year):
    assert core.layout_for(start).start_year == year


@pytest.mark.parametrize("start", [dt.date(2024, 3, 31), dt.date(2027, 4, 1)])
def test_a_year_whose_layout_is_not_held_is_refused_by_name(start):
    with pytest.raises(core.UnsupportedYear, match=r"(2023/24|2027/28) layout is not held"):
        core.layout_for(start)


def test_a_file_holds_one_collection_year():
    with pytest.raises(ValueError, match="2024/25 and 2025/26"):
        core.export([tenancy(dt.date(2025, 3, 31)), tenancy(dt.date(2025, 4, 1))], {}, CORE, period_start=None,
                    period_end=None)


@pytest.mark.parametrize(("applied", "code"), [
    (dt.date(2025, 6, 4), 2),  # under a year (a day short of one)
    (dt.date(2025, 6, 3), 7), (dt.date(2024, 6, 3), 8), (dt.date(2023, 6, 3), 9), (dt.date(2022, 6, 3), 10),
    (dt.date(2021, 6, 3), 11), (dt.date(2016, 6, 4), 11), (dt.date(2016, 6, 3), 12), (dt.date(2001, 1, 1), 12),
])
def test_time_on_the_register_runs_from_the_application_date_to_the_tenancy_start(applied, code):
    assert core.waiting_time(core.layout_for(dt.date(2026, 6, 3)), applied, dt.date(2026, 6, 3)) == code


def test_a_homes_own_rent_type_overrides_the_councils_and_must_exist_that_year():
    affordable = tenancy(dt.date(2025, 6, 3), rent_type="affordable_rent")
    assert core.lettings_log(core.layout_for(affordable.tenancy_start), affordable, None, True, CORE)[11] == 2
    specified = tenancy(dt.date(2025, 6, 3), rent_type="specified_accommodation")
    assert core.lettings_log(core.layout_for(specified.tenancy_start), specified, None, True, CORE)[11] == 7
    with pytest.raises(core.UnsupportedYear, match="specified_accommodation"):  # new in 2025/26
        earlier = tenancy(dt.date(2024, 6, 3), rent_type="specified_accommodation")
        core.lettings_log(core.layout_for(earlier.tenancy_start), earlier, None, True, CORE)


@pytest.mark.parametrize("year", sorted(PUBLISHED))
def test_the_log_kept_at_sign_up_is_the_line_the_file_writes(year):
    start = PUBLISHED[year][0]
    let, void = tenancy(start), start - dt.timedelta(days=7)
    layout, lines = core.export([let], {"tenancy-1": SimpleNamespace(void_date=void)}, CORE, period_start=None,
                                period_end=None)
    assert core.log_to_keep(let, void, True, CORE) == (year, layout.fingerprint, core.as_text(lines[2:])[:-1])


def test_a_log_whose_year_or_rent_type_is_not_held_is_kept_without_a_line():
    assert core.log_to_keep(tenancy(dt.date(2027, 6, 3)), None, True, CORE) == (2027, None, None)
    assert core.log_to_keep(tenancy(dt.date(2024, 6, 3), rent_type="specified_accommodation"), None, True,
                            CORE) == (2024, None, None)


def test_a_layouts_fingerprint_changes_with_what_it_says():
    layout = core.LAYOUTS[2025]
    moved = dataclasses.replace(layout, at={**layout.at, "bedrooms": 30})
    assert len({layout.fingerprint, moved.fingerprint, core.LAYOUTS[2024].fingerprint}) == 3
    assert dataclasses.replace(layout).fingerprint == layout.fingerprint


def test_the_councils_core_settings_come_from_its_policy():
    settings = core.CoreSettings.from_dict({"core": {"owning_organisation": "ORG42", "rent_type": "affordable_rent"}})
    assert (settings.owning_organisation, settings.managing_organisation, settings.rent_type) == (
        "ORG42", "ORG42", "affordable_rent")  # a council manages its own lettings unless it says otherwise
    with pytest.raises(ValueError, match="core.rent_type"):
        core.CoreSettings.from_dict({"core": {"rent_type": "market_rent"}})
