"""The kernel's tallies (``casework.tallies``): counts kept by London day and month, read over any
range as a count of the moments themselves would give, on PostgreSQL and SQLite."""

from __future__ import annotations

import datetime as dt
import random
import statistics
from collections import Counter

import pytest
from sqlalchemy import select

from casework import tallies
from casework.db import naming_metadata
from casework.reports import DateRange, month_of
from casework.workdays import london_today
from casework_dev.testing import plan_of, statements_sent

TALLIES = tallies.tables(naming_metadata())
UTC = dt.UTC

#: Moments at the edges of London's days and months, in and out of summer time (UTC).
EDGES = [
    dt.datetime(2026, 1, 31, 23, 59, tzinfo=UTC),  # 31 January in London (GMT)
    dt.datetime(2026, 2, 1, 0, 0, tzinfo=UTC),  # 1 February
    dt.datetime(2026, 3, 29, 0, 59, tzinfo=UTC),  # the clocks go forward at 01:00 UTC: still 29 March
    dt.datetime(2026, 3, 31, 22, 59, tzinfo=UTC),  # 23:59 BST: 31 March
    dt.datetime(2026, 3, 31, 23, 0, tzinfo=UTC),  # 00:00 BST: 1 April in London, still March in UTC
    dt.datetime(2026, 4, 30, 23, 30, tzinfo=UTC),  # 1 May in London
    dt.datetime(2026, 10, 24, 23, 30, tzinfo=UTC),  # 25 October, 00:30 BST
    dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC),  # after the clocks go back: 01:30 GMT
    dt.datetime(2026, 10, 31, 23, 30, tzinfo=UTC),  # 31 October, 23:30 GMT
]


@pytest.fixture
def db(any_database):
    TALLIES.months.metadata.create_all(any_database.engine)
    return any_database


def _made(seed: int = 7) -> list[tuple[dt.datetime, str, int]]:
    """Moments (the edges and many more) with a key ("a".."c") and a whole number of days (0..40)."""
    rng = random.Random(seed)
    start = dt.datetime(2026, 1, 1, tzinfo=UTC)
    moments = EDGES + [start + dt.timedelta(minutes=rng.randrange(0, 365 * 24 * 60)) for _ in range(400)]
    return [(moment, rng.choice("abc"), rng.randrange(0, 41)) for moment in moments]


def _spans() -> list[DateRange]:
    d = dt.date
    return [DateRange(d(2026, 1, 1), d(2026, 12, 31)),  # whole months only
            DateRange(d(2026, 3, 31), d(2026, 3, 31)), DateRange(d(2026, 4, 1), d(2026, 4, 1)),  # one day
            DateRange(d(2026, 3, 29), d(2026, 5, 1)),  # part months at both ends, a whole between
            DateRange(d(2026, 2, 1), d(2026, 4, 30)), DateRange(d(2026, 1, 31), d(2026, 2, 27)),
            DateRange(d(2026, 10, 25), d(2026, 10, 31)), DateRange(d(2025, 12, 8), d(2026, 12, 7)),
            DateRange(d(2026, 6, 10), d(2026, 6, 20))]


def _expected(made, span: DateRange) -> Counter:
    return Counter((month_of(moment), (key,)) for moment, key, _ in made if span.holds(moment))


def test_counts_added_by_the_day_read_over_any_range_as_the_moments_counted(db):
    made = _made()
    with db.transaction() as session:
        tallies.add(session, TALLIES, [("made", london_today(moment), (key,), 1) for moment, key, _ in made])
        # Added in several statements, and some taken off again: the same counts.
        tallies.add(session, TALLIES, [("made", london_today(made[0][0]), (made[0][1],), 2)])
        tallies.add(session, TALLIES, [("made", london_today(made[0][0]), (made[0][1],), -2)])
    with db.transaction() as session:
        for span in _spans():
            found = Counter({(month, key): n for month, key, n in tallies.counted(session, TALLIES, "made", span)})
            assert found == _expected(made, span), span
        assert sum(n for _, _, n in tallies.counted(session, TALLIES, "made")) == len(made)


def test_several_figures_counted_in_one_statement_as_each_alone(db):
    made = _made(5)
    with db.transaction() as session:
        tallies.add(session, TALLIES, [(f"made:{key}", london_today(moment), (str(days % 3),), 1)
                                       for moment, key, days in made])
    with db.transaction() as session:
        for span in [*_spans(), None]:
            with statements_sent(db.engine) as sent:
                each = tallies.counted_each(session, TALLIES, ["made:a", "made:b", "made:c", "none"], span)
            assert [sql for sql, _ in sent if sql.startswith("SELECT")] == [sent[-1][0]], span
            assert each["none"] == []
            for figure in ("made:a", "made:b", "made:c"):
                assert sorted(each[figure]) == sorted(tallies.counted(session, TALLIES, figure, span)), (figure, span)
                assert each[figure] or span != _spans()[0]


def test_figures_totalled_over_a_range_by_the_database(db):
    """``totalled``: a row a key, the sum of the figure's counts over the range (months and part
    months alike), in the same one statement as the figures counted by month."""
    made = _made(9)
    with db.transaction() as session:
        tallies.add(session, TALLIES, [(f"made:{key}", london_today(moment), (str(days % 4),), 1)
                                       for moment, key, days in made])
        tallies.add(session, TALLIES, [("made:a", london_today(made[0][0]), ("gone",), 1),
                                       ("made:a", london_today(made[0][0]), ("gone",), -1)])  # nought: left out
    with db.transaction() as session:
        for span in [*_spans(), None]:
            with statements_sent(db.engine) as sent:
                each = tallies.counted_each(session, TALLIES, ["made:a", "made:b", "made:c"], span,
                                            totalled=["made:b", "made:c"])
            assert [sql for sql, _ in sent if sql.startswith("SELECT")] == [sent[-1][0]], span
            assert sorted(each["made:a"]) == sorted(tallies.counted(session, TALLIES, "made:a", span)), span
            for figure in ("made:b", "made:c"):
                summed: Counter = Counter()
                for _, key, n in tallies.counted(session, TALLIES, figure, span):
                    summed[key] += n
                assert sorted(each[figure]) == sorted((None, key, n) for key, n in summed.items() if n), (figure, span)
        assert len(each["made:b"]) == 4


def test_a_moment_counts_on_its_london_day_and_in_its_london_month(db):
    with db.transaction() as session:
        tallies.add(session, TALLIES, [("edge", london_today(EDGES[4]), ("a",), 1)])
        days = session.execute(select(TALLIES.days.c.day, TALLIES.days.c.count)).all()
        months = session.execute(select(TALLIES.months.c.month, TALLIES.months.c.count)).all()
        assert days == [("2026-04-01", 1)] and months == [("2026-04", 1)]
        assert tallies.counted(session, TALLIES, "edge", DateRange(dt.date(2026, 3, 1), dt.date(2026, 3, 31))) == []


def test_a_rebuild_keeps_the_same_counts_as_adding_them_one_by_one(db):
    made = _made(11)
    with db.transaction() as session:
        for moment, key, _ in made:
            tallies.add(session, TALLIES, [("made", london_today(moment), (key,), 1)])
        added = [session.execute(select(table).order_by(*table.primary_key.columns)).all()
                 for table in (TALLIES.months, TALLIES.days)]
        assert tallies.rebuild(session, TALLIES, "made", [(london_today(m), (k,), 1) for m, k, _ in made]) > 0
        rebuilt = [session.execute(select(table).order_by(*table.primary_key.columns)).all()
                   for table in (TALLIES.months, TALLIES.days)]
    assert rebuilt == added


def test_the_middles_of_any_range_are_the_medians_of_the_moments_values(db):
    made = _made(3)
    with db.transaction() as session:
        tallies.rebuild(session, TALLIES, "days:a", [(london_today(m), (tallies.number(n),), 1) for m, k, n in made if k == "a"])
        tallies.rebuild(session, TALLIES, "days:b", [(london_today(m), (tallies.number(n),), 1) for m, k, n in made if k == "b"])
    with db.transaction() as session:
        for span in _spans():
            found = tallies.middles(session, TALLIES, ["days:a", "days:b"], span)
            values: dict = {}
            for moment, key, n in made:
                if key in "ab" and span.holds(moment):
                    values.setdefault((f"days:{key}", month_of(moment)), []).append(n)
            assert {k: (low if whole % 2 else (low + high) / 2) for k, (low, high, whole) in found.items()} == {
                k: statistics.median(v) for k, v in values.items()}, span


def test_the_middles_of_whole_months_walk_the_counts_in_the_index_s_order(db):
    """The days open written by ``tallies.number`` sort as numbers: the medians of whole months are
    found walking the primary key's order, with no sort (five years of a large council's days open
    sorted took most of the outcomes report's time: bench/NOTES.md, "Day tallies and the team
    queue"). PostgreSQL walks them with window functions; SQLite's took twice as long as reading
    the counts in that order and walking them in Python ("SQLite at full size (lite)")."""
    assert [tallies.number(n) for n in (0, 7, 42, 365, 1000)] == sorted(tallies.number(n) for n in (1000, 365, 42, 7, 0))
    with db.transaction() as session:
        tallies.rebuild(session, TALLIES, "days:a", [(london_today(m), (tallies.number(n),), 1) for m, _, n in _made()])
    with statements_sent(db.engine) as statements, db.transaction() as session:
        tallies.middles(session, TALLIES, ["days:a"], DateRange(dt.date(2026, 1, 1), dt.date(2026, 12, 31)))
    [(statement, parameters)] = [(s, p) for s, p in statements if s.startswith("SELECT")]
    plan = plan_of(db.engine, statement, parameters)  # as over five years of counts
    if db.engine.dialect.name == "postgresql":
        assert "pk_monthly_tallies" in plan and "Sort" not in plan, plan
    else:
        assert " OVER " not in statement, statement
        assert "monthly_tallies" in plan and "TEMP B-TREE" not in plan, plan


def test_the_middles_of_a_range_with_part_months_at_both_ends_take_two_statements(db):
    """The whole months in one (in the index's order), both part months in another: it was one a
    part, three round trips for the outcomes report over five years."""
    made = _made(5)
    with db.transaction() as session:
        tallies.rebuild(session, TALLIES, "days:a", [(london_today(m), (tallies.number(n),), 1) for m, k, n in made if k == "a"])
    span = DateRange(dt.date(2026, 1, 10), dt.date(2026, 6, 20))
    with statements_sent(db.engine) as statements, db.transaction() as session:
        found = tallies.middles(session, TALLIES, ["days:a"], span)
    assert len([s for s, _ in statements if s.startswith("SELECT")]) == 2, statements
    values: dict = {}
    for moment, key, n in made:
        if key == "a" and span.holds(moment):
            values.setdefault(("days:a", month_of(moment)), []).append(n)
    assert {k: (low if whole % 2 else (low + high) / 2) for k, (low, high, whole) in found.items()} == {
        k: statistics.median(v) for k, v in values.items()}
    assert {month for _, month in found} >= {"2026-01", "2026-06"}
