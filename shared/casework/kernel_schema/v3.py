"""Version 3 of the kernel's tables: the audit log is append-only on SQLite too.

v1 and v2 guard it on PostgreSQL with a trigger; the embedded SQLite had none, so its audit log
could be edited or emptied. SQLite's triggers (``casework.audit.SQLITE_GUARDS``) refuse every
DELETE, and every UPDATE but a redaction (``casework.audit.redacting``). Nothing changes on
PostgreSQL. Each service's migration after v2 calls ``upgrade(op)``. Frozen once released.
"""

from casework.audit import SQLITE_GUARDS


def upgrade(op) -> None:
    if op.get_bind().dialect.name == "sqlite":
        for create in SQLITE_GUARDS.values():
            op.execute(create)


def downgrade(op) -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_GUARDS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
