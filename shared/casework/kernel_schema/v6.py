"""Version 6 of the kernel's tables: counts kept by the day beside those by the month.

``daily_tallies`` (``casework.tallies``): a figure's count per London day and key, changed with the
month's (``monthly_tallies``, v5) so a report reads the part months at its range's ends from days
instead of counting their rows. Only a service that keeps tallies calls ``upgrade(op)`` (after
v5's). Frozen once released.
"""

import sqlalchemy as sa


def upgrade(op) -> None:
    op.create_table(
        "daily_tallies",
        sa.Column("figure", sa.String(length=60), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("figure", "day", "key", name=op.f("pk_daily_tallies")),
    )


def downgrade(op) -> None:
    op.drop_table("daily_tallies")
