"""``python -m sustainment.import_agencies EXPORT.json``: import an Open Referral UK export into the
agency directory through the service's API (``POST /agencies/import``), as a scheduled job would.

The token is ``CASEWORK_TOKEN`` (an admin's), or in development one minted with
``CASEWORK_JWT_SECRET``; the service is at ``CASEWORK_SUSTAINMENT_PUBLIC_URL``. The sample export
of the agencies officers refer to is ``services/sustainment/samples/agencies-oruk.json``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import requests

from casework import auth
from casework.settings import Settings


@click.command()
@click.argument("export", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", default=None, help="The sustainment service (default: its public URL setting).")
@click.option("--token", "bearer", envvar="CASEWORK_TOKEN", default=None, help="An admin's bearer token.")
def main(export: Path, url: str | None, bearer: str | None) -> None:
    """Import an Open Referral UK export into the agency directory."""
    settings = Settings.from_env("sustainment", default_port=8002)
    if bearer is None:
        bearer = auth.mint("agency-import", ["admin"], secret=settings.jwt_secret, issuer=settings.jwt_issuer,
                           audience=settings.jwt_audience)
    try:
        body = json.loads(export.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise click.BadParameter(f"not JSON: {exc}", param_hint="EXPORT") from exc
    response = requests.post(f"{(url or settings.public_url).rstrip('/')}/agencies/import", json=body,
                             headers={"Authorization": f"Bearer {bearer}"}, timeout=120)
    answer = response.json() if response.headers.get("Content-Type", "").endswith("json") else {}
    if response.status_code != 200:
        click.echo(f"Nothing imported: {answer.get('detail') or response.status_code}", err=True)
        for field, messages in sorted((answer.get("errors") or {}).items()):
            click.echo(f"  {field}: {'; '.join(messages)}", err=True)
        sys.exit(1)
    click.echo(f"{answer['created']} added, {answer['updated']} updated, {answer['unchanged']} unchanged")


if __name__ == "__main__":
    main()
