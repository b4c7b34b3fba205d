"""Reports: caseload by officer and risk, cases past a deadline, outcomes of closed cases."""

from __future__ import annotations

import datetime as dt
import json
import uuid

from alembic import command
from sqlalchemy import select, update

from casework import tallies
from casework.audit import AuditEntry
from casework.migrations import config, upgrade
from casework_dev.testing import bearer, statements_sent
from sustainment import rules
from sustainment.cases import outcomes
from sustainment.cases.closure import close, reopen
from sustainment.models import TALLIES, Case
from sustainment.policy import current as policy
from sustainment.service import SERVICE

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


def _reads_by(sustainment, actor: str) -> set[str]:
    with sustainment.db.transaction() as session:
        return set(session.scalars(select(AuditEntry.record_id).where(
            AuditEntry.actor == actor, AuditEntry.action == "read", AuditEntry.record_type == "case")))


def test_cases_past_a_deadline_a_page_at_a_time_each_case_on_the_page_audited(sustainment, open_case):
    # A large council has thousands of deadlines past: the report is paged as every list is, and
    # only the cases on the page shown are audited as read (bench/NOTES.md, "Sustainment at full
    # size, second pass").
    january = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
    late = [open_case(accepted_at=january + dt.timedelta(days=i)) for i in range(3)]
    reader = bearer("leader-9", "team_leader")

    r = sustainment.client.get("/reports/overdue?page_size=2", headers=reader)
    assert r.status_code == 200
    assert [row["case_id"] for row in r.json] == [late[0]["id"], late[1]["id"]]
    assert json.loads(r.headers["X-Pagination"])["total"] == 3
    assert _reads_by(sustainment, "leader-9") == {late[0]["id"], late[1]["id"]}

    second = sustainment.client.get("/reports/overdue?page_size=2&page=2", headers=reader).json
    assert [row["case_id"] for row in second] == [late[2]["id"]]
    assert _reads_by(sustainment, "leader-9") == {c["id"] for c in late}
    assert sustainment.client.get("/reports/overdue?page_size=0", headers=reader).status_code == 422


def test_outcomes_of_closed_cases_by_type_and_period(sustainment, open_case):
    c = sustainment.client
    for outcome, days_open in (("tenancy_sustained", 10), ("evicted", 30), ("moved_on_planned", 50)):
        case = open_case()
        c.post(f"/cases/{case['id']}/closure", json={"outcome": outcome, "summary": "."}, headers=LEADER)
        with sustainment.db.transaction() as session:  # reckoned here: SQLite has no interval arithmetic
            closed = session.get(Case, uuid.UUID(case["id"])).closed_at
            session.execute(update(Case).where(Case.id == uuid.UUID(case["id"]))
                            .values(opened_at=closed - dt.timedelta(days=days_open)))
            outcomes.recount(session)  # opened earlier by hand, behind the tallies' back: counted again
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


def _tallied(session) -> list:
    """Every count kept, by month and by day."""
    return sorted(tuple(row) for table in (TALLIES.months, TALLIES.days)
                  for row in session.execute(select(table).where(table.c.count != 0)))


def test_outcomes_kept_by_month_agree_with_a_count_from_scratch_after_closures_and_reopenings(sustainment, open_case):
    ids = [uuid.UUID(open_case()["id"]) for _ in range(4)]
    closings = ((ids[0], "tenancy_sustained", dt.datetime(2026, 2, 27, 12, tzinfo=dt.UTC)),
                (ids[1], "evicted", dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC)),  # 1 April in London
                (ids[2], "moved_on_planned", dt.datetime(2026, 4, 14, 9, tzinfo=dt.UTC)),
                (ids[3], "deceased", dt.datetime(2026, 4, 15, 9, tzinfo=dt.UTC)))
    with sustainment.db.transaction() as session:
        for case_id, _, _ in closings:
            session.get(Case, case_id).opened_at = dt.datetime(2026, 1, 2, 10, tzinfo=dt.UTC)
        session.flush()
        outcomes.recount(session)  # opened earlier by hand, behind the tallies' back: counted again
        for case_id, outcome, when in closings:
            close(session, session.get(Case, case_id), outcome=outcome, summary=".", policy=policy(), now=when)
    with sustainment.db.transaction() as session:
        reopen(session, session.get(Case, ids[3]), reason="closed by mistake")
        reopen(session, session.get(Case, ids[2]), reason="closed by mistake")
        close(session, session.get(Case, ids[2]), outcome="evicted", summary=".", policy=policy(),
              now=dt.datetime(2026, 5, 2, 9, tzinfo=dt.UTC))

    with sustainment.db.transaction() as session:
        kept = _tallied(session)
        outcomes.recount(session)
        assert _tallied(session) == kept
        by_outcome = {(month, key): n for month, key, n in tallies.counted(session, TALLIES, outcomes.BY_OUTCOME)}
    assert by_outcome == {("2026-02", ("sustainment", "tenancy_sustained")): 1, ("2026-04", ("sustainment", "evicted")): 1,
                          ("2026-05", ("sustainment", "evicted")): 1}
    # Each closure on its London day: 23:30 UTC on 31 March is 1 April in London.
    assert [row for row in kept if row[0] == outcomes.BY_OUTCOME and len(row[1]) == 10] == [
        (outcomes.BY_OUTCOME, "2026-02-27", "sustainment\x1ftenancy_sustained", 1),
        (outcomes.BY_OUTCOME, "2026-04-01", "sustainment\x1fevicted", 1),
        (outcomes.BY_OUTCOME, "2026-05-02", "sustainment\x1fevicted", 1)]

    # And the migrations count the same from the cases closed so far: the days (0019), and the
    # months and days (0015, then 0019).
    url = sustainment.db.url
    for back_to in ("0016", "0013"):
        command.downgrade(config(SERVICE, url), back_to)
        upgrade(SERVICE, url)
        with sustainment.db.transaction() as session:
            assert _tallied(session) == kept, back_to


def test_outcomes_over_whole_months_and_part_months_are_those_of_the_closed_cases(sustainment, open_case):
    ids = [uuid.UUID(open_case()["id"]) for _ in range(5)]
    when = (dt.datetime(2026, 1, 10, 9, tzinfo=dt.UTC), dt.datetime(2026, 2, 3, 9, tzinfo=dt.UTC),
            dt.datetime(2026, 2, 20, 9, tzinfo=dt.UTC), dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC),
            dt.datetime(2026, 3, 31, 22, tzinfo=dt.UTC))
    with sustainment.db.transaction() as session:
        for i, (case_id, moment) in enumerate(zip(ids, when, strict=True)):
            case = session.get(Case, case_id)
            case.opened_at = moment - dt.timedelta(days=10 * i + 3)
            close(session, case, outcome=("evicted", "tenancy_sustained")[i % 2], summary=".", policy=policy(),
                  now=moment)
        closed = [rules.ClosedCase(c.case_type, c.closure_outcome, c.opened_at, c.closed_at)
                  for c in session.scalars(select(Case).where(Case.status == "closed"))]

    def expected(first: dt.date, last: dt.date) -> list:
        return json.loads(json.dumps(rules.outcomes(
            c for c in closed if rules.start_of_day(first) <= c.closed_at < rules.start_of_day(last + dt.timedelta(1))
        )))

    for first, last in ((dt.date(2026, 1, 1), dt.date(2026, 3, 31)),  # whole months: the tallies alone
                        (dt.date(2026, 1, 11), dt.date(2026, 3, 1)),  # part months at both ends
                        (dt.date(2026, 2, 3), dt.date(2026, 2, 3))):  # one day
        r = sustainment.client.get(f"/reports/outcomes?closed_from={first}&closed_to={last}", headers=LEADER)
        assert r.status_code == 200
        assert r.json == expected(first, last), (first, last)
    assert sustainment.client.get("/reports/outcomes", headers=LEADER).json == expected(dt.date(2000, 1, 1),
                                                                                        dt.date(2100, 1, 1))


def test_the_outcomes_open_ends_are_each_a_lone_min_or_max(sustainment, open_case):
    """The first and last closure (of every type, or of one) each its own subquery: SQLite reads a
    lone ``min()`` or ``max()`` from an end of ``ix_cases_closed_at``, but both in one SELECT from
    every closed case (210 ms at full size, where PostgreSQL took each from an end of the index
    anyway; bench/NOTES.md, "SQLite at full size (lite)")."""
    case = open_case()
    sustainment.client.post(f"/cases/{case['id']}/closure", json={"outcome": "evicted", "summary": "."},
                            headers=LEADER)
    for path in ("/reports/outcomes", "/reports/outcomes?case_type=sustainment&closed_to=2100-01-01"):
        with statements_sent(sustainment.db.engine) as statements:
            r = sustainment.client.get(path, headers=LEADER)
        assert r.status_code == 200 and r.json[0]["closed"] == 1, r.json
        [ends] = [s for s, _ in statements if "(cases.closed_at)" in s]
        assert "(SELECT min(cases.closed_at)" in ends and "(SELECT max(cases.closed_at)" in ends, ends
