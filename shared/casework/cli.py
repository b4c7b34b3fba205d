"""``casework``: the operator's and developer's command line.

    casework token --sub officer-1 --role team_leader     mint a development token
    casework migrate [--service intake]                    run each service's migrations
    casework topology [--service intake]                   declare exchanges and queues
    casework parked list --service sustainment             what waits in a parking queue
    casework parked replay --service sustainment [--id …]  put parked messages back
    casework asyncapi [--check]                            write or check docs/asyncapi.yaml
    casework definitions [--check]                         write or check the RabbitMQ definitions
    casework sealing-keys --for sustainment                a key pair for data sealed for a service
    casework run                                           the whole system, embedded
    casework up                                            the whole system on PostgreSQL and RabbitMQ
    casework subject-access --tenancy-ref T-1 --out sar.zip  a subject-access archive from every service
    casework import properties homes.csv --service lettings  a CSV file from another system, all or nothing
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
DEFINITIONS_PATH = Path("deploy/rabbitmq/definitions.json")


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
@click.option("--hours", default=12, show_default=True, type=click.IntRange(1, 7 * 24),
              help="Lifetime (a week at most: the APIs refuse a token that lives longer).")
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


@main.command("subject-access")
@click.option("--tenancy-ref", default=None, help="The person's tenancy reference.")
@click.option("--name", default=None, help="The person's name (with --date-of-birth).")
@click.option("--date-of-birth", default=None, help="YYYY-MM-DD, with --name.")
@click.option("--out", required=True, type=click.Path(path_type=Path), help="The zip file to write.")
@click.option("--requested-by", default="", help="Who asked (recorded in the index); default: the token's subject.")
@click.option("--token", "bearer", envvar="CASEWORK_TOKEN", default=None,
              help="A team leader's or admin's token (default: a development token minted with CASEWORK_JWT_SECRET).")
@click.option("--service", "names", multiple=True, help="Only these services (default: every installed one).")
def subject_access(tenancy_ref: str | None, name: str | None, date_of_birth: str | None, out: Path,
                   requested_by: str, bearer: str | None, names: tuple[str, ...]) -> None:
    """Gather every service's subject-access export into one archive with an index."""
    from casework.subject_archive import gather, write_archive

    if not tenancy_ref and not (name and date_of_birth):
        raise click.UsageError("give --tenancy-ref, or --name with --date-of-birth")
    chosen = [s for s in _services(None) if not names or s.name in names]
    urls = {s.name: _settings(s).public_url for s in chosen}
    if bearer is None:
        settings = Settings.from_env("casework")
        bearer = auth.mint(requested_by or "subject-access", ["admin"], secret=settings.jwt_secret,
                           issuer=settings.jwt_issuer, audience=settings.jwt_audience)
    query = {"tenancy_ref": tenancy_ref, "name": name, "date_of_birth": date_of_birth}
    exports, errors = gather(urls, bearer, **query)
    if not requested_by:
        import jwt

        requested_by = str(jwt.decode(bearer, options={"verify_signature": False}).get("sub", "unknown"))
    index = write_archive(out, exports, errors, requested_by=requested_by, query=query, services=urls)
    for service, found in index["services"].items():
        click.echo(f"{service}: {found.get('error') or found['records'] or 'nothing held'}")
    click.echo(f"wrote {out}")
    if errors:
        sys.exit(1)


@main.command("import")
@click.argument("kind")
@click.argument("file", type=click.File("rb"))
@click.option("--service", "name", required=True, help="The service that takes the records, e.g. lettings.")
@click.option("--by", default="import", show_default=True,
              help="Who imports, as the audit trail records it (e.g. the job or officer).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def import_file(kind: str, file, name: str, by: str, as_json: bool) -> None:
    """Import a CSV FILE of KIND records (properties, tenancies, applicants, …) into a service's
    database: every row validated, the whole file in one transaction (nothing kept if any row is
    wrong), records imported before (by housing_ref) left as they are. Exit status 1 with every
    problem by row and column."""
    import io

    from casework import context, imports
    from casework.context import Principal
    from casework.db import Database

    service = _services(name)[0]
    if kind not in service.importers:
        raise click.BadParameter(f"{service.name} imports {', '.join(sorted(service.importers)) or 'nothing'}",
                                 param_hint="KIND")
    total = imports.count_rows(file)
    db = Database(_settings(service).database_url)
    text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
    principal = Principal(sub=by, roles=frozenset({"importer"}), name=by)
    session = db.session()
    try:
        with context.bound(principal=principal, service=service.name), \
                click.progressbar(length=total, label=f"{kind} from {file.name}", file=sys.stderr) as bar:
            report = imports.run(session, service.importers[kind](), text, progress=bar.update)
        session.commit() if report.ok else session.rollback()  # the whole file, or none of it
    except UnicodeDecodeError:
        click.echo(f"{file.name} is not UTF-8 text: save it as UTF-8 CSV.", err=True)
        sys.exit(1)
    finally:
        session.close()
        db.dispose()
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        for problem in report.problems:
            click.echo(f"row {problem.row}, {problem.field}: {problem.message}", err=True)
        more = report.problem_count - len(report.problems)
        if more:
            click.echo(f"… and {more} more problem(s)", err=True)
        verdict = (f"imported {report.imported}, already imported {report.already_imported}" if report.ok
                   else f"{report.problem_count} problem(s): nothing was imported")
        click.echo(f"{kind}: {report.rows} row(s), {report.records} record(s); {verdict}")
    if not report.ok:
        sys.exit(1)


@main.command("sealing-keys")
@click.option("--for", "recipient", required=True, help="The service the data is sealed for, e.g. sustainment.")
def sealing_keys(recipient: str) -> None:
    """A new key pair for event data sealed for one service: the private key goes in its secret
    (added in front of the ones it still needs), the public key to the producers."""
    from casework.sealing import new_key_pair

    private, public = new_key_pair()
    name = recipient.upper()
    click.echo(f"CASEWORK_{name}_SEALING_KEYS={private}")
    click.echo(f"CASEWORK_{name}_SEALING_PUBLIC_KEY={public}")


@main.command()
@click.option("--check", is_flag=True, help="Fail if the committed file is stale.")
@click.option("--output", type=click.Path(path_type=Path), default=DEFINITIONS_PATH, show_default=True)
def definitions(check: bool, output: Path) -> None:
    """Write the RabbitMQ definitions (exchanges, queues, bindings, policies) the workers declare."""
    from casework.bus.definitions import text

    rendered = text(list(installed().values()))
    if check:
        if not output.exists() or output.read_text() != rendered:
            click.echo(f"{output} is stale: run `casework definitions`", err=True)
            sys.exit(1)
        click.echo(f"{output} is up to date")
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(rendered)
    click.echo(f"wrote {output}")


def _development_only(command: str) -> None:
    """``casework run`` and ``casework up`` come with ``casework-dev``, which service images leave out."""
    from importlib.util import find_spec

    if find_spec("casework_dev") is None:
        click.echo(f"`casework {command}` is for development: install casework-dev (`make install` does; "
                   "a service image does not carry it).", err=True)
        sys.exit(2)


@main.command()
@click.option("--data-dir", default="data", show_default=True, type=click.Path(path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port-offset", default=0, show_default=True, help="Added to every service's port (8001…).")
def run(data_dir: Path, host: str, port_offset: int) -> None:
    """Run every installed service in one process: SQLite files and an in-process broker."""
    _development_only("run")
    from casework_dev.embedded import CannotStart, run_embedded

    try:
        run_embedded(data_dir, host=host, port_offset=port_offset)
    except CannotStart as exc:
        click.echo(f"Casework could not start: {exc}", err=True)
        sys.exit(1)


def _broker_url(value: str) -> str:
    from casework.bus.connection import BrokerURLError, broker_addresses

    try:
        broker_addresses(value)
    except BrokerURLError as exc:
        raise click.BadParameter(str(exc), param_hint="--broker-url / CASEWORK_BROKER_URL") from exc
    return value


@main.command()
@click.option("--postgres-url", envvar="CASEWORK_POSTGRES_URL", default="postgresql://postgres@127.0.0.1:5432/postgres",
              show_default=True, help="The server where the four databases live (named after the services).")
@click.option("--broker-url", envvar="CASEWORK_BROKER_URL", default="amqp://guest:guest@127.0.0.1:5672//",
              show_default=True, callback=lambda ctx, param, value: _broker_url(value),
              help="RabbitMQ: one node's URL, or every node of a cluster separated by ';'.")
@click.option("--logs", "log_dir", default="data/logs", show_default=True, type=click.Path(path_type=Path),
              help="Where each process writes its log.")
@click.option("--api-workers", default=2, show_default=True, help="gunicorn workers per api.")
def up(postgres_url: str, broker_url: str, log_dir: Path, api_workers: int) -> None:
    """Run every service for real: gunicorn apis and worker processes on PostgreSQL and RabbitMQ.

    Creates and migrates the databases, declares the topology, starts each process and stays in
    the foreground until Ctrl-C, then stops every process cleanly.
    """
    import signal
    import threading
    import time

    _development_only("up")
    from casework_dev.embedded import print_tokens, seed_directory
    from casework_dev.system import System

    system = System.local(postgres_url, broker_url, log_dir=log_dir, api_workers=api_workers)
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        click.echo("Migrating the databases, declaring the topology and starting the processes…")
        system.start(timeout=90)
        if "notifications" in system.services:
            seed_directory(system.url("notifications"), system.settings("notifications"), actor="casework up")
        click.echo("\nCasework is running (gunicorn apis and workers on PostgreSQL and RabbitMQ).\n")
        for name in system.services:
            base = system.url(name)
            click.echo(f"  {name:<14} {base}   docs {base}/docs   worker {system.worker_url(name)}/readyz")
            for label, path in system.services[name].pages.items():
                click.echo(f"  {'':<14} {label}: {base}{path}")
        click.echo(f"\nLogs: {log_dir}/<service>-api.log and <service>-worker.log")
        print_tokens(system.jwt_secret)
        click.echo("Press Ctrl-C to stop.\n")
        restarted: dict[str, float] = {}
        while not stop.wait(1):
            for process in system.exited():
                if time.monotonic() - restarted.get(process.name, -60) < 10:
                    continue  # crashing at once again: give it a moment rather than a busy loop
                click.echo(f"{process.name} exited with {process.popen.returncode}; restarting it. "
                           f"Its log ends:\n{process.log_tail(10)}", err=True)
                restarted[process.name] = time.monotonic()
                process.start()
    except RuntimeError as exc:
        click.echo(f"Casework could not start: {exc}", err=True)
        sys.exit(1)
    finally:
        click.echo("\nStopping Casework…")
        system.stop()


if __name__ == "__main__":
    main()
