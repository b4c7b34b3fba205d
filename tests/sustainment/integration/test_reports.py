"""Reports: caseload by officer and risk, cases past a deadline, outcomes of closed cases."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import update

from casework.testing import bearer
from sustainment.models import Case

OFFICER = bearer("officer-1", "sustainment_officer")
LEADER = bearer("leader-1", "team_leader")


def _assign(client, case, officer):
    assert client.post(f"/cases/{case['id']}/assignment", json={"officer_id": officer},
                       headers=LEADER).status_code == 200


def test_caseload_by_officer_and_risk_level(sustainment, open_case):
    c = sustainment.client
    for officer, level in (("officer-1", "high"), ("officer-1", "high"), ("officer-1", "low"), ("officer-2", "high")):
        _assign(c, open_case(level=level), officer)
    open_case(level="critical")
    closed = open_case(level="low")
    c.post(f"/cases/{closed['id']}/closure", json={"outcome": "deceased", "summary": "."}, headers=LEADER)

    r = c.get("/reports/caseload", headers=LEADER)
    assert r.status_code == 200
    assert r.json == [
        {"officer_id": None, "risk_level": "critical", "cases": 1},
        {"officer_id": "officer-1", "risk_level": "low", "cases": 1},
        {"officer_id": "officer-1", "risk_level": "high", "cases": 2},
        {"officer_id": "officer-2", "risk_level": "high", "cases": 1},
    ]
    assert c.get("/reports/caseload", headers=bearer("sys-1", "referrer")).status_code == 403


def test_open_cases_past_a_deadline(sustainment, open_case):
    late = open_case(level="critical", accepted_at=dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC))
    open_case(level="low")  # first contact not due yet
    done = open_case(level="critical", accepted_at=dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC))
    _assign(sustainment.client, done, "officer-1")
    sustainment.client.post(f"/cases/{done['id']}/contacts", json={"method": "phone"}, headers=OFFICER)

    rows = sustainment.client.get("/reports/overdue", headers=LEADER).json
    assert [(r["case_id"], r["deadline"], r["due"]) for r in rows] == [
        (late["id"], "first_contact", "2026-01-06T17:00:00+00:00")]


def test_outcomes_of_closed_cases_by_type_and_period(sustainment, open_case):
    c = sustainment.client
    for outcome, days_open in (("tenancy_sustained", 10), ("evicted", 30), ("moved_on_planned", 50)):
        case = open_case()
        c.post(f"/cases/{case['id']}/closure", json={"outcome": outcome, "summary": "."}, headers=LEADER)
        with sustainment.db.transaction() as session:  # reckoned here: SQLite has no interval arithmetic
            closed = session.get(Case, uuid.UUID(case["id"])).closed_at
            session.execute(update(Case).where(Case.id == uuid.UUID(case["id"]))
                            .values(opened_at=closed - dt.timedelta(days=days_open)))
    open_case()  # still open: not an outcome

    r = c.get("/reports/outcomes?case_type=sustainment", headers=LEADER)
    assert r.status_code == 200
    [row] = r.json
    assert row["case_type"] == "sustainment"
    assert row["closed"] == 3
    assert row["share_sustained"] == 0.667
    assert row["median_days_open"] == 30
    assert row["by_outcome"] == {"evicted": 1, "moved_on_planned": 1, "tenancy_sustained": 1}
    assert c.get("/reports/outcomes?closed_to=2020-01-01", headers=LEADER).json == []
    assert c.get("/reports/outcomes?closed_from=yesterday", headers=LEADER).status_code == 422
