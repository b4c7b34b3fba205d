"""The council's policy: each service's rules (points, thresholds, days) in a YAML file.

A service ships its defaults as ``policy.yaml`` in its package; a council points
``CASEWORK_<SERVICE>_POLICY_FILE`` (or ``CASEWORK_POLICY_FILE``) at its own file, whose
values are merged over the defaults, so it need only say what differs.

One way in for every service: ``current(service, parse)`` reads the files once per process and
gives the service's typed policy object, which the api and the worker pass to use cases and
rules as an argument. No rule reads the environment or a file itself.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml

from casework.settings import service_env

P = TypeVar("P")


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def load(package: str, path: str | None = None) -> dict[str, Any]:
    """The package's default ``policy.yaml`` with the council's file (if any) merged over it."""
    defaults = yaml.safe_load(resources.files(package).joinpath("policy.yaml").read_text()) or {}
    if path:
        council = yaml.safe_load(Path(path).read_text()) or {}
        return merge(defaults, council)
    return defaults


def current(service: str, parse: Callable[[dict[str, Any]], P]) -> P:
    """``service``'s policy for this process: its package's ``policy.yaml`` with the council's file
    (``CASEWORK_<SERVICE>_POLICY_FILE``, else ``CASEWORK_POLICY_FILE``) merged over it, made into the
    service's policy object by ``parse``. Read and parsed once per file; a test that points the
    setting at another file gets that file's policy."""
    return _parsed(service, parse, service_env(service, "POLICY_FILE", ""))


@functools.lru_cache(maxsize=32)
def _parsed(service: str, parse: Callable[[dict[str, Any]], Any], path: str) -> Any:
    return parse(load(service, path or None))
