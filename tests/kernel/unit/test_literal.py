"""``casework.literal``: our own values written into the SQL, so that a prepared statement's plan
is made for them (a generic plan guessed a year of lets at 126 and planned a nested loop: 75-90 s)."""

import datetime as dt

import pytest
from sqlalchemy import Column, Date, MetaData, String, Table, select
from sqlalchemy.dialects import postgresql, sqlite

from casework.literal import day_of, text_of, written_in

lets = Table("lets", MetaData(), Column("status", String(20)), Column("start", Date))


def sql(stmt, dialect) -> str:
    return " ".join(str(stmt.compile(dialect=dialect)).split())


@pytest.mark.parametrize("dialect", [postgresql.dialect(), sqlite.dialect()], ids=["postgresql", "sqlite"])
def test_values_are_in_the_statement_not_its_parameters(dialect):
    stmt = select(lets.c.status).where(written_in(lets.c.status, ("open", "acknowledged")),
                                       lets.c.start >= day_of(dt.date(2025, 4, 1)))
    compiled = stmt.compile(dialect=dialect)
    assert "lets.status IN ('open', 'acknowledged')" in sql(stmt, dialect)
    assert "lets.start >= '2025-04-01'" in sql(stmt, dialect)
    assert not compiled.params


def test_only_our_own_constants_and_dates_are_written_in():
    with pytest.raises(ValueError, match="not a constant"):
        text_of("x') OR ('1'='1")
    with pytest.raises(TypeError):
        day_of("2025-04-01")
    with pytest.raises(TypeError):
        day_of(dt.datetime(2025, 4, 1, tzinfo=dt.UTC))
    assert sql(select(text_of("signed_up")), postgresql.dialect()) == "SELECT 'signed_up'"
