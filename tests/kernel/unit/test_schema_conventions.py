"""Every service's tables mean the same on PostgreSQL and SQLite (DESIGN §8, "Embedded is the
same system"): times are ``UTCDateTime``, and a partial index is partial on both."""

import pytest
from sqlalchemy import DateTime

from casework.db import UTCDateTime
from casework.migrations import target_metadata
from casework.service import installed

SERVICES = sorted(installed())


def tables(service_name: str):
    service = installed()[service_name]
    for metadata in target_metadata(service.metadata):
        yield from metadata.tables.values()


def test_the_four_services_are_installed():
    assert SERVICES == ["intake", "lettings", "notifications", "sustainment"]


@pytest.mark.parametrize("service", SERVICES)
def test_every_time_column_is_stored_as_utc(service):
    naive = [f"{table.name}.{column.name}" for table in tables(service) for column in table.columns
             if isinstance(column.type, DateTime) and not isinstance(column.type, UTCDateTime)]
    assert naive == [], "use casework.db.UTCDateTime for every time column"


@pytest.mark.parametrize("service", SERVICES)
def test_every_partial_index_has_the_same_where_on_sqlite(service):
    differ = []
    for table in tables(service):
        for index in table.indexes:
            on_postgres = index.dialect_options["postgresql"].get("where")
            on_sqlite = index.dialect_options["sqlite"].get("where")
            if str(on_postgres) != str(on_sqlite):
                differ.append(f"{index.name}: postgresql_where={on_postgres} sqlite_where={on_sqlite}")
    assert differ == []
