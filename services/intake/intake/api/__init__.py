"""The intake API: one module per resource."""

from casework.privacy import legal_hold_blueprint, subject_access_blueprint
from intake import privacy
from intake.api import audit_trail, batches, referrals, reports, triage


def blueprints() -> list:
    return [referrals.blp, batches.blp, triage.blp, audit_trail.blp, reports.blp,
            subject_access_blueprint(privacy.find_subject, service="intake"),
            legal_hold_blueprint(privacy.HOLDABLE)]
