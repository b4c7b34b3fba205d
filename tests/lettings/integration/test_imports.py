"""Imports from the housing management system: homes, the register and current tenancies from
CSV files, over HTTP (a scheduled job) and on the command line, whole or not at all, rerunnable."""

import os
import subprocess
import sys
from pathlib import Path

from casework import audit
from casework_dev.testing import bearer

from .conftest import OFFICER

SAMPLES = Path(__file__).parents[3] / "services" / "lettings" / "docs" / "imports"
IMPORTER = {**bearer("nec-nightly", "importer"), "Content-Type": "text/csv"}
HEADER = "housing_ref,address,property_type,bedrooms,weekly_rent\n"


def send(harness, kind: str, text: str, headers=IMPORTER):
    return harness.client.post(f"/imports/{kind}", data=text.encode(), headers=headers)


def sample(name: str) -> str:
    return (SAMPLES / f"{name}.csv").read_text()


def homes(harness) -> list[dict]:
    return harness.client.get("/properties", headers=OFFICER).json


def test_a_file_goes_in_whole_and_sent_again_adds_nothing(lettings):
    first = send(lettings, "properties", sample("properties"))
    assert first.status_code == 200, first.json
    assert first.json | {"problems": []} == {"kind": "properties", "ok": True, "rows": 3, "records": 3, "imported": 3,
                                             "already_imported": 0, "problem_count": 0, "problems": []}
    by_ref = {home["housing_ref"]: home for home in homes(lettings)}
    assert by_ref["PR0001002"]["bedrooms"] == 3 and by_ref["PR0001002"]["wheelchair_accessible"] is True
    assert by_ref["PR0001001"]["reference"].startswith("P-")

    again = send(lettings, "properties", sample("properties") + 'PR0001004,"2 Mill Lane",,bungalow,1,0,,,,80.00,,\n')
    assert again.status_code == 200, again.json
    assert (again.json["imported"], again.json["already_imported"]) == (1, 3)
    assert len(homes(lettings)) == 4


def test_a_bad_row_imports_nothing_and_every_problem_names_its_row_and_column(lettings):
    text = HEADER + "H1,1 High St,flat,2,90.00\nH2,,castle,12,90.00\nH1,3 High St,flat,1,abc\n"
    r = send(lettings, "properties", text)
    assert r.status_code == 422
    assert r.json["errors"] == {
        "rows.3.address": ["Missing data for required field."],
        "rows.3.property_type": ["Must be one of: house, flat, maisonette, bungalow, bedsit."],
        "rows.3.bedrooms": ["Must be greater than or equal to 0 and less than or equal to 10."],
        "rows.4.housing_ref": ["H1 is on row 2 already: each record once."],
        "rows.4.weekly_rent": ['Give an amount of money as a decimal string, e.g. "123.45".'],
    }
    assert homes(lettings) == []  # not even row 2, which was good
    unknown = send(lettings, "properties", "housing_ref,colour\nH1,red\n")
    assert unknown.status_code == 422
    assert unknown.json["errors"]["rows.1.colour"] == ["Not a column of the properties layout."]
    assert unknown.json["errors"]["rows.1.address"] == ["This column is missing from the header."]


def test_a_household_spans_its_rows_and_a_tenant_comes_in_housed(lettings):
    r = send(lettings, "applicants", sample("applicants"))
    assert r.status_code == 200, r.json
    assert (r.json["rows"], r.json["records"], r.json["imported"]) == (5, 2, 2)
    found = {a["housing_ref"]: a for a in lettings.client.get("/applicants", headers=OFFICER).json}
    family, tenants = found["APP0004321"], found["APP0004322"]
    assert [m["relationship"] for m in family["household"]] == ["applicant", "child", "child"]
    assert family["bedroom_need"] == 2 and family["status"] == "active" and family["support_needs"] == ["mental_health"]
    assert tenants["status"] == "housed" and tenants["existing_tenant"] is True

    wrong = sample("applicants").replace("Ravi Patel,2018-06-02,M,child", "Ravi Patel,2018-06-02,X,child")
    wrong = wrong.replace(",,,,,,,,,,,,,,,Lee Brown", ",A,,,,,,,,,,,,,,Lee Brown")
    r = send(lettings, "applicants", wrong.replace("APP00043", "NEW00043"))
    assert r.status_code == 422
    assert r.json["errors"] == {"rows.3.member_sex": ["Must be one of: F, M."],
                                "rows.6.band": ["Differs from row 5: a household's details go on its first row."]}


def test_an_imported_tenancy_is_known_by_the_housing_systems_reference_and_its_end_is_told(lettings):
    for kind in ("properties", "applicants"):
        assert send(lettings, kind, sample(kind)).status_code == 200
    r = send(lettings, "tenancies", sample("tenancies"))
    assert r.status_code == 200, r.json
    tenancy = lettings.client.get("/tenancies/TEN-000123", headers=OFFICER).json
    assert tenancy["tenancy_ref"] == tenancy["housing_ref"] == "TEN-000123"
    assert tenancy["offer_id"] is None and tenancy["tenancy_type"] == "secure" and tenancy["weekly_rent"] == "112.00"
    assert lettings.events() == []  # not a new let: no tenancy.started, no onboarding

    second_let = "housing_ref,property_ref,applicant_ref,tenancy_start,tenancy_type\nTEN-9,PR0001002,APP0004321,2020-01-01,secure\n"
    r = send(lettings, "tenancies", second_let)
    assert r.json["errors"] == {"rows.2.property_ref": ["This home has a current tenancy already (TEN-000123)."]}
    assert send(lettings, "tenancies", sample("tenancies")).json["already_imported"] == 1

    for report in ("/reports/offers", "/reports/voids", "/exports/core-lettings.csv"):
        assert lettings.client.get(report, headers=OFFICER).status_code == 200, report  # lets made here only
    ended = lettings.client.post("/tenancies/TEN-000123/end", json={"end_date": "2026-11-30", "reason": "transfer"},
                                 headers=OFFICER)
    assert ended.status_code == 200, ended.json
    [told] = lettings.events("lettings.tenancy.ended.v1")
    assert told.data["tenancy_ref"] == "TEN-000123"  # as referrals quote it: sustainment's cases find it


def test_only_the_import_client_and_admins_import_and_only_csv(lettings):
    assert send(lettings, "properties", HEADER, {**OFFICER, "Content-Type": "text/csv"}).status_code == 403
    assert send(lettings, "properties", HEADER, {**bearer("a", "admin"), "Content-Type": "text/csv"}).status_code == 200
    assert send(lettings, "offers", HEADER).status_code == 404
    assert send(lettings, "properties", HEADER, {**IMPORTER, "Content-Type": "application/json"}).status_code == 415
    assert send(lettings, "properties", "").json["errors"] == {
        "rows.1._header": ["The file is empty: it needs a header row naming its columns."]}


def run_cli(harness, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CASEWORK_LETTINGS_DATABASE_URL": harness.database_url}
    return subprocess.run([sys.executable, "-m", "casework.cli", "import", *args, "--service", "lettings"],
                          capture_output=True, text=True, env=env, timeout=120)


def test_the_command_imports_a_file_and_refuses_a_bad_one_whole(lettings, tmp_path):
    done = run_cli(lettings, "properties", str(SAMPLES / "properties.csv"), "--by", "nec-migration")
    assert done.returncode == 0, done.stderr
    assert "properties: 3 row(s), 3 record(s); imported 3, already imported 0" in done.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "H9,9 High St,flat,2,90.00\nH10,10 High St,flat,-1,90.00\n")
    refused = run_cli(lettings, "properties", str(bad))
    assert refused.returncode == 1
    assert "row 3, bedrooms: Must be greater than or equal to 0" in refused.stderr
    assert "1 problem(s): nothing was imported" in refused.stdout
    assert sorted(h["housing_ref"] for h in homes(lettings)) == ["PR0001001", "PR0001002", "PR0001003"]
    with lettings.db.transaction() as session:
        [created] = audit.trail(session, "property", homes(lettings)[0]["id"])
    assert (created.action, created.actor, created.actor_roles) == ("create", "nec-migration", ["importer"])
