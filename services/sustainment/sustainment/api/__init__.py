"""The sustainment HTTP API: one module per resource."""

from __future__ import annotations


def blueprints() -> list:
    from casework.privacy import legal_hold_blueprint, subject_access_blueprint
    from sustainment import privacy

    from . import (
        agencies,
        agency_links,
        agency_referrals,
        caseload,
        cases,
        contacts,
        lifecycle,
        notes,
        plans,
        reports,
        visits,
    )

    return [cases.blp, caseload.blp, lifecycle.blp, contacts.blp, plans.blp, visits.blp, agency_referrals.blp,
            agency_referrals.deliveries, agencies.blp, agency_links.blp, notes.blp, reports.blp, subject_access_blueprint(privacy.find_subject, service="sustainment"),
            legal_hold_blueprint(privacy.HOLDABLE)]
