"""Version 5 of the kernel's tables: counts kept by the month for the reports.

``monthly_tallies`` (``casework.tallies``): a figure's count per London month and key, changed by
the use cases (or rebuilt) so a report over years sums months instead of counting rows. Only a
service that keeps tallies calls ``upgrade(op)`` (its models declare the table with
``casework.tallies.table``). Frozen once released.
"""

import sqlalchemy as sa


def upgrade(op) -> None:
    op.create_table(
        "monthly_tallies",
        sa.Column("figure", sa.String(length=60), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("figure", "month", "key", name=op.f("pk_monthly_tallies")),
    )


def downgrade(op) -> None:
    op.drop_table("monthly_tallies")
