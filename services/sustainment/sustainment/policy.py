"""The council's sustainment policy for this process: the package defaults with the council's file
(``CASEWORK_SUSTAINMENT_POLICY_FILE``) over them, read once."""

from __future__ import annotations

from casework import policy as council_policy
from sustainment.rules import Policy


def current() -> Policy:
    return council_policy.current("sustainment", Policy.from_document)
