"""Version 4 of the kernel's tables: the sign-ins signed out before their time.

``signed_out_sessions`` (``casework.signouts``): a SHA-256 of a sign-in cookie's session id and
when that sign-in would have ended, so a copy of the cookie taken before sign-out signs nobody in.
Each service's migration after v3 calls ``upgrade(op)``. Frozen once released.
"""

import sqlalchemy as sa


def upgrade(op) -> None:
    op.create_table(
        "signed_out_sessions",
        sa.Column("sid_hash", sa.String(length=64), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sid_hash", name=op.f("pk_signed_out_sessions")),
    )
    op.create_index("ix_signed_out_sessions_until", "signed_out_sessions", ["until"], unique=False)


def downgrade(op) -> None:
    op.drop_index("ix_signed_out_sessions_until", table_name="signed_out_sessions")
    op.drop_table("signed_out_sessions")
