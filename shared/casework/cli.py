"""``casework``: the operator's and developer's command line.

    casework token --sub officer-1 --role team_leader     mint a development token
    casework migrate [--service intake]                    run each service's migrations
    casework topology [--service intake]                   declare exchanges and queues
    casework parked list --service sustainment             what waits in a parking queue
    casework parked replay --service sustainment [--id …]  put parked messages back
    casework asyncapi [--check]                            write or check docs/asyncapi.yaml
    casework run                                           the whole system, embedded
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from casework import auth
from casework.service import installed
from casework.settings import Settings

ASYNCAPI_PATH = Path("docs/asyncapi.yaml")


@click.group()
def main() -> None:
    """Casework platform commands."""


def _services(name: str | None):
    services = installed()
    if name is None:
        return list(services.values())
    if name not in services:
        raise click.BadParameter(f"unknown service {name!r}; installed: {', '.join(services)}")
    return [services[name]]


def _settings(service) -> Settings:
    return Settings.from_env(service.name, default_port=service.port)


@main.command()
@click.option("--sub", required=True, help="The subject: an officer id or a referrer's client id.")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(auth.ROLES))
@click.option("--name", default="", help="Display name.")
@click.option("--hours", default=12, show_default=True, type=int, help="Lifetime.")
def token(sub: str, roles: tuple[str, ...], name: str, hours: int) -> None:
    """Mint a development (HS256) token with CASEWORK_JWT_SECRET."""
    import datetime as dt

    settings = Settings.from_env("casework")
    click.echo(auth.mint(sub, roles, name=name, secret=settings.jwt_secret, issuer=settings.jwt_issuer,
                         audience=settings.jwt_audience, lifetime=dt.timedelta(hours=hours)))


@main.command()
@click.option("--service", "name", default=None, help="One service (default: every installed one).")
def migrate(name: str | None) -> None:
    """Upgrade each service's database to the newest migration."""
    from casework.migrations import upgrade

    for service in _services(name):
        settings = _settings(service)
        upgrade(service, settings.database_url)
        click.echo(f"{service.name}: migrated")


@main.command()
@click.option("--service", "name", required=True)
@click.option("-m", "--message", required=True)
@click.option("--server", default="postgresql://postgres@127.0.0.1:5432/postgres", show_default=True,
              help="A PostgreSQL server where a scratch database may be made.")
def revision(name: str, message: str, server: str) -> None:
    """Autogenerate a new migration for a service from its models."""
    from casework.migrations import autogenerate

    autogenerate(_services(name)[0], message, server)


@main.command()
@click.option("--service", "name", default=None)
def topology(name: str | None) -> None:
    """Declare the exchange and each service's queues on RabbitMQ (idempotent)."""
    from casework.bus import declare
    from casework.bus.connection import connect

    for service in _services(name):
        settings = _settings(service)
        with connect(settings, confirms=False) as conn:
            declare(conn, settings, service.name, service.consumes)
        click.echo(f"{service.name}: declared {settings.queue_name(service.name)}")


@main.group()
def parked() -> None:
    """Messages that failed and wait in a service's parking queue."""


@parked.command("list")
@click.option("--service", "name", required=True)
def parked_list(name: str) -> None:
    """Show parked messages (headers only: bodies may hold personal data)."""
    from casework.bus import list_parked

    service = _services(name)[0]
    for row in list_parked(_settings(service), service.name):
        click.echo(json.dumps(row))


@parked.command("replay")
@click.option("--service", "name", required=True)
@click.option("--id", "ids", multiple=True, help="A message id to replay (default: all).")
def parked_replay(name: str, ids: tuple[str, ...]) -> None:
    """Put parked messages back on the service's queue."""
    from casework.bus import replay

    service = _services(name)[0]
    count = replay(_settings(service), service.name, message_ids=set(ids) if ids else None)
    click.echo(f"replayed {count} message(s) to {service.name}")


@main.command()
@click.option("--check", is_flag=True, help="Fail if the committed document is stale.")
@click.option("--output", type=click.Path(path_type=Path), default=ASYNCAPI_PATH, show_default=True)
def asyncapi(check: bool, output: Path) -> None:
    """Write the AsyncAPI 3 document of the event catalogue."""
    from casework.contracts import build
    from casework.events.asyncapi import render

    text = render(build())
    if check:
        if not output.exists() or output.read_text() != text:
            click.echo(f"{output} is stale: run `casework asyncapi`", err=True)
            sys.exit(1)
        click.echo(f"{output} is up to date")
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
    click.echo(f"wrote {output}")


@main.command()
@click.option("--data-dir", default="data", show_default=True, type=click.Path(path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True)
def run(data_dir: Path, host: str) -> None:
    """Run every installed service in one process: SQLite files and an in-process broker."""
    from casework.embedded import run_embedded

    run_embedded(data_dir, host=host)


if __name__ == "__main__":
    main()
