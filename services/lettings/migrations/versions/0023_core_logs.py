"""Each let's CORE lettings log, kept when it is signed up (``core_logs``: the letting as it was
then, as a line of its collection year's file), filled here for the lets so far: the CORE export
built a large council's collection year from the lets, homes and households on each request, 743 ms
in its SQL alone (bench/NOTES.md, corelog)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-08 00:30:00.000000
"""
from collections import defaultdict
from types import SimpleNamespace

import sqlalchemy as sa
from alembic import op

from casework.db import JSONDoc, UTCDateTime

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

TENANCIES = sa.table("tenancies", sa.column("id", sa.Uuid), sa.column("reference", sa.String),
                     sa.column("offer_id", sa.Uuid), sa.column("property_id", sa.Uuid),
                     sa.column("applicant_id", sa.Uuid), sa.column("tenancy_start", sa.Date),
                     sa.column("tenancy_type", sa.String), sa.column("weekly_rent", sa.Numeric(10, 2)),
                     sa.column("service_charge", sa.Numeric(10, 2)), sa.column("created_at", UTCDateTime))
VOIDS = sa.table("voids", sa.column("id", sa.Uuid), sa.column("property_id", sa.Uuid),
                 sa.column("void_date", sa.Date), sa.column("let_date", sa.Date))
OFFERS = sa.table("offers", sa.column("id", sa.Uuid), sa.column("advert_id", sa.Uuid))
PROPERTIES = sa.table("properties", sa.column("id", sa.Uuid), sa.column("reference", sa.String),
                      sa.column("uprn", sa.String), sa.column("property_type", sa.String),
                      sa.column("wheelchair_accessible", sa.Boolean), sa.column("bedrooms", sa.Integer),
                      sa.column("rent_type", sa.String))
APPLICANTS = sa.table("applicants", sa.column("id", sa.Uuid), sa.column("application_date", sa.Date),
                      sa.column("reasonable_preference", JSONDoc))
MEMBERS = sa.table("household_members", sa.column("applicant_id", sa.Uuid), sa.column("position", sa.Integer),
                   sa.column("relationship", sa.String), sa.column("date_of_birth", sa.Date),
                   sa.column("sex", sa.String))
CORE_LOGS = sa.table("core_logs", sa.column("tenancy_id", sa.Uuid), sa.column("tenancy_start", sa.Date),
                     sa.column("reference", sa.String), sa.column("collection_year", sa.Integer),
                     sa.column("layout", sa.String), sa.column("line", sa.Text))


def upgrade() -> None:
    op.create_table(
        'core_logs',
        sa.Column('tenancy_id', sa.Uuid(), nullable=False),
        sa.Column('tenancy_start', sa.Date(), nullable=False),
        sa.Column('reference', sa.String(length=40), nullable=False),
        sa.Column('collection_year', sa.Integer(), nullable=False),
        sa.Column('layout', sa.String(length=16), nullable=True),
        sa.Column('line', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['tenancy_id'], ['tenancies.id'], name=op.f('fk_core_logs_tenancy_id_tenancies')),
        sa.PrimaryKeyConstraint('tenancy_id', name=op.f('pk_core_logs')),
    )
    # Every let made here (from an offer), read as lettings.letting.lets reads them for CORE at this
    # revision (written out here: the models may change after this migration is released), each
    # with the void it ended (a home's voids and lets of one day paired in order: by void date, and
    # by when signed up, as 0020 pairs them). What a log says is lettings.core's rule, applied here
    # as sign-up applies it: the rule is not copied.
    from lettings import core

    bind = op.get_bind()
    t, v, p, a, m = TENANCIES.c, VOIDS.c, PROPERTIES.c, APPLICANTS.c, MEMBERS.c
    on_day: dict = defaultdict(lambda: ([], []))  # (home, day): voids let, tenancies started
    for void_id, home, void_date, let_date in bind.execute(
            sa.select(v.id, v.property_id, v.void_date, v.let_date).where(v.let_date.is_not(None))):
        on_day[(home, let_date)][0].append((void_date, void_id))
    households: dict = defaultdict(list)
    for member in bind.execute(sa.select(m.applicant_id, m.position, m.relationship, m.date_of_birth, m.sex)
                               .where(m.applicant_id.in_(sa.select(t.applicant_id).where(t.offer_id.is_not(None))))):
        households[member.applicant_id].append(member)
    for let in bind.execute(
            sa.select(t.id, t.reference, t.property_id, t.applicant_id, t.tenancy_start, t.tenancy_type, t.weekly_rent,
                      t.service_charge, t.created_at, OFFERS.c.advert_id, p.reference.label("home"), p.uprn,
                      p.property_type, p.wheelchair_accessible, p.bedrooms, p.rent_type, a.application_date,
                      a.reasonable_preference)
            .join(OFFERS, OFFERS.c.id == t.offer_id).join(PROPERTIES, p.id == t.property_id)
            .join(APPLICANTS, a.id == t.applicant_id)):
        on_day[(let.property_id, let.tenancy_start)][1].append(let)
    settings, logs = core.settings(), []
    for voids_let, started in on_day.values():
        voids_let.sort()
        for n, let in enumerate(sorted(started, key=lambda let: (let.created_at, let.id))):
            tenancy = SimpleNamespace(
                reference=let.reference, tenancy_start=let.tenancy_start, tenancy_type=let.tenancy_type,
                weekly_rent=let.weekly_rent, service_charge=let.service_charge,
                property=SimpleNamespace(reference=let.home, uprn=let.uprn, property_type=let.property_type,
                                         wheelchair_accessible=let.wheelchair_accessible, bedrooms=let.bedrooms,
                                         rent_type=let.rent_type),
                applicant=SimpleNamespace(household=households[let.applicant_id],
                                          application_date=let.application_date,
                                          reasonable_preference=let.reasonable_preference))
            void_date = voids_let[n][0] if n < len(voids_let) else None
            year, layout, line = core.log_to_keep(tenancy, void_date, let.advert_id is not None, settings)
            logs.append({"tenancy_id": let.id, "tenancy_start": let.tenancy_start, "reference": let.reference,
                         "collection_year": year, "layout": layout, "line": line})
    # Written in the file's order, so the export reads the table in it; then the planner's
    # statistics for the new table (the bench's server runs no autovacuum).
    logs.sort(key=lambda log: (log["tenancy_start"], log["reference"]))
    for start in range(0, len(logs), 5_000):
        bind.execute(CORE_LOGS.insert(), logs[start:start + 5_000])
    op.create_index('ix_core_logs_start_reference', 'core_logs', ['tenancy_start', 'reference'], unique=False,
                    postgresql_include=['collection_year', 'layout', 'line'])
    op.execute("ANALYZE core_logs")


def downgrade() -> None:
    op.drop_index('ix_core_logs_start_reference', table_name='core_logs')
    op.drop_table('core_logs')
