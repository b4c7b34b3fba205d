"""One service as its integration tests use it, on either backend it runs on.

``ServiceHarness`` is production's backend (PostgreSQL and RabbitMQ); ``EmbeddedHarness`` is
the embedded system's (`make run`: a SQLite file and the in-process broker). Both offer the
same things: ``client``, ``db``, ``settings``, ``namespace``, ``database_url``, ``events()``,
``worker()``, ``truncate()`` and ``close()``, so one test runs on both.
"""

from __future__ import annotations

import uuid

from .servers import create_database, delete_namespace, drop_database, test_settings


class _Harness:
    """What both backends share once the service's database is migrated and its app made."""

    backend = ""

    def _open(self, service, database_url: str, broker_url: str, migrate: bool, overrides: dict) -> None:
        from casework.db import Database
        from casework.migrations import upgrade
        from casework.web import create_app

        self.service = service
        self.database_url = database_url
        if migrate:
            upgrade(service, database_url)
        self.settings = test_settings(service.name, database_url=database_url, broker_url=broker_url,
                                      namespace=self.namespace, **overrides)
        self.db = Database(database_url)
        self.app = create_app(service, settings=self.settings, db=self.db)
        self.client = self.app.test_client()
        self._workers: list = []

    def worker(self):
        """Start the service's worker (relay, consumer, sweeper) against this backend's broker."""
        from casework.worker import Worker

        worker = Worker(self.service, self.settings, self.db)
        worker.start()
        self._workers.append(worker)
        # Its queue and bindings exist from here on: events published now reach it.
        if not worker.consuming(timeout=15):
            raise TimeoutError("the worker's consumer did not connect within 15 s")
        return worker

    def events(self, type: str | None = None) -> list:
        """The events this service has written to its outbox, oldest first."""
        from sqlalchemy import select

        from casework.events import parse
        from casework.outbox import OutboxMessage

        with self.db.transaction() as session:
            rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
            found = [parse(row.body) for row in rows]
        if type is not None:
            type = type if type.startswith("casework.") else "casework." + type
            found = [e for e in found if e.type == type]
        return found

    def truncate(self) -> None:  # pragma: no cover - each backend empties its own way
        raise NotImplementedError

    def _stop_workers(self) -> None:
        for worker in self._workers:
            worker.stop(timeout=5)
        self._workers.clear()

    def close(self) -> None:  # pragma: no cover
        raise NotImplementedError

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class ServiceHarness(_Harness):
    """One service against real servers: its own migrated PostgreSQL database and broker names."""

    backend = "postgresql"

    def __init__(self, service, postgres_url: str, broker_url: str, *, migrate: bool = True, **overrides) -> None:
        self.namespace = f"t{uuid.uuid4().hex[:10]}"
        database_url = create_database(postgres_url, prefix=f"cw_{service.name}")
        self._open(service, database_url, broker_url, migrate, overrides)

    def truncate(self) -> None:
        """Empty every table (between tests sharing this harness).

        A worker left running may hold row locks: TRUNCATE then deadlocks or waits, so it is
        retried a few times.
        """
        import time

        from sqlalchemy.exc import OperationalError

        for attempt in range(5):
            try:
                with self.db.engine.begin() as conn:
                    conn.exec_driver_sql("SET LOCAL lock_timeout = '2s'")
                    names = [t for t in conn.dialect.get_table_names(conn) if t != "alembic_version"]
                    if names:
                        conn.exec_driver_sql(
                            "TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " RESTART IDENTITY CASCADE")
                return
            except OperationalError:
                if attempt == 4:
                    raise
                time.sleep(0.2 * (attempt + 1))

    def close(self) -> None:
        self._stop_workers()
        self.db.dispose()
        drop_database(self.database_url)
        delete_namespace(self.settings, [self.service.name])


class EmbeddedHarness(_Harness):
    """One service as the embedded system (`make run`) runs it: a migrated SQLite file in
    ``directory`` and the in-process broker (``memory://``).

    The in-process broker is one per Python process, so each harness has its own exchange
    and queue names, as on RabbitMQ.
    """

    backend = "sqlite"

    def __init__(self, service, directory, *, migrate: bool = True, **overrides) -> None:
        self.namespace = f"t{uuid.uuid4().hex[:10]}"
        self._open(service, f"sqlite:///{directory}/{service.name}.db", "memory://", migrate, overrides)

    def truncate(self) -> None:
        """Empty every table (SQLite has no TRUNCATE: DELETE, children first) and restart the
        row counters, as ``TRUNCATE … RESTART IDENTITY`` does on PostgreSQL."""
        from sqlalchemy import MetaData

        from casework.audit import SQLITE_GUARDS

        tables = MetaData()
        tables.reflect(self.db.engine)
        with self.db.engine.begin() as conn:
            guarded = [name for (name,) in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'")]
            for name in guarded:  # the append-only audit log: emptied between tests all the same
                conn.exec_driver_sql(f"DROP TRIGGER {name}")
            for table in reversed(tables.sorted_tables):
                if table.name != "alembic_version":
                    conn.execute(table.delete())
            for name in guarded:
                conn.exec_driver_sql(SQLITE_GUARDS[name])
            if conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").first():
                conn.exec_driver_sql("DELETE FROM sqlite_sequence")

    def close(self) -> None:
        self._stop_workers()
        self.db.dispose()


def schema_drift(harness, metadata) -> list:
    """What Alembic would change to make the harness's migrated database match ``metadata`` (the
    service's models with the kernel's tables): ``[]`` when the history builds the models.

    On SQLite a ``casework.numbering`` counter is a table standing for a PostgreSQL sequence, so
    it is no drift; nor is a text column's declared length, which SQLite does not enforce
    (https://www.sqlite.org/datatype3.html: a VARCHAR(2) holds any text), so a migration widening
    one has nothing to do there.
    """
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import String, text

    with harness.db.engine.connect() as conn:
        counters = set()
        if conn.dialect.name == "sqlite":
            tables = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'table'")).all()
            counters = {name for name, sql in tables
                        if sql == f"CREATE TABLE {name} (n INTEGER PRIMARY KEY AUTOINCREMENT)"}
        sqlite = conn.dialect.name == "sqlite"

        def compare_type(_context, _inspected, _metadata, inspected_type, metadata_type):
            if sqlite and isinstance(inspected_type, String) and isinstance(metadata_type, String):
                return False  # the declared length means nothing to SQLite
            return None  # Alembic's own comparison

        context = MigrationContext.configure(conn, opts={
            "compare_type": compare_type,
            "include_name": lambda name, type_, _: not (type_ == "table" and name in counters)})
        return compare_metadata(context, metadata)
