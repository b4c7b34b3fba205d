"""An applicant's band and effective date are kept as a dated history, each change with its reason

Every applicant already on the register gets one entry: the band and effective date they have
now, as at their registration (what was decided before this release was not recorded).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 03:40:00.000000
"""
import datetime as dt
import uuid

from alembic import op
import sqlalchemy as sa

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

#: Who and why, for the entries this migration writes (``changed_by`` of the history).
BY = "migration 0009"
REASON = "Band on the register before its history was kept."


def upgrade() -> None:
    op.create_table('applicant_band_history',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('applicant_id', sa.Uuid(), nullable=False),
    sa.Column('band', sa.String(length=2), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('decision_date', sa.Date(), nullable=True),
    sa.Column('changed_by', sa.String(length=200), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicants.id'],
                            name=op.f('fk_applicant_band_history_applicant_id_applicants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applicant_band_history'))
    )
    op.create_index(op.f('ix_applicant_band_history_applicant_id'), 'applicant_band_history', ['applicant_id'],
                    unique=False)

    conn = op.get_bind()
    applicants = sa.table("applicants", sa.column("id", sa.Uuid), sa.column("band", sa.String),
                          sa.column("effective_date", sa.Date), sa.column("created_at", sa.DateTime(timezone=True)))
    history = sa.table("applicant_band_history", sa.column("id", sa.Uuid), sa.column("applicant_id", sa.Uuid),
                       sa.column("band", sa.String), sa.column("effective_date", sa.Date),
                       sa.column("reason", sa.String), sa.column("changed_by", sa.String),
                       sa.column("changed_at", sa.DateTime(timezone=True)))
    now = dt.datetime.now(dt.UTC)
    rows = [{"id": uuid.uuid4(), "applicant_id": applicant_id, "band": band, "effective_date": effective_date,
             "reason": REASON, "changed_by": BY, "changed_at": created_at or now}
            for applicant_id, band, effective_date, created_at in conn.execute(
                sa.select(applicants.c.id, applicants.c.band, applicants.c.effective_date, applicants.c.created_at))]
    for start in range(0, len(rows), 1000):
        conn.execute(sa.insert(history), rows[start:start + 1000])


def downgrade() -> None:
    op.drop_index(op.f('ix_applicant_band_history_applicant_id'), table_name='applicant_band_history')
    op.drop_table('applicant_band_history')
