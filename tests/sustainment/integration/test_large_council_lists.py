"""What a large council's team leader reads stays a page at a time, and is asked of the database so
that a prepared statement keeps its index (bench/NOTES.md, "Sustainment at full size, second pass")."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from casework.audit import AuditEntry
from casework.literal import text_of, written_in
from casework_dev.testing import bearer, statements_sent
from casework_dev.testing.pages import sign_in_as
from casework_dev.testing.times import plain_monday

LEADER = bearer("leader-1", "team_leader")
LONG_AGO = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)


def _reads(sustainment, actor: str) -> set[str]:
    with sustainment.db.transaction() as session:
        return set(session.scalars(select(AuditEntry.record_id).where(
            AuditEntry.actor == actor, AuditEntry.action == "read", AuditEntry.record_type == "case")))


def _waiting(open_case, n: int) -> list[dict]:
    """``n`` unassigned cases, the longest waiting (first contact most overdue) first."""
    return [open_case(accepted_at=LONG_AGO + dt.timedelta(days=i)) for i in range(n)]


def test_the_team_caseload_gives_its_unassigned_cases_a_page_at_a_time_auditing_only_the_page(
        sustainment, open_case):
    waiting = _waiting(open_case, 3)
    reader = bearer("leader-7", "team_leader")

    r = sustainment.client.get("/caseload/team?page_size=2", headers=reader)
    assert r.status_code == 200, r.json
    assert [e["id"] for e in r.json["unassigned"]] == [waiting[0]["id"], waiting[1]["id"]]
    assert json.loads(r.headers["X-Pagination"])["total"] == 3
    assert _reads(sustainment, "leader-7") == {waiting[0]["id"], waiting[1]["id"]}

    r = sustainment.client.get("/caseload/team?page_size=2&page=2", headers=reader)
    assert [e["id"] for e in r.json["unassigned"]] == [waiting[2]["id"]]
    assert sustainment.client.get("/caseload/team?page=0", headers=reader).status_code == 422


def test_the_team_leaders_cases_page_shows_twenty_unassigned_cases_a_page(sustainment, open_case):
    waiting = _waiting(open_case, 21)
    with sustainment.app.test_client() as browser:
        sign_in_as(browser, "leader-8", "team_leader", name="Leader Eight")
        first = browser.get("/app/cases").get_data(as_text=True)
        assert "The team’s unassigned cases (21)" in first and "Page 1 of 2" in first
        assert waiting[19]["reference"] in first and waiting[20]["reference"] not in first
        assert first.count("/assignment?from=caseload") == 20  # an assign form for each case shown, not all 21
        assert len(_reads(sustainment, "leader-8")) == 20
        second = browser.get("/app/cases?page=2").get_data(as_text=True)
        assert waiting[20]["reference"] in second and waiting[0]["reference"] not in second


@pytest.mark.parametrize("path", ["/caseload/team", "/reports/overdue", "/reports/caseload",
                                  "/cases?status=active&risk_level=critical&case_type=sustainment"])
def test_open_cases_and_the_values_a_list_is_filtered_by_are_written_in_the_sql(sustainment, open_case, path):
    """A status sent as a parameter was planned for any value once psycopg had prepared the
    statement (after five runs): ``status <> $1`` cannot use ``ix_cases_open_by_officer``, and
    critical active cases were looked for along the whole number index."""
    _waiting(open_case, 1)
    with statements_sent(sustainment.db.engine) as statements:
        assert sustainment.client.get(path, headers=LEADER).status_code == 200
    on_cases = [s for s, _ in statements if "FROM cases" in s and "cases.status" in s]
    assert on_cases
    for statement in on_cases:
        assert "cases.status !=" not in statement or "cases.status != 'closed'" in statement, statement
        assert "cases.status = %(" not in statement and "cases.risk_level = %(" not in statement, statement
        assert "cases.status = ?" not in statement and "cases.risk_level = ?" not in statement, statement


def test_only_our_own_constants_are_written_in_the_sql():
    assert str(written_in(AuditEntry.action, ("read", "break_glass"))) == "audit_log.action IN ('read', 'break_glass')"
    assert str(text_of("closed")) == "'closed'"
    with pytest.raises(ValueError):
        text_of("x'; DROP TABLE cases; --")


def test_a_caseload_reads_of_each_case_only_what_it_shows_and_its_deadlines_need(sustainment, assigned_case, agency):
    """Not every visit and plan version of a year, nor the directory's agency and the deliveries
    of each agency referral (the heavy case has 14 visits and 5 plan versions)."""
    officer = bearer("officer-1", "sustainment_officer")
    case = assigned_case()
    c = sustainment.client
    monday = plain_monday()
    for day in (monday, monday + dt.timedelta(days=1)):
        r = c.post(f"/cases/{case['id']}/visits", headers=officer,
                   json={"kind": "home_visit", "scheduled_for": f"{day}T10:00:00Z"})
        assert r.status_code == 201, r.json
    c.post(f"/cases/{case['id']}/agency-referrals", headers=officer,
           json={"agency_id": agency("Welfare officer"), "reason": "Benefit check.", "consent_given": True})
    with statements_sent(sustainment.db.engine) as sent:
        r = c.get("/caseload", headers=officer)
    statements = [s for s, _ in sent]
    assert r.status_code == 200
    [entry] = r.json
    assert entry["next_visit"]["scheduled_for"].startswith(str(monday))
    assert [d for d in (entry["next_deadline"],) if d]  # its deadlines still worked out
    assert not [s for s in statements if "FROM agencies" in s or "FROM agency_deliveries" in s], statements
    [visits] = [s for s in statements if "FROM visits" in s]
    assert "visits.status = 'scheduled'" in visits
