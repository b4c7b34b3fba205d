"""casework import referrals: a proactive-referrals feed (LIFT) from a CSV file, each household
made into a referral as POST /referrals/batch makes one, the file one batch in the triage queue,
whole or not at all, and the same file again importing nothing twice."""

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from casework_dev.testing import bearer
from intake.models import BatchReferral, Referral, ReferralBatch

from .conftest import INTAKE_OFFICER

SAMPLE = Path(__file__).parents[3] / "services" / "intake" / "docs" / "imports" / "referrals.csv"


def run_cli(harness, path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "CASEWORK_INTAKE_DATABASE_URL": harness.database_url}
    return subprocess.run([sys.executable, "-m", "casework.cli", "import", "referrals", str(path), "--service", "intake",
                           "--by", "lift-monthly"], capture_output=True, text=True, env=env, timeout=120)


def count(intake, model) -> int:
    with intake.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_feed_comes_in_as_one_batch_whole_and_once(intake, tmp_path):
    done = run_cli(intake, SAMPLE)
    assert done.returncode == 0, done.stderr
    assert "referrals: 5 row(s), 5 record(s); imported 5, already imported 0" in done.stdout

    [batch] = intake.client.get("/referrals/batch", headers=INTAKE_OFFICER).json
    assert {k: batch[k] for k in ("sent_by", "source_system", "source_team", "reason", "households", "created",
                                  "duplicates", "refused")} == {
        "sent_by": "lift-monthly", "source_system": "lift", "source_team": "Financial Inclusion",
        "reason": "Low income, at risk of arrears", "households": 5, "created": 5, "duplicates": 0, "refused": 0}
    queue = intake.client.get(f"/referrals?batch_id={batch['id']}&order=risk", headers=INTAKE_OFFICER).json
    results = intake.client.get(f"/referrals/batch/{batch['id']}", headers=INTAKE_OFFICER).json["results"]
    assert [r["outcome"] for r in results] == ["created"] * 5
    morgan_reid = results[2]["referral"]  # children at risk and high arrears
    assert [r["reference"] for r in queue][:1] == [morgan_reid["reference"]] and morgan_reid["risk_level"] == "critical"
    scores = [r["referral"]["risk_score"] for r in results]
    assert max(scores) == morgan_reid["risk_score"] and min(scores) > 0
    assert len(intake.events("intake.referral.received.v2")) == 5
    with intake.db.transaction() as session:
        assert sorted(session.scalars(select(BatchReferral.source_ref))) == [f"LIFT-2026-1004{n}" for n in range(1, 6)]

    again = run_cli(intake, SAMPLE)
    assert again.returncode == 0, again.stderr
    assert "referrals: 5 row(s), 5 record(s); imported 0, already imported 5" in again.stdout
    assert (count(intake, ReferralBatch), count(intake, Referral)) == (1, 5)  # no empty batch either
    assert len(intake.events("intake.referral.received.v2")) == 5

    lines = SAMPLE.read_text().splitlines(keepends=True)
    new = [line.replace("LIFT-2026-1004", "LIFT-2026-2004") for line in lines[1:3]]
    new[1] = new[1].replace('"Low income, at risk of arrears"', "Debt").replace(",financial_hardship,", ",skint,")
    bad = tmp_path / "bad.csv"
    bad.write_text(lines[0] + "".join(new))
    refused = run_cli(intake, bad)
    assert refused.returncode == 1
    assert "row 3, referral_reason: Differs from row 2: one source and reason for the whole file." in refused.stderr
    assert "row 3, reasons: Must be one of:" in refused.stderr
    assert "2 problem(s): nothing was imported" in refused.stdout
    sent = intake.client.post("/imports/referrals", data=bad.read_bytes(),
                              headers={**bearer("lift-feed", "importer"), "Content-Type": "text/csv"})
    assert sent.status_code == 422
    assert sorted(sent.json["errors"]) == ["rows.3.reasons", "rows.3.referral_reason"]
    assert (count(intake, ReferralBatch), count(intake, Referral)) == (1, 5)  # not even row 2, which was good
