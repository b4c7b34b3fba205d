"""A subject-access request across the four services: one archive, every service's part in it."""

from __future__ import annotations

import json
import zipfile

from click.testing import CliRunner
from privacy_journey import TENANCY_REF, referral_to_assigned_case, register_directory

from casework.cli import main
from casework_dev.testing import token


def test_the_command_gathers_all_four_services_exports_into_one_archive(system, tmp_path):
    register_directory(system)
    journey = referral_to_assigned_case(system)
    out = tmp_path / "sar.zip"

    result = CliRunner().invoke(main, ["subject-access", "--tenancy-ref", TENANCY_REF.lower(), "--out", str(out),
                                       "--token", token("tara-leader", "team_leader")])

    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        index = json.loads(archive.read("index.json"))
        exports = {name: json.loads(archive.read(f"{name}.json"))
                   for name in ("intake", "sustainment", "lettings", "notifications")}
    assert index["complete"] is True and index["requested_by"] == "tara-leader"
    assert index["services"]["intake"]["records"] == {"referral": 1}
    assert index["services"]["sustainment"]["records"] == {"case": 1}
    assert index["services"]["lettings"]["records"] == {}
    assert index["services"]["notifications"]["records"]["task"] >= 3  # triage, assign, first contact
    subjects = {(r["data"]["subject"]["type"], r["data"]["subject"]["id"])
                for r in exports["notifications"]["records"] if r["record_type"] == "task"}
    assert subjects == {("referral", journey["referral_id"]), ("case", journey["case_id"])}
    # Who read the case is in the export, and the export itself is audited.
    case_audit = exports["sustainment"]["records"][0]["audit"]
    assert "read" in {e["action"] for e in case_audit}
