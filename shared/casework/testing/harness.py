"""One service against real servers, as its integration tests use it."""

from __future__ import annotations

import uuid

from .servers import create_database, delete_namespace, drop_database, test_settings


class ServiceHarness:
    """One service against real servers: its own migrated database and broker names.

    ``client`` is a Flask test client of the real app; ``worker()`` starts the real relay,
    consumer and sweeper as threads; ``events()`` reads what the service wrote to its outbox.
    """

    def __init__(self, service, postgres_url: str, broker_url: str, *, migrate: bool = True, **overrides) -> None:
        from casework.db import Database
        from casework.migrations import upgrade
        from casework.web import create_app

        self.service = service
        self.namespace = f"t{uuid.uuid4().hex[:10]}"
        self.database_url = create_database(postgres_url, prefix=f"cw_{service.name}")
        if migrate:
            upgrade(service, self.database_url)
        self.settings = test_settings(service.name, database_url=self.database_url, broker_url=broker_url,
                                      namespace=self.namespace, **overrides)
        self.db = Database(self.database_url)
        self.app = create_app(service, settings=self.settings, db=self.db)
        self.client = self.app.test_client()
        self._workers: list = []

    def worker(self):
        """Start the service's worker (relay, consumer, sweeper) against the real broker."""
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
        for worker in self._workers:
            worker.stop(timeout=5)
        self.db.dispose()
        drop_database(self.database_url)
        delete_namespace(self.settings, [self.service.name])

    def __enter__(self) -> ServiceHarness:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class EmbeddedHarness:
    """One service as the embedded system (`make run`) runs it: a migrated SQLite file in
    ``directory`` and the in-process broker, with the real app's test ``client`` and its ``db``."""

    def __init__(self, service, directory) -> None:
        from casework.db import Database
        from casework.migrations import upgrade
        from casework.web import create_app

        self.database_url = f"sqlite:///{directory}/{service.name}.db"
        upgrade(service, self.database_url)
        self.db = Database(self.database_url)
        self.settings = test_settings(service.name, database_url=self.database_url, broker_url="memory://",
                                      namespace="embedded")
        self.client = create_app(service, settings=self.settings, db=self.db).test_client()

    def __enter__(self) -> EmbeddedHarness:
        return self

    def __exit__(self, *exc) -> None:
        self.db.dispose()
