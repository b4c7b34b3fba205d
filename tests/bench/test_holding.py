"""The search for the highest rate held (bench/holding.py), against a pipeline that holds up to a
known capacity: it lands within its stated resolution below that capacity, and holds it 60 s."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import holding  # noqa: E402


def capacity(limit: float, runs: list):
    def run(rate: float, seconds: float) -> tuple[dict, dict]:
        runs.append((rate, seconds))
        behind = max(0.0, rate - limit) * seconds
        http = {"errors": 0, "statuses": {201: int(rate * seconds)}, "p99_ms": 10.0}
        return http, {"backlog_when_arrivals_stopped": behind, "p99_ms": 20.0 + behind}
    return run


@pytest.mark.parametrize(("limit", "first"), [(437, 200), (1900, 200), (120, 200), (35, 200)])
def test_the_highest_rate_found_is_held_and_close_below_capacity(limit, first):
    runs: list = []
    run = capacity(limit, runs)
    http, e2e = run(first, 10)
    found = holding.highest_held(run, first, holding.holds(first, 10, http, e2e))

    highest = found["highest_rate_held_60_s"]
    # A probe holds up to half a second of arrivals behind, so slightly over capacity may pass a probe.
    assert limit / holding.FINE ** 2 <= highest <= limit * 1.1, (highest, runs)
    assert (highest, holding.HOLD_SECONDS) in runs
    assert len(runs) <= 10, runs


def test_a_pipeline_that_holds_nothing_reports_none():
    runs: list = []
    run = capacity(0, runs)
    found = holding.highest_held(run, 200, False)
    assert found["highest_rate_held_60_s"] is None
