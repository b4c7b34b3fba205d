"""The council's intake policy for this process: the package defaults with the council's file over them."""

from __future__ import annotations

import functools

from flask import current_app

from casework import policy as casework_policy
from intake.domain.policy import IntakePolicy, from_document


@functools.lru_cache(maxsize=8)
def load(path: str = "") -> IntakePolicy:
    """The policy from ``path`` (the council's file) merged over the defaults; read once per process."""
    return from_document(casework_policy.load("intake", path or None))


def current() -> IntakePolicy:
    """The policy of the running app (``CASEWORK_INTAKE_POLICY_FILE``)."""
    return load(current_app.extensions["casework"].settings.policy_file)
