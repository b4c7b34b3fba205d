"""ETags on reads and ``If-Match`` on updates.

The ETag is a hash of the canonical JSON of the representation, so a GET's ETag and the
one an update checks against agree as long as both use the same schema.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import marshmallow as ma
from flask import request

from .errors import abort


def etag_of(data: Any) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return '"' + hashlib.sha256(canonical.encode()).hexdigest()[:32] + '"'


def check_if_match(schema: ma.Schema | type[ma.Schema], obj: Any) -> None:
    """412 when the request's ``If-Match`` names another version than ``obj`` as ``schema`` shows it.

    Without ``If-Match`` the update goes ahead (last write wins); clients that read before
    they write send it and never overwrite a change they have not seen.
    """
    header = request.headers.get("If-Match")
    if not header:
        return
    if header.strip() == "*":
        return
    instance = schema() if isinstance(schema, type) else schema
    current = etag_of(instance.dump(obj))
    offered = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    if current not in offered:
        abort(412, "The record has changed since you read it; fetch it again and retry.",
              headers={"ETag": current})
