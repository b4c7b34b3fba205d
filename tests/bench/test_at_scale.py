"""The large council's benchmark (bench/at_scale.py) kept from rotting: each service's data seeded
at a small share of the full size on both backends, then each probe asked once against the api
under gunicorn (it must answer 200), its plain SQL run once, and the housekeeping done."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = [p.stem.removesuffix("_data") for p in sorted((ROOT / "bench/scale").glob("*_data.py"))]


@pytest.mark.parametrize("service", SERVICES)
def test_each_probe_answers_over_a_seeded_council(service, postgres_url, tmp_path):
    prefix = f"cw_scaletest_{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "CASEWORK_TEST_POSTGRES_URL": postgres_url, "CASEWORK_SCALE_PREFIX": prefix,
           "CASEWORK_SCALE_DATA": str(tmp_path)}
    at_scale = [sys.executable, str(ROOT / "bench/at_scale.py")]
    try:
        seeded = subprocess.run([*at_scale, "seed", "--backend", "both", "--scale", "0.002", service], env=env,
                                capture_output=True, text=True, timeout=300, cwd=ROOT)
        assert seeded.returncode == 0, seeded.stdout + seeded.stderr
        checked = subprocess.run([*at_scale, "check", "--backend", "both", service], env=env,
                                 capture_output=True, text=True, timeout=300, cwd=ROOT)
        assert checked.returncode == 0, checked.stdout + checked.stderr
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {prefix}_{service} WITH (FORCE)")


def test_a_measure_without_housekeeping_keeps_the_sweeps_own_date(tmp_path, monkeypatch):
    """``measure --no-housekeeping`` keeps the last sweep and export beside the new probes, under
    the date they were measured, not the earlier probes' date."""
    sys.path.insert(0, str(ROOT / "bench"))
    import at_scale
    import common

    monkeypatch.setattr(at_scale, "RESULTS", tmp_path)
    monkeypatch.setattr(common, "RESULTS", tmp_path)
    swept = {"retention_sweep": {"took_s": 1.0}, "measured": "2026-12-07T18:33:29+00:00"}
    at_scale._merge("scale-x", "lettings", {"probes": [], "housekeeping": swept})
    at_scale._merge("scale-x", "lettings", {"probes": []})
    kept = json.loads((tmp_path / "scale-x.json").read_text())["services"]["lettings"]
    assert kept["housekeeping"] == swept


def test_a_query_longer_than_its_round_still_has_a_figure(tmp_path):
    """A plain SQL slower than the round (five years on SQLite) is timed at least once, not None."""
    sys.path.insert(0, str(ROOT / "bench"))
    from sqlalchemy import create_engine

    from scale.measure import sql_round

    engine = create_engine(f"sqlite:///{tmp_path / 'one.db'}")
    found = sql_round(engine, "SELECT 1", {}, seconds=0.0, clients=2)
    engine.dispose()
    assert found["requests"] >= 2
    assert found["p95_ms"] is not None
