"""The council's policy: each service's rules (points, thresholds, days) in a YAML file.

A service ships its defaults as ``policy.yaml`` in its package; a council points
``CASEWORK_<SERVICE>_POLICY_FILE`` (or ``CASEWORK_POLICY_FILE``) at its own file, whose
values are merged over the defaults, so it need only say what differs.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml


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
