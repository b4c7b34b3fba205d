"""The council's lettings policy for this process: the package defaults with the council's file
(``CASEWORK_LETTINGS_POLICY_FILE``) over them, read once."""

from __future__ import annotations

from casework import policy as council_policy
from lettings.domain.policy import LettingsPolicy


def current() -> LettingsPolicy:
    """This process's policy: what the api and the timers pass to the use cases and rules."""
    return council_policy.current("lettings", LettingsPolicy.from_dict)


def load(path: str = "") -> LettingsPolicy:
    """The policy a council's file at ``path`` (none: the defaults) would give: for tests and tools."""
    return LettingsPolicy.from_dict(council_policy.load("lettings", path or None))
