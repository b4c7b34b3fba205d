"""The council's lettings policy, loaded once per process from ``policy.yaml`` and the
council's file (``CASEWORK_LETTINGS_POLICY_FILE``)."""

from __future__ import annotations

import functools

from casework import policy
from casework.settings import service_env
from lettings.domain.policy import LettingsPolicy


@functools.lru_cache(maxsize=4)
def _load(path: str) -> LettingsPolicy:
    return LettingsPolicy.from_dict(policy.load("lettings", path or None))


def current() -> LettingsPolicy:
    return _load(service_env("lettings", "POLICY_FILE", ""))
