"""The sustainment HTTP API: one module per resource."""

from __future__ import annotations


def blueprints() -> list:
    from . import agency_referrals, cases, contacts, lifecycle, notes, plans, reports, subject_access, visits

    return [cases.blp, lifecycle.blp, contacts.blp, plans.blp, visits.blp, agency_referrals.blp, notes.blp,
            reports.blp, subject_access.blp]
