"""The notifications API: one blueprint per resource."""

from __future__ import annotations


def blueprints() -> list:
    from . import deliveries, inbox, officers, subscriptions, tasks, teams

    return [officers.blp, teams.blp, tasks.blp, inbox.blp, subscriptions.blp, deliveries.blp]
