"""Data protection in intake, through the kernel's plumbing: subject-access export, legal holds,
the retention sweep and the redaction of the audit log it needs (against real PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json
import threading
import zipfile

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from casework import audit, privacy
from casework_dev.testing import bearer, statements_sent
from intake.privacy import RETENTION

LATER = dt.datetime.now(dt.UTC) + dt.timedelta(days=365 * 3)


@pytest.fixture(autouse=True)
def clean(intake):
    yield
    intake.truncate()


@pytest.fixture
def rejected(intake, body, who):
    """A referral about Alex Morgan, read by an officer, then rejected."""
    referral = intake.client.post("/referrals", json=body(), headers=who.referrer).json
    intake.client.get(f"/referrals/{referral['id']}", headers=who.intake_officer)
    intake.client.post(f"/referrals/{referral['id']}/triage", headers=who.intake_officer,
                       json={"outcome": "reject", "reason": "Alex Morgan is not our tenant."})
    return referral


def sweep(intake, now=LATER):
    with intake.db.transaction() as session:
        return privacy.sweep(session, RETENTION, service="intake", now=now)


def test_the_export_holds_every_referral_about_the_person_with_who_read_it(intake, rejected, who):
    r = intake.client.get("/subjects/export?name=alex%20MORGAN&date_of_birth=1984-03-02", headers=who.team_leader)
    assert r.status_code == 200
    [record] = r.json["records"]
    assert (record["record_type"], record["record_id"]) == ("referral", rejected["id"])
    assert record["data"]["details"].startswith("Tenant has stopped engaging")
    assert ("read", "officer-jo") in {(e["action"], e["actor"]) for e in record["audit"]}
    by_tenancy = intake.client.get("/subjects/export?tenancy_ref=t-0042117", headers=who.team_leader).json
    assert [r["record_id"] for r in by_tenancy["records"]] == [rejected["id"]]
    trail = intake.client.get(f"/referrals/{rejected['id']}/audit", headers=who.team_leader).json
    assert ("subject_access_export", "leader-kim") in {(e["action"], e["actor"]) for e in trail}


def test_the_export_is_for_team_leaders_and_names_the_person_fully(intake, who):
    assert intake.client.get("/subjects/export?tenancy_ref=T-1", headers=who.intake_officer).status_code == 403
    r = intake.client.get("/subjects/export?name=Alex%20Morgan", headers=who.team_leader)
    assert r.status_code == 422 and "date_of_birth" in r.json["errors"]
    assert intake.client.get("/subjects/export", headers=who.team_leader).status_code == 422


def test_the_sweep_anonymises_closed_referrals_past_their_period_and_counts_them(intake, rejected, who):
    assert sweep(intake, now=dt.datetime.now(dt.UTC)) == {"referral": 0}
    assert sweep(intake) == {"referral": 1}
    referral = intake.client.get(f"/referrals/{rejected['id']}", headers=who.intake_officer).json
    assert referral["person"] == {"name": "[removed]", "date_of_birth": None, "phone": None, "email": None,
                                  "address": None}
    assert referral["details"] == "[removed]" and referral["triage"]["reason"] == "[removed]"
    assert (referral["risk"]["level"], referral["triage"]["outcome"], referral["reasons"]) == (
        rejected["risk"]["level"], "reject", ["rent_arrears", "mental_health"])
    # The audit log's snapshots no longer hold who the person was.
    trail = intake.client.get(f"/referrals/{rejected['id']}/audit", headers=who.team_leader).json
    assert "Alex Morgan" not in json.dumps(trail) and "1984-03-02" not in json.dumps(trail)
    assert "anonymise" in {e["action"] for e in trail}
    [count] = intake.events("intake.records.anonymised.v1")
    assert (count.data["record_type"], count.data["count"]) == ("referral", 1)
    assert sweep(intake) == {"referral": 0}  # done once


def test_a_legal_hold_keeps_the_referral_until_it_is_lifted(intake, rejected, who):
    url = f"/legal-holds/referral/{rejected['id']}"
    assert intake.client.put(url, json={"reason": "Complaint"}, headers=who.intake_officer).status_code == 403
    assert intake.client.put("/legal-holds/referral/00000000-0000-0000-0000-000000000000",
                             json={"reason": "Complaint"}, headers=who.team_leader).status_code == 404
    assert intake.client.put(url, json={"reason": "Complaint to the Ombudsman"}, headers=who.team_leader).status_code == 200
    assert sweep(intake) == {"referral": 0}
    assert intake.client.delete(url, headers=who.team_leader).status_code == 204
    assert sweep(intake) == {"referral": 1}
    trail = intake.client.get(f"/referrals/{rejected['id']}/audit", headers=who.team_leader).json
    assert {"legal_hold_placed", "legal_hold_lifted"} <= {e["action"] for e in trail}


def test_the_audit_log_refuses_changes_outside_redaction(intake, rejected):
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), intake.db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE audit_log SET before = NULL"))
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), intake.db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM audit_log"))
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), intake.db.transaction() as session, \
            audit.redacting(session):
        session.execute(sa.text("DELETE FROM audit_log"))


@pytest.mark.postgresql_only(reason="PostgreSQL's trigger also checks which columns a redaction changes; "
                                     "SQLite's guard is lifted whole for the redaction's own UPDATE")
def test_a_redaction_may_change_only_the_snapshots_and_reason(intake, rejected):
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), intake.db.transaction() as session, \
            audit.redacting(session):
        session.execute(sa.text("UPDATE audit_log SET actor = 'someone-else'"))


def test_the_worker_schedules_the_recurring_sweep(intake):
    from casework.timers import Timer

    intake.worker()
    with intake.db.transaction() as session:
        timer = session.scalar(sa.select(Timer).where(Timer.key == privacy.RETENTION_SWEEP))
        assert timer is not None and timer.cancelled_at is None


def test_the_command_gathers_the_exports_into_an_archive_with_an_index(intake, rejected, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from casework.cli import main
    from casework_dev.testing import token

    server = make_server("127.0.0.1", 0, intake.app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("CASEWORK_INTAKE_PUBLIC_URL", f"http://127.0.0.1:{server.server_port}")
        out = tmp_path / "sar.zip"
        result = CliRunner().invoke(main, ["subject-access", "--tenancy-ref", "T-0042117", "--out", str(out),
                                           "--service", "intake", "--token", token("leader-kim", "team_leader")])
    finally:
        server.shutdown()
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        index = json.loads(archive.read("index.json"))
        export = json.loads(archive.read("intake.json"))
    assert index["requested_by"] == "leader-kim" and index["complete"] is True
    assert index["services"]["intake"]["records"] == {"referral": 1}
    assert export["records"][0]["record_id"] == rejected["id"]


def test_a_failing_service_is_named_in_the_index(tmp_path):
    from casework.subject_archive import gather, write_archive

    urls = {"intake": "http://127.0.0.1:9"}
    exports, errors = gather(urls, "token", tenancy_ref="T-1")
    index = write_archive(tmp_path / "sar.zip", exports, errors, requested_by="x", query={"tenancy_ref": "T-1"},
                          services=urls)
    assert index["complete"] is False and "unreachable" in index["services"]["intake"]["error"]


_ = bearer  # the callers' headers come from conftest's ``who``


def test_the_sweep_reads_due_referrals_a_few_at_a_time_past_those_held(intake, body, who, monkeypatch):
    """Due referrals are read ``DUE_AT_A_TIME`` at a time (not all at once, bench/NOTES.md "A large
    council: intake"); a look full of held ones goes on past them, and a run stops at its batch."""
    from intake import privacy as intake_privacy

    monkeypatch.setattr(intake_privacy, "DUE_AT_A_TIME", 2)
    made = []
    for n in range(5):
        referral = intake.client.post("/referrals", json=body(), headers=who.referrer).json
        intake.client.post(f"/referrals/{referral['id']}/triage", headers=who.intake_officer,
                           json={"outcome": "reject", "reason": f"Not ours ({n})."})
        made.append(referral["id"])
    for held in made[:2]:  # the first look's two: both held
        intake.client.put(f"/legal-holds/referral/{held}", json={"reason": "Complaint"}, headers=who.team_leader)
    with intake.db.transaction() as session:
        assert privacy.sweep(session, RETENTION, service="intake", now=LATER, batch=2) == {"referral": 2}
    assert sweep(intake) == {"referral": 1}
    assert sweep(intake) == {"referral": 0}
    with intake.db.engine.connect() as conn:
        names = dict(conn.execute(sa.text("SELECT reference, person_name FROM referrals")).all())
    assert sorted(names.values()) == ["Alex Morgan", "Alex Morgan", "[removed]", "[removed]", "[removed]"]


def test_the_timer_sweeps_a_backlog_run_after_run_then_waits_a_day(intake, body, who, monkeypatch):
    """A run that finds a full batch is followed by another at once (a backlog is not left to one
    run a day, which a large council's closures outpace); an empty one waits a day."""
    from casework.privacy import retention
    from casework.timers import Timer
    from intake.timers import TIMERS

    monkeypatch.setattr(retention, "RUNS", {"postgresql": (1, dt.timedelta(0)), "sqlite": (1, dt.timedelta(0))})
    for n in range(2):
        referral = intake.client.post("/referrals", json=body(), headers=who.referrer).json
        intake.client.post(f"/referrals/{referral['id']}/triage", headers=who.intake_officer,
                           json={"outcome": "reject", "reason": f"Not ours ({n})."})
    handler = TIMERS[privacy.RETENTION_SWEEP]
    waits = []
    for _ in range(3):
        with intake.db.transaction() as session:
            monkeypatch.setattr(retention, "utcnow", lambda: LATER)
            handler(session, None)
            due = session.scalar(sa.select(Timer.due_at).where(Timer.key == privacy.RETENTION_SWEEP))
            waits.append(due - LATER)
    assert waits == [dt.timedelta(0), dt.timedelta(0), dt.timedelta(days=1)]
    with intake.db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM referrals WHERE anonymised_at IS NOT NULL")).scalar() == 2


def test_the_sweep_writes_a_batch_in_a_statement_or_two_not_one_a_referral(intake, body, who):
    """The referrals of a run are written by one UPDATE with many rows (and their batch rows by one
    more), whichever of their fields were empty: a statement a referral made a year's backlog
    (200,000 at a large council) wait on 400,000 round trips (bench/NOTES.md, "Sweeping a year")."""
    for n in range(8):
        referral = intake.client.post("/referrals", json=body(), headers=who.referrer).json
        if n < 2:
            intake.client.post(f"/referrals/{referral['id']}/triage", headers=who.intake_officer,
                               json={"outcome": "reject", "reason": f"Not ours ({n})."})
        else:  # withdrawn, half of them with a reason: their UPDATEs would name different columns
            reason = {"reason": "Arrears cleared."} if n % 2 else {}
            assert intake.client.post(f"/referrals/{referral['id']}/withdraw", json=reason,
                                      headers=who.referrer).status_code == 200
    with statements_sent(intake.db.engine) as sent:
        assert sweep(intake) == {"referral": 8}
    updates = [sql.split()[1] for sql, _ in sent if sql.startswith(("UPDATE referrals", "UPDATE batch_referrals"))]
    # one UPDATE of referrals for each status's look (the next look flushes the last's), one of batch rows
    assert updates.count("referrals") <= 2 and updates.count("batch_referrals") == 1, updates
    with intake.db.engine.connect() as conn:
        left = conn.execute(sa.text("SELECT count(*) FROM referrals WHERE person_name <> '[removed]' "
                                    "OR withdrawn_reason NOT IN ('[removed]') OR anonymised_at IS NULL")).scalar()
    assert left == 0
