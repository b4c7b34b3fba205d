"""Alembic, the same way for every service: each keeps its own history in its own database.

A service's ``migrations/env.py`` is two lines that call ``run_env``; ``upgrade`` runs a
service's history to head (the ``casework migrate`` command and the embedded runner use it).
"""

from __future__ import annotations

import os

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData

from casework.database_url import engine_url
from casework.db import Database, KernelBase
from casework.service import Service


def config(service: Service, database_url: str) -> Config:
    cfg = Config()
    # In a service's image the history sits beside the app (CASEWORK_MIGRATIONS_DIR).
    location = os.environ.get("CASEWORK_MIGRATIONS_DIR") or str(service.migrations)
    cfg.set_main_option("script_location", location)
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    cfg.attributes["service"] = service
    return cfg


def upgrade(service: Service, database_url: str, revision: str = "head") -> None:
    """Bring the service's database up to ``revision``."""
    command.upgrade(config(service, database_url), revision)


def target_metadata(service_metadata: MetaData) -> list[MetaData]:
    # Import every module that defines a kernel table, so KernelBase knows them all.
    from casework import audit, inbox, outbox, privacy, signouts, timers  # noqa: F401
    from casework.web import idempotency  # noqa: F401

    return [KernelBase.metadata, service_metadata]


def install_kernel_extras(op) -> None:
    """What autogenerate cannot see: the audit log's append-only trigger (PostgreSQL)."""
    from casework.audit import APPEND_ONLY_TRIGGER

    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY_TRIGGER)


def run_env(service_metadata: MetaData) -> None:
    """The body of every service's ``migrations/env.py``."""
    from alembic import context as alembic_context

    cfg = alembic_context.config
    url = cfg.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL: set CASEWORK_<SERVICE>_DATABASE_URL or use `casework migrate`")
    metadata = target_metadata(service_metadata)
    if alembic_context.is_offline_mode():
        alembic_context.configure(url=engine_url(url), target_metadata=metadata, literal_binds=True)
        with alembic_context.begin_transaction():
            alembic_context.run_migrations()
        return
    db = Database(url)
    with db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _foreign_keys_off(connection)
        alembic_context.configure(connection=connection, target_metadata=metadata,
                                  render_as_batch=sqlite, compare_type=True)
        with alembic_context.begin_transaction():
            alembic_context.run_migrations()
            if sqlite:
                _foreign_keys_hold(connection)
    db.dispose()


def _foreign_keys_off(connection) -> None:
    """On SQLite, foreign keys off for the migration's connection.

    Alembic's batch mode changes a SQLite table by copying it, dropping the old one and renaming
    the copy. With foreign keys on, the drop first deletes the table's rows, so every row that
    refers to it with ``ON DELETE CASCADE`` goes too (a case's plans, visits and notes when a
    column of ``cases`` is dropped). Alembic's documentation ("Dealing with Referencing Tables")
    turns them off around the migration. SQLite ignores the pragma inside a transaction, so it
    is sent on the driver's connection before the migration's transaction begins; the engine's
    ``connect`` hook turns them on again for every other connection.
    """
    connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")


def _foreign_keys_hold(connection) -> None:
    """Before the migration commits: every reference still points at a row (what foreign keys
    being on would have refused), or the migration rolls back."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"the migration left references to missing rows (table, rowid, parent, key): {broken[:10]}")


def autogenerate(service: Service, message: str, server_url: str) -> None:
    """Write a new revision for the difference between the models and the history.

    Compares against a scratch PostgreSQL database brought to head, so the revision is
    rendered for the production engine.
    """
    from casework.db import create_database, drop_database

    url = create_database(server_url, prefix=f"cw_autogen_{service.name}")
    try:
        upgrade(service, url)
        command.revision(config(service, url), message=message, autogenerate=True)
    finally:
        drop_database(url)
