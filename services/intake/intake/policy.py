"""The council's intake policy: the package defaults with the council's file over them."""

from __future__ import annotations

from casework import policy as council_policy
from intake.domain.policy import IntakePolicy, from_document


def current() -> IntakePolicy:
    """This process's policy (``CASEWORK_INTAKE_POLICY_FILE`` over the defaults), read once."""
    return council_policy.current("intake", from_document)


def load(path: str = "") -> IntakePolicy:
    """The policy a council's file at ``path`` (none: the defaults) would give: for tests and tools."""
    return from_document(council_policy.load("intake", path or None))
