"""The council's notifications policy, read once per process and passed to the rules and use cases.

No rule reads the environment: the handlers, the timers and the views ask ``current()`` once and
hand the ``rules.Policy`` on.
"""

from __future__ import annotations

import functools

from casework import policy as council_policy
from casework.settings import service_env
from notifications.rules import Policy, parse_policy


def load(path: str | None = None) -> Policy:
    """The packaged ``policy.yaml`` with the council's file at ``path`` (if any) merged over it."""
    return parse_policy(council_policy.load("notifications", path))


@functools.lru_cache(maxsize=1)
def current() -> Policy:
    """The policy with the council's file (``CASEWORK_NOTIFICATIONS_POLICY_FILE``, else
    ``CASEWORK_POLICY_FILE``) over it, read once per process."""
    return load(service_env("notifications", "POLICY_FILE", "") or None)
