"""Times in JSON bodies: every one must carry its offset (DESIGN §5), on both backends."""

from __future__ import annotations

import re

_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(?P<offset>Z|[+-]\d{2}:?\d{2})?")


def naive_times(body, path: str = "$") -> list[str]:
    """Where a decoded JSON ``body`` holds a date-time with no offset, as paths (``$.visits[0].at``).

    Dates alone (``2026-01-05``) are not times and pass.
    """
    if isinstance(body, dict):
        return [found for key, value in body.items() for found in naive_times(value, f"{path}.{key}")]
    if isinstance(body, list):
        return [found for i, value in enumerate(body) for found in naive_times(value, f"{path}[{i}]")]
    if isinstance(body, str) and (match := _DATE_TIME.fullmatch(body)) and not match.group("offset"):
        return [f"{path} = {body}"]
    return []
