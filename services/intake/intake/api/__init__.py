"""The intake API: one module per resource."""

from intake.api import audit_trail, referrals, triage


def blueprints() -> list:
    return [referrals.blp, triage.blp, audit_trail.blp]
