"""A large council's data: seed it once, then measure every list, report and page over it.

    .venv/bin/python bench/at_scale.py seed [--backend postgresql|sqlite|both] [--scale 1.0] [service…]
    .venv/bin/python bench/at_scale.py measure [--backend …] [--seconds 2] [--only NAME] [--no-housekeeping] [service…]
    .venv/bin/python bench/at_scale.py housekeeping [--backend …] [service…]   # the sweep and export alone
    .venv/bin/python bench/at_scale.py explain SERVICE NAME [--backend …]
    .venv/bin/python bench/at_scale.py check [--backend …] [service…]   # each probe once (the suite's smoke test)

See ``scale/__init__.py`` for what is built and measured. Results: ``results/scale-<backend>.json``
(one entry per service, kept when another service is measured), seeding times in
``results/scale-seed-<backend>.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import logging
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import processes  # noqa: E402
import scale.store as store  # noqa: E402
from common import RESULTS, write  # noqa: E402
from scale.measure import check, measure, serve  # noqa: E402
from scale.store import BACKENDS, Bulk, database_url, engine, exists, fresh  # noqa: E402

SERVICES = ("intake", "sustainment", "lettings", "notifications")


def module(name: str):
    """The service's part of the large council (``scale/<service>_data.py``)."""
    return importlib.import_module(f"scale.{name}_data")


def _backends(asked: str) -> tuple[str, ...]:
    return BACKENDS if asked == "both" else (asked,)


def _merge(result_name: str, service: str, figures: dict) -> Path | None:
    """``figures`` as the service's entry in ``results/<result_name>.json``, the others kept; not
    for databases of another name than the large council's (the suite's smoke test seeds its own)."""
    if store.PREFIX != store.DEFAULT_PREFIX:
        return None
    path = RESULTS / f"{result_name}.json"
    services = json.loads(path.read_text()).get("services", {}) if path.exists() else {}
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parent).stdout.strip()
    earlier = services.get(service, {})
    if "housekeeping" in earlier and "housekeeping" not in figures and "probes" in figures:
        # Measured without it (--no-housekeeping): the last run's sweep and export are kept, dated.
        figures = {**figures, "housekeeping": {"measured": earlier.get("date"), **earlier["housekeeping"]}}
    services[service] = {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "commit": commit,
                         "load_average": Path("/proc/loadavg").read_text().split()[:3], **figures}
    return write(result_name, {"services": services})


def seed(backends: tuple[str, ...], scale: float, services: list[str]) -> None:
    now = dt.datetime.now(dt.UTC)
    for backend in backends:
        for name in services:
            started = time.perf_counter()
            fresh(name, backend)
            bulk = Bulk(name, backend)
            shape = module(name).seed(bulk, scale, now)
            bulk.finish()
            took = round(time.perf_counter() - started, 1)
            print(f"{name}/{backend}: seeded in {took} s: {shape}", flush=True)
            _merge(f"scale-seed-{backend}", name, {"scale": scale, "seeded_in_s": took, "shape": shape,
                                                    "rows": bulk.written})


def run(backends: tuple[str, ...], seconds: float, only: str | None, services: list[str],
        housekeeping: bool = True) -> None:
    logging.getLogger("casework").setLevel(logging.WARNING)
    for backend in backends:
        for name in services:
            if not exists(name, backend):
                sys.exit(f"{name} has no large database on {backend}: run `at_scale.py seed` first")
            part = module(name)
            figures = measure(name, backend, part.probes(backend), seconds, only)
            if housekeeping and not only and hasattr(part, "housekeeping"):
                api, port = serve(name, backend)
                try:
                    figures["housekeeping"] = part.housekeeping(port, backend)
                finally:
                    processes.stop(api)
            if not only:
                print(_merge(f"scale-{backend}", name, figures))


def housekeeping_alone(backends: tuple[str, ...], services: list[str]) -> None:
    """Only the housekeeping (the retention sweep of a year and a subject-access export, each with
    the api's p99 during it), kept beside the service's last probes, dated on its own."""
    for backend in backends:
        for name in services:
            part = module(name)
            if not hasattr(part, "housekeeping"):
                continue
            api, port = serve(name, backend)
            try:
                figures = part.housekeeping(port, backend)
            finally:
                processes.stop(api)
            figures["measured"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            figures["load_average"] = Path("/proc/loadavg").read_text().split()[:3]
            print(name, backend, json.dumps(figures), flush=True)
            if store.PREFIX == store.DEFAULT_PREFIX:
                path = RESULTS / f"scale-{backend}.json"
                services_ = json.loads(path.read_text()).get("services", {}) if path.exists() else {}
                services_.setdefault(name, {})["housekeeping"] = figures
                write(f"scale-{backend}", {"services": services_})


def smoke(backends: tuple[str, ...], services: list[str]) -> int:
    """Each probe asked once, its SQL run once, and the housekeeping done, over a (small) seeded
    council: the suite's check that this benchmark has not rotted. Non-zero when anything failed."""
    failures = {}
    for backend in backends:
        for name in services:
            part = module(name)
            api, port = serve(name, backend)
            try:
                failures.update({f"{name}/{backend}: {probe}": why
                                 for probe, why in check(port, backend, name, part.probes(backend)).items()})
                if hasattr(part, "housekeeping"):
                    part.housekeeping(port, backend)
            finally:
                processes.stop(api)
    for what, why in failures.items():
        print(what, why)
    return 1 if failures else 0


def explain(name: str, probe_name: str, backend: str) -> None:
    """The plan of a probe's plain SQL on the large database (EXPLAIN ANALYZE on PostgreSQL)."""
    from sqlalchemy import text

    probe = next(p for p in module(name).probes(backend) if p.name == probe_name)
    statement = (probe.sqlite_sql or probe.sql) if backend == "sqlite" else probe.sql
    prefix = "EXPLAIN QUERY PLAN " if backend == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    plain = engine(database_url(name, backend))
    with plain.connect() as conn:
        for row in conn.execute(text(prefix + statement), probe.params):
            print(*row)
    plain.dispose()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for command in ("seed", "measure", "check", "housekeeping"):
        sub = commands.add_parser(command)
        sub.add_argument("--backend", choices=(*BACKENDS, "both"), default="postgresql")
        sub.add_argument("services", nargs="*", choices=(*SERVICES, []), default=list(SERVICES))
        if command == "seed":
            sub.add_argument("--scale", type=float, default=1.0, help="a share of the full size (0.01 to try)")
        elif command == "measure":
            sub.add_argument("--seconds", type=float, default=2.0, help="a round's length")
            sub.add_argument("--only", help="one probe, by name")
            sub.add_argument("--no-housekeeping", action="store_true",
                             help="the probes only: no retention sweep nor subject-access export")
    sub = commands.add_parser("explain")
    sub.add_argument("service", choices=SERVICES)
    sub.add_argument("name")
    sub.add_argument("--backend", choices=BACKENDS, default="postgresql")
    args = parser.parse_args(argv)
    if args.command == "seed":
        seed(_backends(args.backend), args.scale, args.services or list(SERVICES))
    elif args.command == "measure":
        run(_backends(args.backend), args.seconds, args.only, args.services or list(SERVICES),
            housekeeping=not args.no_housekeeping)
    elif args.command == "check":
        sys.exit(smoke(_backends(args.backend), args.services or list(SERVICES)))
    elif args.command == "housekeeping":
        housekeeping_alone(_backends(args.backend), args.services or list(SERVICES))
    else:
        explain(args.service, args.name, args.backend)


if __name__ == "__main__":
    main(sys.argv[1:])
