"""The council's sustainment policy, read once per process."""

from __future__ import annotations

import functools
from typing import Any

from casework import policy as council_policy
from casework.settings import service_env


@functools.lru_cache(maxsize=1)
def current() -> dict[str, Any]:
    """``policy.yaml`` with the council's file (``CASEWORK_SUSTAINMENT_POLICY_FILE``) merged over it."""
    return council_policy.load("sustainment", service_env("sustainment", "POLICY_FILE", "") or None)
