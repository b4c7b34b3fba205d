"""Version 2 of the kernel's tables: legal holds, and an audit log whose snapshots can be redacted.

Each service's migration after v1 calls ``upgrade(op)``. Frozen once released, like v1.

The audit log stays append-only: DELETE is always refused, and UPDATE is allowed only of
``before``/``after`` and the free-text ``reason``, and only while the transaction has ``SET LOCAL casework.redacting = 'on'``
(``casework.privacy.redact_audit`` does this when a record is anonymised).
"""

import sqlalchemy as sa

REDACTABLE_TRIGGER = """
CREATE OR REPLACE FUNCTION casework_audit_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND current_setting('casework.redacting', true) = 'on'
     AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.actor = OLD.actor
     AND NEW.actor_roles = OLD.actor_roles AND NEW.action = OLD.action
     AND NEW.record_type = OLD.record_type AND NEW.record_id = OLD.record_id
     AND NEW.correlation_id IS NOT DISTINCT FROM OLD.correlation_id THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;
"""

APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION casework_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;
"""


def upgrade(op) -> None:
    op.create_table(
        "legal_holds",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("record_type", sa.String(length=60), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("placed_by", sa.String(length=200), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_holds")),
        sa.UniqueConstraint("record_type", "record_id", name="uq_legal_holds_record"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(REDACTABLE_TRIGGER)


def downgrade(op) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY_FUNCTION)
    op.drop_table("legal_holds")
