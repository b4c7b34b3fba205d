"""A subject-access request answered across the services: one archive with an index.

``casework subject-access`` calls each service's ``GET /subjects/export`` over HTTP (base URLs
from ``CASEWORK_<SERVICE>_PUBLIC_URL``) in port order, passing on the records earlier services
found (``related=type:id``) so services that hold only references (notifications) find theirs,
and writes a zip: one ``<service>.json`` per service and an ``index.json`` saying who asked,
when, and what was found where.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any


def export_from(base_url: str, token: str, query: dict[str, Any], *, timeout: float = 60) -> dict[str, Any]:
    """One service's export; raises ``RuntimeError`` with the status when the service refuses."""
    params = urllib.parse.urlencode({k: v for k, v in query.items() if v not in (None, "", [])}, doseq=True)
    request = urllib.request.Request(f"{base_url.rstrip('/')}/subjects/export?{params}",
                                     headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - our own services
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        raise RuntimeError(f"HTTP {exc.code}: {exc.read()[:300].decode(errors='replace')}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise RuntimeError(f"unreachable: {exc}") from None


def gather(services: dict[str, str], token: str, *, tenancy_ref: str | None = None, name: str | None = None,
           date_of_birth: str | None = None) -> tuple[dict[str, dict], dict[str, str]]:
    """Every service's export (by name) and the errors of those that failed."""
    exports: dict[str, dict] = {}
    errors: dict[str, str] = {}
    related: list[str] = []
    for service, base_url in services.items():
        query = {"tenancy_ref": tenancy_ref, "name": name, "date_of_birth": date_of_birth, "related": related}
        try:
            exports[service] = export_from(base_url, token, query)
        except RuntimeError as exc:
            errors[service] = str(exc)
            continue
        related = related + [f"{r['record_type']}:{r['record_id']}" for r in exports[service].get("records", [])]
    return exports, errors


def write_archive(out: Path, exports: dict[str, dict], errors: dict[str, str], *, requested_by: str,
                  query: dict[str, Any], services: dict[str, str]) -> dict[str, Any]:
    """Write the zip and return its index."""
    index = {
        "requested_by": requested_by,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "query": {k: v for k, v in query.items() if v},
        "services": {
            service: ({"file": f"{service}.json", "url": services[service],
                       "records": dict(Counter(r["record_type"] for r in exports[service].get("records", []))),
                       "exported_at": exports[service].get("exported_at")}
                      if service in exports else {"url": services[service], "error": errors[service]})
            for service in services
        },
        "complete": not errors,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.json", json.dumps(index, indent=2))
        for service, export in exports.items():
            archive.writestr(f"{service}.json", json.dumps(export, indent=2))
    return index
