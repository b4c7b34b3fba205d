"""Bedroom need by the bedroom standard, with children paired optimally."""

import datetime as dt

import pytest

from lettings.domain.bedrooms import Member, age_on, bedroom_need, birthday, child_bedrooms, next_change

ON = dt.date(2025, 6, 1)


def aged(years: int, sex: str = "F", relationship: str = "child") -> Member:
    return Member(dt.date(ON.year - years, 1, 1), sex, relationship)


LEAD = aged(35, "F", "applicant")
PARTNER = aged(36, "M", "partner")


@pytest.mark.parametrize(("household", "need"), [
    ([LEAD], 1),
    ([LEAD, PARTNER], 1),
    ([LEAD, aged(40, "M", "other")], 2),  # two adults who are not a couple
    ([LEAD, PARTNER, aged(17, "M")], 2),  # a child of 16+ has a room
    ([LEAD, PARTNER, aged(12, "M"), aged(14, "M")], 2),  # same sex under 16 share
    ([LEAD, PARTNER, aged(12, "M"), aged(14, "F")], 3),  # opposite sex 10+ do not
    ([LEAD, PARTNER, aged(4, "M"), aged(8, "F")], 2),  # under 10 share regardless of sex
    ([LEAD, aged(3, "F"), aged(5, "M"), aged(7, "F")], 3),  # three small children: a pair and one
    # Greedy pairing of the two under-10s first (boy 8 + girl 8) leaves a 12-year-old boy and girl
    # alone: 3 rooms. Optimal: boy 12 + boy 8, girl 12 + girl 8: 2 rooms.
    ([LEAD, PARTNER, aged(12, "M"), aged(12, "F"), aged(8, "M"), aged(8, "F")], 3),
    # Greedy by age (youngest together: girl 4 + boy 6) leaves boy 13 and girl 11 alone: 3 rooms.
    # Optimal: boy 13 + boy 6, girl 11 + girl 4: 2 rooms.
    ([LEAD, aged(13, "M"), aged(11, "F"), aged(6, "M"), aged(4, "F")], 3),
])
def test_bedroom_need(household, need):
    assert bedroom_need(household, ON) == need


@pytest.mark.parametrize(("children", "rooms"), [
    ([], 0),
    ([(12, "M"), (12, "F"), (8, "M"), (8, "F")], 2),  # greedy (under-10s first) says 3
    ([(13, "M"), (11, "F"), (6, "M"), (4, "F")], 2),  # greedy (youngest first) says 3
    ([(15, "F"), (9, "M"), (9, "F"), (3, "F")], 2),  # girl 15 + girl 3, boy 9 + girl 9
    ([(15, "M"), (14, "F"), (13, "M"), (2, "F")], 2),  # boy 15 + boy 13, girl 14 + girl 2
    ([(11, "M"), (11, "F"), (11, "M")], 2),
    ([(10, "M"), (9, "F")], 2),  # a 10-year-old may not share with the opposite sex
])
def test_children_are_paired_optimally(children, rooms):
    assert child_bedrooms(children) == rooms


def test_bedroom_need_follows_birthdays():
    boy, girl = Member(dt.date(2015, 6, 2), "M", "child"), Member(dt.date(2016, 1, 1), "F", "child")
    household = [LEAD, PARTNER, boy, girl]
    assert bedroom_need(household, dt.date(2025, 6, 1)) == 2  # boy is 9: they share
    assert bedroom_need(household, dt.date(2025, 6, 2)) == 3  # boy turns 10


@pytest.mark.parametrize(("household", "on", "changes_on"), [
    ([LEAD, PARTNER], ON, None),  # a couple: nothing changes
    ([LEAD, aged(40, "M", "other")], ON, None),  # adults only
    # The boy turns 10 on 2 June 2025, the girl 10 on 1 January 2026 and 16 in 2032.
    ([LEAD, PARTNER, Member(dt.date(2015, 6, 2), "M", "child"), Member(dt.date(2016, 1, 1), "F", "child")],
     dt.date(2025, 6, 1), dt.date(2025, 6, 2)),
    ([LEAD, PARTNER, Member(dt.date(2015, 6, 2), "M", "child"), Member(dt.date(2016, 1, 1), "F", "child")],
     dt.date(2025, 6, 2), dt.date(2026, 1, 1)),  # the day itself is past: the next one
    ([LEAD, Member(dt.date(2011, 3, 1), "M", "child")], dt.date(2025, 6, 1), dt.date(2027, 3, 1)),  # turns 16
    ([Member(dt.date(2012, 2, 29), "F", "applicant"), Member(dt.date(2018, 2, 1), "F", "child")],
     dt.date(2026, 6, 1), dt.date(2028, 2, 1)),  # a lone lead applicant is counted like anyone else
])
def test_the_next_day_the_need_may_change_is_a_10th_or_16th_birthday(household, on, changes_on):
    assert next_change(household, on) == changes_on


def test_a_leap_day_birthday_falls_on_1_march_in_other_years_as_ages_count_it():
    born = dt.date(2016, 2, 29)
    assert birthday(born, 10) == dt.date(2026, 3, 1)
    assert age_on(born, dt.date(2026, 2, 28)) == 9 and age_on(born, birthday(born, 10)) == 10
    assert birthday(born, 16) == dt.date(2032, 2, 29)  # a leap year


@pytest.mark.parametrize(("born", "on", "age"), [
    (dt.date(2000, 2, 29), dt.date(2025, 2, 28), 24),
    (dt.date(2000, 2, 29), dt.date(2025, 3, 1), 25),
    (dt.date(2000, 6, 1), dt.date(2025, 6, 1), 25),
])
def test_age_on(born, on, age):
    assert age_on(born, on) == age
