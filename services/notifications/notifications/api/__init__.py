"""The notifications API: one blueprint per resource."""

from __future__ import annotations


def blueprints() -> list:
    from casework.privacy import legal_hold_blueprint, subject_access_blueprint
    from notifications import privacy

    from . import deliveries, inbox, messages, officers, subscriptions, tasks, teams

    return [officers.blp, teams.blp, tasks.blp, inbox.blp, subscriptions.blp, deliveries.blp, messages.blp,
            subject_access_blueprint(privacy.find_subject, service="notifications"),
            legal_hold_blueprint(privacy.HOLDABLE)]
