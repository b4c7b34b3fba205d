"""The council's notifications policy: the package defaults with the council's file over them.

No rule reads the environment: the handlers, the timers and the views ask ``current()`` and
hand the typed ``rules.Policy`` on to the rules and use cases.
"""

from __future__ import annotations

from casework import policy as council_policy
from notifications.rules import Policy, parse_policy


def current() -> Policy:
    """This process's policy (``CASEWORK_NOTIFICATIONS_POLICY_FILE`` over the defaults), read once."""
    return council_policy.current("notifications", parse_policy)


def load(path: str | None = None) -> Policy:
    """The policy a council's file at ``path`` (none: the defaults) would give: for tests and tools."""
    return parse_policy(council_policy.load("notifications", path))
