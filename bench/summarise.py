"""Rewrite bench/README.md from the JSON in bench/results/."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import RESULTS  # noqa: E402

README = Path(__file__).resolve().parent / "README.md"

HEADER = """# Benchmarks

`make bench` runs each benchmark beside its baseline, measured in the same run on the same
machine, writes `results/<name>.json` and rewrites this summary (about 12 minutes). Every
server is real and on loopback: PostgreSQL and RabbitMQ from `CASEWORK_TEST_POSTGRES_URL` /
`CASEWORK_TEST_BROKER_URL` (default 127.0.0.1), the apis under gunicorn with the services' own
`gunicorn.conf.py`, load from `load.py` (a bounded, self-stopping HTTP/1.1 client on one asyncio
loop, requests built before the clock starts). There is no second machine here: the load
generator shares the two cores, and its own CPU per request is reported beside each figure.
Runs alternate with their baselines and report medians, because the machine may be shared.
Targets are ratios to the baseline measured in the same run, so they hold on any machine; an
absolute figure is shown beside its baseline's, with the load average (1 minute) when the
benchmark ended, and read as information about this machine on that day.

| file | measures | baseline |
|---|---|---|
| `relay.py` | outbox relay: rows read, published with confirms, marked sent | raw kombu, one confirm per message |
| `referrals.py` | `POST /referrals` throughput, p50/p99, 16 keep-alive clients; RSS after | bare Flask + marshmallow + one INSERT, same gunicorn settings |
| `shortlist.py` | `GET /adverts/{id}/shortlist`, 2,000 bids, 100,000 applicants | the same join as one plain SQL query |
| `e2e.py` | `POST /referrals` to the triage task in notifications, every service running: latency at 50/s and 200/s, CPU per referral by process (PostgreSQL and RabbitMQ included), the highest rate held 60 s (`holding.py`: probes of 8 s at rising rates, then 60 s) | the minimal pipeline, measured the same way in the same run |
| `minimal_pipeline.py` | the baseline e2e.py measures against: the simplest code from HTTP to a row in a second database through an outbox and RabbitMQ (`minimal_app.py`: bare Flask + marshmallow under intake's gunicorn settings, the row and an outbox row in one psycopg transaction; `minimal_relay.py`: publisher confirms; `minimal_consumer.py`: kombu, a row per message, then ack) | – |
| `consumer.py` | the notifications consumer draining 1,000 queued referrals (not in `make bench`) | one transaction per event |
| `inbox.py` | `/healthz` and `GET /tasks` answer times with 50 web inboxes open, notifications under gunicorn 2 × 4 (not in `make bench`) | the same api with no inbox open |
| `imports.py` | 100,000 rows through `casework import` (properties, then the same file again, then applicants: a row a person), wall clock and the command's CPU (not in `make bench`: ~10 min on an idle machine) | the same homes file loaded with plain `COPY` into text columns, and inserted with one plain prepared `INSERT` a row |
| `pages.py` | the officers' pages' server time, p50/p95 with 4 keep-alive clients: the inbox with 10,000 open tasks, the triage queue with 2,000 referrals waiting, a case a year old | the JSON endpoint each page matches, alternating with it in the same run |
| `at_scale.py` | five years of a large council (`scale/`: 1,000,000 referrals, 200,000 cases with plans, visits and notes, 100,000 applicants, 20,000 homes with five years of voids and lets, 2,000,000 tasks), seeded once per service and backend (`make bench-scale-seed`), then every list endpoint with its filters, every report and the pages, p95 with 4 keep-alive clients, and the retention sweep and a subject-access export timed with the api's p99 during the sweep (`make bench-scale`; not in `make bench`) | the same rows read by the same query in plain SQL on the same database, alternating in the same run; targets p95 < 100 ms, pages < 150 ms |
| `council.py` | over a year of a large council's data (100,000 applicants, 5,000 voids, 50,000 cases, 60,000 referrals; COPY-seeded): live voids `/app/voids`, an advert with 2,000 bids, each service's `/app/performance` (not in `make bench`: `make bench-council`, about 5–8 minutes) | as `pages.py` |

"""


def when(result: dict) -> str:
    """The date a benchmark ended, with the machine's load average (1 minute) then."""
    load = result.get("load_average_at_end")
    return f"{result['date']}, load {load[0]}" if load else result["date"]


def load(name: str) -> dict | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def scale_rows(result: dict | None, backend: str) -> list[str]:
    """A large council (at_scale.py): for each service, how many probes met their target, and the
    slowest five beside their plain SQL."""
    if not result:
        return []
    lines = []
    for service, figures in sorted(result.get("services", {}).items()):
        probes = figures.get("probes", {})
        if not probes:
            continue
        measured = {name: p for name, p in probes.items() if (p.get("api") or {}).get("p95_ms") is not None}
        met = sum(1 for p in probes.values() if p.get("met"))
        slowest = sorted(measured.items(), key=lambda item: -item[1]["api"]["p95_ms"])[:5]
        shown = "; ".join(f"{name} {p['api']['p95_ms']} ms (SQL {(p.get('sql') or {}).get('p95_ms', '–')} ms)"
                          for name, p in slowest)
        load_average = figures.get("load_average") or ["?"]
        lines.append(f"| a large council, {service} on {backend}: probes meeting their target | "
                     f"{figures.get('date', '')}, load {load_average[0]} | {met} of {len(probes)}; slowest p95: {shown} "
                     f"| each probe's plain SQL | p95 < 100 ms (pages 150 ms) | {'yes' if met == len(probes) else 'no'} |")
    return lines


def cpu_table(title: str, figures: dict) -> list[str]:
    """Where a referral's CPU goes in one pipeline, at each rate it ran (two cores give 2,000 ms a
    second: at 200/s, 10 ms a referral is the whole machine)."""
    runs = {f"{rate.replace('_per_s', '/s')}": {**run["to_task"], "holds": run["holds"]}
            for rate, run in figures["rates"].items()}
    runs |= {f"{rate.replace('_per_s', '/s')} probe": run for rate, run in figures.get("probes", {}).items()}
    runs |= {f"{rate.replace('_per_s', '/s')} for 60 s": run for rate, run in figures.get("held", {}).items()}
    cpu = {name: run["cpu_ms_per_referral"] for name, run in runs.items() if run.get("cpu_ms_per_referral")}
    if not cpu:
        return []
    totals = ("all", "pipeline", "load_generator")
    names = sorted({n for c in cpu.values() for n in c if n not in totals},
                   key=lambda n: -max(c.get(n, 0) for c in cpu.values()))
    lines = [f"\n{title}: CPU per referral, ms, by process (`pipeline`: every process but the load generator):\n",
             "| run | " + " | ".join(names) + " | pipeline | load generator | held |", "|---" * (len(names) + 4) + "|"]
    for name, c in cpu.items():
        run = runs[name]
        held = "" if "holds" not in run else "yes" if run["holds"] else "no"
        lines.append(f"| {name} | " + " | ".join(str(c.get(n, "")) for n in names)
                     + f" | {c.get('pipeline', '')} | {c.get('load_generator', '')} | {held} |")
    return lines


def e2e_rows(e2e: dict) -> list[str]:
    """The system beside the minimal pipeline: latency, the highest rate held, CPU per referral."""
    system, minimal, ratios, met = e2e["system"], e2e["minimal_pipeline"], e2e["ratios"], e2e["met"]
    load = (f"{e2e['date']}, load {minimal['load_average']['start']}–{minimal['load_average']['end']} (minimal), "
            f"{system['load_average']['start']}–{system['load_average']['end']} (system)")
    rows = []
    for rate in system["rates"]:
        t, b = system["rates"][rate]["to_task"], minimal["rates"][rate]["to_task"]
        rows.append(f"| referral → triage task at {rate.replace('_per_s', '')}/s | {load} | p50 {t['p50_ms']} ms, "
                    f"p95 {t['p95_ms']} ms, p99 {t['p99_ms']} ms ({t['tasks']}/{t['referrals']} tasks) "
                    f"| minimal pipeline p50 {b['p50_ms']} ms, p95 {b['p95_ms']} ms, p99 {b['p99_ms']} ms "
                    f"| (information) | |")
    held, base = system["highest_rate_held_60_s"], minimal["highest_rate_held_60_s"]
    target = e2e["targets"]["highest_rate_held_at_least_x_minimal"]
    rows.append(f"| highest rate held 60 s | {load} | {f'{held}/s' if held else 'none'} | minimal pipeline "
                f"{f'{base}/s' if base else 'none'} | ≥ {target:.0%} of the minimal pipeline's "
                f"| {'yes' if met['highest_rate_held'] else 'no'} (×{ratios['highest_rate_held']}) |")
    cpu = system["rates"]["200_per_s"]["to_task"]["cpu_ms_per_referral"]
    base_cpu = minimal["rates"]["200_per_s"]["to_task"]["cpu_ms_per_referral"]
    target = e2e["targets"]["cpu_per_referral_at_200_at_most_x_minimal"]
    rows.append(f"| CPU per referral at 200/s, every process but the load generator | {load} | {cpu['pipeline']} ms "
                f"| minimal pipeline {base_cpu['pipeline']} ms | ≤ ×{target:g} of the minimal pipeline's "
                f"| {'yes' if met['cpu_per_referral_at_200'] else 'no'} (×{ratios['cpu_per_referral_at_200']}) |")
    return rows


def pages_rows(pages: dict, label: str = "page") -> list[str]:
    """A row per page: the page beside its JSON endpoint, or why it was not measured."""
    targets = pages["targets"]
    target = f"p95 < {targets['page_p95_ms_under']:g} ms and ≤ ×{targets['page_p95_within_x_of_json']:g} of JSON"
    rows = []
    ended = f"{when(pages)} (at {pages['commit']})" if pages.get("commit") else when(pages)

    def shown(path: str) -> str:
        return re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "{id}", path)

    for name, figures in pages["pages"].items():
        if "skipped" in figures:
            rows.append(f"| {label}: {name} | {ended} | skipped: {figures['skipped']} | – | {target} | – |")
            continue
        page, endpoint = figures["page"], figures["json"]
        if page["p95_ms"] is None:
            rows.append(f"| {label}: {name} `{shown(page['path'])}` | {ended} | no answer finished inside a round "
                        f"({figures.get('seconds_per_round', pages.get('seconds_per_round'))} s) | `{shown(endpoint['path'])}` "
                        f"p50 {endpoint['p50_ms']} ms, p95 {endpoint['p95_ms']} ms | {target} | no |")
            continue
        rows.append(f"| {label}: {name} `{shown(page['path'])}` | {ended} | p50 {page['p50_ms']} ms, "
                    f"p95 {page['p95_ms']} ms | `{shown(endpoint['path'])}` p50 {endpoint['p50_ms']} ms, p95 {endpoint['p95_ms']} ms "
                    f"| {target} | {'yes' if figures['met'] else 'no'} (×{figures['p95_ratio']}) |")
    return rows


def imports_rows(imports: dict) -> list[str]:
    copy, insert = imports["baseline_copy"], imports["baseline_insert_per_row"]
    baseline = f"COPY {copy['seconds']} s, INSERT a row {insert['seconds']} s"
    rows = []
    for name in ("properties", "properties_sent_again", "applicants"):
        run = imports[name]
        judged = f"| {imports['target']} | {'yes' if run['seconds'] < 300 else 'no'} |" if name != "properties_sent_again" \
            else "| (information) | |"
        rows.append(f"| import {name.replace('_', ' ')}: {run['rows']:,} rows ({run['records']:,} records) | {imports['date']} "
                    f"| {run['seconds']} s wall ({run['rows_per_s']} rows/s), {run['cpu_seconds']} s CPU, load "
                    f"{imports['load_average_before']}→{run['load_average_after']} on {imports['cpus']} CPUs | {baseline} {judged}")
    return rows


def main() -> None:
    lines = [HEADER, "## Latest results\n"]
    relay, referrals, shortlist = load("relay"), load("referrals"), load("shortlist")
    any_result = relay or referrals or shortlist
    if any_result:
        m = any_result["machine"]
        lines.append(f"Machine: {m['platform']}, {m['cpus']} CPUs, Python {m['python']}.\n")
        lines.append("| benchmark | date | casework | baseline | target | met |\n|---|---|---|---|---|---|")
    if relay:
        lines.append(f"| relay | {when(relay)} | {relay['casework_relay_per_s']}/s | {relay['baseline_raw_kombu_per_s']}/s "
                     f"| ≥ baseline | {'yes' if relay['ratio'] >= 1 else 'no'} (×{relay['ratio']}) |")
    if referrals:
        c, b = referrals["casework"], referrals["baseline"]
        lines.append(f"| POST /referrals | {when(referrals)} | {c['throughput_per_s']}/s, p50 {c['p50_ms']} ms, "
                     f"p99 {c['p99_ms']} ms | {b['throughput_per_s']}/s, p50 {b['p50_ms']} ms, p99 {b['p99_ms']} ms "
                     f"| ≥ {referrals.get('target_ratio', 0.5):.0%} of baseline "
                     f"| {'yes' if referrals['met'] else 'no'} (×{referrals['throughput_ratio']}) |")
        generator = referrals.get("load_generator_cpu_ms_per_request")
        if generator:
            lines.append(f"| load generator's own CPU per request | {when(referrals)} | {generator['casework']} ms "
                         f"| {generator['baseline']} ms | (information) | |")
        r = referrals.get("casework_with_relay_beside")
        if r:
            lines.append(f"| POST /referrals, the worker's relay beside it | {when(referrals)} | {r['throughput_per_s']}/s, "
                         f"p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms | as above | (information) "
                         f"| ×{referrals['with_relay_ratio']} |")
    if shortlist:
        h, b = shortlist["shortlist_http"], shortlist["baseline_plain_sql_join"]
        lines.append(f"| shortlist | {when(shortlist)} | p50 {h['p50_ms']} ms, p95 {h['p95_ms']} ms | SQL p50 {b['p50_ms']} ms, "
                     f"p95 {b['p95_ms']} ms | p95 < 50 ms | {'yes' if shortlist['met'] else 'no'} |")
    e2e = load("e2e")
    if e2e and "system" not in e2e:
        e2e = None  # written before the minimal pipeline was measured beside the system: run it again
    if e2e:
        lines += e2e_rows(e2e)
    pages = load("pages")
    if pages:
        lines += pages_rows(pages)
    council = load("council")
    if council:
        lines += pages_rows(council, "a year of a large council")
    imports = load("imports")
    if imports:
        lines += imports_rows(imports)
    for backend in ("postgresql", "sqlite"):
        lines += scale_rows(load(f"scale-{backend}"), backend)
    if e2e:
        lines += cpu_table("The whole system", e2e["system"])
        lines += cpu_table("The minimal pipeline", e2e["minimal_pipeline"])
    memory = {**(referrals or {}).get("memory_mb_after", {}), **(shortlist or {}).get("memory_mb_after", {}),
              **(e2e or {}).get("system", {}).get("memory_mb_after", {}),
              **(e2e or {}).get("minimal_pipeline", {}).get("memory_mb_after", {}),
              **{f"api behind the {name} (pages.py)": figures["memory_mb_after"] for name, figures in (pages or {}).get("pages", {}).items()
                 if figures.get("memory_mb_after")}}
    if memory:
        lines.append("\nResident memory after the runs (MB; target under 150 each):\n")
        for process, figures in memory.items():
            lines.append(f"- {process}: " + ", ".join(f"{k} {v}" for k, v in figures.items()))
    lines.append("\n" + NOTES)
    README.write_text("\n".join(lines) + "\n")
    print(README)


NOTES = (Path(__file__).resolve().parent / "NOTES.md").read_text() if (Path(__file__).resolve().parent / "NOTES.md").exists() else ""

if __name__ == "__main__":
    main()
