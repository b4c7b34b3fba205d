"""The highest arrival rate a pipeline holds: short probes find it, a 60 s run confirms it.

What "holds" means (e2e.py, for the whole system and the minimal pipeline alike): every request
answered 201, the p99 from request to row under 2 s, and the backlog (requests answered but
without their row) not growing: under half a second of arrivals when arrivals stop.

The search starts from a rate already run (e2e.py's 200/s), goes up (or down) by ×1.5 until the
answer changes, then halves the gap (geometrically) until the rate that held and the rate that
did not are within ×1.15 of each other. The highest rate that held is then run for 60 s; if that
does not hold (a rate a little over what the pipeline sustains may pass a short probe), the rate
÷1.15 is, at most three times.
"""

from __future__ import annotations

import math
from collections.abc import Callable

PROBE_SECONDS = 8
HOLD_SECONDS = 60
STEP = 1.5
FINE = 1.15
LOWEST, HIGHEST = 10, 3000
HOLD_TRIES = 3

#: ``run(rate, seconds) -> (http figures, end-to-end figures)``, as e2e.run_rate returns them.
Run = Callable[[float, float], tuple[dict, dict]]


def holds(rate: float, seconds: float, http: dict, e2e: dict) -> bool:
    """Every request answered 201, the p99 under 2 s, and the backlog under half a second of
    arrivals when they stop."""
    return (not http["errors"] and http["statuses"].get(201, 0) >= rate * seconds * 0.98
            and e2e["backlog_when_arrivals_stopped"] <= rate * 0.5 and (e2e["p99_ms"] or 1e9) < 2000)


def next_rate(held: list[float], failed: list[float]) -> float | None:
    """The next rate to probe, or None when the highest rate that holds is found to within FINE."""
    low, high = max(held, default=None), min(failed, default=None)
    if low is not None and high is not None:
        if high / low <= FINE:
            return None
        rate = math.sqrt(low * high)
    elif low is not None:
        rate = low * STEP
    else:
        rate = high / STEP
    rate = round(rate / 10) * 10
    if rate in held or rate in failed or not LOWEST <= rate <= HIGHEST:
        return None
    return rate


def highest_held(run: Run, first_rate: float, first_holds: bool) -> dict:
    """Probe from ``first_rate`` (already run: ``first_holds`` says how it went), then hold."""
    held, failed = ([first_rate], []) if first_holds else ([], [first_rate])
    probes = {}
    while (rate := next_rate(held, failed)) is not None:
        http, e2e = run(rate, PROBE_SECONDS)
        ok = holds(rate, PROBE_SECONDS, http, e2e)
        probes[f"{rate:g}_per_s"] = {"holds": ok, **e2e, "post_p99_ms": http["p99_ms"]}
        (held if ok else failed).append(rate)
    sustained, highest = {}, None
    candidate = max(held, default=None)
    for _ in range(HOLD_TRIES):
        if candidate is None or candidate < LOWEST:
            break
        http, e2e = run(candidate, HOLD_SECONDS)
        ok = holds(candidate, HOLD_SECONDS, http, e2e)
        sustained[f"{candidate:g}_per_s"] = {"holds": ok, **e2e, "post_p99_ms": http["p99_ms"]}
        if ok:
            highest = candidate
            break
        candidate = round(candidate / FINE / 10) * 10
    return {"probe_seconds": PROBE_SECONDS, "probes": probes, "hold_seconds": HOLD_SECONDS, "held": sustained,
            "highest_rate_held_60_s": highest}
