"""Imports from the housing management system: 100,000 rows of a CSV file through
``casework import`` (the command a council runs, as a process: every row validated by the API's
schema and written by the API's use case with its audit entry, the whole file in one transaction)
into the lettings database on PostgreSQL. Target: 100,000 rows in minutes (under 5).

Baselines, measured in the same run on the same database: the same file loaded with plain
``COPY`` into a table of text columns (the floor: no validation, no ORM), and the same homes
inserted into ``properties`` with one plain prepared ``INSERT`` per row (psycopg ``executemany``).

    .venv/bin/python bench/imports.py [rows]
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

from casework_dev.testing import ServiceHarness

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BROKER, POSTGRES, write  # noqa: E402

HOMES = ("housing_ref,address,uprn,property_type,bedrooms,floor,wheelchair_accessible,min_age,sensitive_let,"
         "weekly_rent,service_charge,rent_type\n")
PEOPLE = ("housing_ref,band,effective_date,application_date,needs_wheelchair,needs_ground_floor,monthly_net_income,"
          "monthly_outgoings,support_needs,reasonable_preference,move_on_from,existing_tenant,phone,email,status,"
          "member_name,member_date_of_birth,member_sex,member_relationship\n")


def homes_file(path: Path, rows: int, prefix: str = "PR") -> None:
    rng = random.Random(31)
    with path.open("w") as out:
        out.write(HOMES)
        for i in range(rows):
            kind = rng.choice(("flat", "house", "maisonette", "bungalow"))
            out.write(f'{prefix}{i:07d},"{i % 300 + 1} Fleming Way, Swindon SN1 2NG",{10008000000 + i},{kind},'
                      f'{rng.randint(0, 4)},{rng.randint(0, 8) if kind == "flat" else 0},{rng.choice("yn")},,n,'
                      f'{rng.randint(70, 140)}.{rng.randint(0, 99):02d},{rng.randint(0, 15)}.00,\n')


def households_file(path: Path, rows: int) -> int:
    """Households of one to four people (an applicant, maybe a partner, children), ``rows`` rows in all."""
    rng = random.Random(32)
    written = households = 0
    with path.open("w") as out:
        out.write(PEOPLE)
        while written < rows:
            size = min(rng.randint(1, 4), rows - written)
            ref = f"APP{households:07d}"
            out.write(f"{ref},{rng.choice('ABCD')},2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)},2023-12-01,n,n,"
                      f"1800.00,900.00,,,,n,07700 900{households % 1000:03d},,active,"
                      f"Applicant {households},1985-03-0{rng.randint(1, 9)},F,applicant\n")
            for child in range(size - 1):
                out.write(f"{ref},,,,,,,,,,,,,,,Child {child},201{child + 2}-06-0{rng.randint(1, 9)},"
                          f"{rng.choice('FM')},child\n")
            written += size
            households += 1
    return households


def imported(database_url: str, kind: str, path: Path) -> dict:
    env = {**os.environ, "CASEWORK_LETTINGS_DATABASE_URL": database_url}
    started, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run([sys.executable, "-m", "casework.cli", "import", kind, str(path), "--service", "lettings",
                           "--by", "bench", "--json"], capture_output=True, text=True, env=env)
    seconds, cpu = time.perf_counter() - started, _children_cpu() - cpu
    if done.returncode != 0:
        raise RuntimeError(f"casework import {kind} failed: {done.stderr[-2000:]}")
    report = json.loads(done.stdout)
    return {"rows": report["rows"], "records": report["records"], "imported": report["imported"],
            "already_imported": report["already_imported"], "seconds": round(seconds, 1),
            "rows_per_s": round(report["rows"] / seconds, 1), "cpu_seconds": round(cpu, 1),
            "load_average_after": round(os.getloadavg()[0], 1)}


def _children_cpu() -> float:
    """CPU time of the finished child processes (the import command's own, with its start-up): on
    a machine shared with other work the wall clock shows the queue for the cores as well."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def copy_baseline(database_url: str, path: Path) -> dict:
    columns = HOMES.strip().split(",")
    with psycopg.connect(database_url) as conn:
        conn.execute(f"CREATE TABLE bench_homes ({', '.join(f'{c} text' for c in columns)})")
        started = time.perf_counter()
        with conn.cursor() as cur, cur.copy("COPY bench_homes FROM STDIN WITH (FORMAT csv, HEADER true)") as copy, \
                path.open("rb") as source:
            while chunk := source.read(1 << 16):
                copy.write(chunk)
        conn.commit()
        seconds = time.perf_counter() - started
        rows = conn.execute("SELECT count(*) FROM bench_homes").fetchone()[0]
        conn.execute("DROP TABLE bench_homes")
    return {"rows": rows, "seconds": round(seconds, 2), "rows_per_s": round(rows / seconds, 1)}


def insert_baseline(database_url: str, rows: int) -> dict:
    rng = random.Random(33)
    values = [(uuid.uuid4(), f"B-{i:07d}", f"{i} Mill Lane", "flat", rng.randint(0, 4), 0, False, False,
               f"{rng.randint(70, 140)}.00", "0.00", f"BH{i:07d}") for i in range(rows)]
    sql = ("INSERT INTO properties (id, reference, address, property_type, bedrooms, floor, wheelchair_accessible, "
           "sensitive_let, weekly_rent, service_charge, housing_ref, created_at) "
           "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, now())")
    with psycopg.connect(database_url) as conn:
        started = time.perf_counter()
        with conn.cursor() as cur:
            cur.executemany(sql, values)
        conn.commit()
        seconds = time.perf_counter() - started
    return {"rows": rows, "seconds": round(seconds, 2), "rows_per_s": round(rows / seconds, 1)}


def main(rows: int = 100_000) -> dict:
    from lettings.service import SERVICE

    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as scratch, ServiceHarness(SERVICE, POSTGRES, BROKER) as harness:
        homes, people = Path(scratch) / "properties.csv", Path(scratch) / "applicants.csv"
        homes_file(homes, rows)
        households_file(people, rows)
        copy = copy_baseline(harness.database_url, homes)
        insert = insert_baseline(harness.database_url, rows)
        properties = imported(harness.database_url, "properties", homes)
        again = imported(harness.database_url, "properties", homes)
        applicants = imported(harness.database_url, "applicants", people)
    slowest = max(properties["seconds"], applicants["seconds"])
    result = {
        "rows": rows, "properties": properties, "properties_sent_again": again, "applicants": applicants,
        "baseline_copy": copy, "baseline_insert_per_row": insert,
        "load_average_before": round(load, 1), "cpus": os.cpu_count(),
        "target": "100,000 rows in under 5 minutes", "met": slowest < 300,
    }
    print(write("imports", result))
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:2]))
