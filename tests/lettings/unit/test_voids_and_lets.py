"""Which tenancy ended which void of a home: the pairing the home's history and the void report read."""

import datetime as dt
from types import SimpleNamespace

import pytest

from lettings.domain.tenancy import voids_and_lets

D = dt.date(2026, 1, 1)
AT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def void(name, start, let=None):
    return SimpleNamespace(name=name, void_date=D + dt.timedelta(days=start),
                           let_date=None if let is None else D + dt.timedelta(days=let))


def tenancy(name, start, created=0):
    return SimpleNamespace(name=name, tenancy_start=D + dt.timedelta(days=start),
                           created_at=AT + dt.timedelta(minutes=created))


@pytest.mark.parametrize(("voids", "tenancies", "pairs"), [
    ([], [], []),
    ([void("v1", 0)], [], [("v1", None)]),
    ([void("v1", 0, 10)], [tenancy("t1", 10)], [("v1", "t1")]),
    # Three lets of one home, given in any order: each void with the tenancy that started on its let date.
    ([void("v3", 40, 50), void("v1", 0, 10), void("v2", 20, 30), void("v4", 60)],
     [tenancy("t2", 30), tenancy("t3", 50), tenancy("t1", 10)],
     [("v1", "t1"), ("v2", "t2"), ("v3", "t3"), ("v4", None)]),
    # A tenancy that ended the day it started, and the next let that same day: one each, in order.
    ([void("v2", 10, 10), void("v1", 0, 10)], [tenancy("t2", 10, created=5), tenancy("t1", 10, created=1)],
     [("v1", "t1"), ("v2", "t2")]),
    # A tenancy with no void recorded (signed up before voids were kept) pairs with nothing.
    ([void("v1", 20, 30)], [tenancy("t0", 5), tenancy("t1", 30)], [("v1", "t1")]),
])
def test_each_void_pairs_with_the_tenancy_that_ended_it(voids, tenancies, pairs):
    assert [(v.name, t.name if t else None) for v, t in voids_and_lets(voids, tenancies)] == pairs
