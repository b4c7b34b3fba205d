"""Each let's CORE log, kept when it is signed up (``letting.core_logs``): the export writes the kept
logs, and they are what ``lettings.core`` builds from the data for every let; what changes after the
letting (its household, its end, the retention sweep) leaves the log as the letting was, as CORE
records it; a layout changed in code, or not held at sign-up, has the export build the year afresh
until ``rebuild`` keeps it (both backends; bench/NOTES.md, corelog)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select

from casework import privacy
from casework_dev.testing import statements_sent
from lettings import core
from lettings.letting import core_logs
from lettings.models import CoreLog
from lettings.privacy import RETENTION

from .conftest import OFFICER, add_applicant, bid, let_home, open_advert, person

TODAY = dt.date.today()
THIS_YEAR = core.layout.collection_start_year(TODAY)
LAST_YEARS_END = dt.date(THIS_YEAR, 3, 31)


def exported(lettings, **query) -> str:
    r = lettings.client.get("/exports/core-lettings.csv", query_string=query or {"year": THIS_YEAR}, headers=OFFICER)
    assert r.status_code == 200, r.json
    return r.get_data(as_text=True)


def afresh(lettings, year: int = THIS_YEAR) -> str:
    """The year's file built from the lets, homes and households as they are now (main's export)."""
    with lettings.db.transaction() as session:
        return core_logs.afresh(session, dt.date(year, 4, 1), dt.date(year + 1, 3, 31))[1]


def kept(lettings) -> dict:
    """Every kept log by its let's reference: (start, collection year, layout, line)."""
    with lettings.db.transaction() as session:
        return {log.reference: (log.tenancy_start, log.collection_year, log.layout, log.line)
                for log in session.scalars(select(CoreLog))}


def rebuilt(lettings, **how) -> int:
    with lettings.db.transaction() as session:
        return core_logs.rebuild(session, **how)


def read_by_export(lettings, **query) -> list[str]:
    """The statements the export sent that read logs or lets."""
    with statements_sent(lettings.db.engine) as sent:
        exported(lettings, **query)
    return [sql for sql, _ in sent if "FROM core_logs" in sql or "FROM tenancies" in sql]


def test_sign_up_keeps_the_lets_log_as_the_export_writes_it(lettings):
    household = [person(age=30, sex="F"), person("partner", 33, "M"), person("child", 4, "F")]
    signed = let_home(lettings, add_applicant(lettings, household=household, reasonable_preference=["homeless"]))

    ((reference, (start, year, layout, line)),) = kept(lettings).items()
    assert (reference, start, year) == (signed["tenancy_ref"], TODAY, THIS_YEAR)
    assert layout == core.layout_for(TODAY).fingerprint
    assert exported(lettings).splitlines()[2] == line
    assert exported(lettings) == afresh(lettings)
    assert len(read_by_export(lettings)) == 1


def test_the_export_is_every_lets_log_built_afresh_from_the_data(lettings):
    """Lets by advert and by direct match (not choice-based), households of one to five, a
    reasonable preference, a home's own rent type, a home let, ended and let again, and a let of
    the year before: each year's file is the logs ``lettings.core`` builds from the data now."""
    households = [[person()], [person(age=30), person("partner", 29, "M")],
                  [person(age=41, sex="M"), person("child", 12, "M"), person("child", 9, "F"), person("other", 70),
                   person("child", 1, "M")]]
    for n, household in enumerate(households):
        applicant = add_applicant(lettings, household=household, reasonable_preference=["medical_or_welfare"][:n % 2],
                                  application_date=(TODAY - dt.timedelta(days=400 * n + 3)).isoformat())
        let_home(lettings, applicant, TODAY - dt.timedelta(days=20 + n), direct=n == 1, bedrooms=applicant["bedroom_need"])
    again = let_home(lettings, add_applicant(lettings), TODAY - dt.timedelta(days=40), rent_type="affordable_rent")
    assert lettings.client.post(f"/tenancies/{again['tenancy_ref']}/end", headers=OFFICER, json={
        "end_date": (TODAY - dt.timedelta(days=30)).isoformat(), "reason": "transfer"}).status_code == 200
    home = again["home"]
    advert = open_advert(lettings, home)
    tenant = add_applicant(lettings, application_date=(TODAY - dt.timedelta(days=4000)).isoformat())
    placed = bid(lettings, advert, tenant)
    assert placed.status_code == 201, placed.json
    assert lettings.client.post(f"/adverts/{advert['id']}/close", headers=OFFICER).status_code == 200
    made = lettings.client.post(f"/adverts/{advert['id']}/offers", json={}, headers=OFFICER).json
    assert lettings.client.post(f"/offers/{made['id']}/accept", headers=OFFICER).status_code == 200
    assert lettings.client.post(f"/offers/{made['id']}/sign-up", headers=OFFICER, json={
        "tenancy_start": (TODAY - dt.timedelta(days=2)).isoformat(), "override_reason": "Checked."}).status_code == 201
    let_home(lettings, add_applicant(lettings, household=[person(age=62, sex="M")]), LAST_YEARS_END, bedrooms=1)

    assert len(kept(lettings)) == 6
    this_year = exported(lettings)
    assert len(this_year.splitlines()) == 2 + 5 and this_year == afresh(lettings)
    last_year = exported(lettings, year=THIS_YEAR - 1)
    assert len(last_year.splitlines()) == 2 + 1 and last_year == afresh(lettings, THIS_YEAR - 1)
    part = exported(lettings, **{"from": (TODAY - dt.timedelta(days=21)).isoformat(), "to": TODAY.isoformat()})
    assert part.splitlines() == this_year.splitlines()[:2] + this_year.splitlines()[-3:]
    assert rebuilt(lettings, afresh=True) == 0


def test_a_household_changed_after_the_letting_leaves_its_log(lettings):
    """CORE logs the household at the letting: one who joins later is not in it. Only a rebuild
    afresh (after a rule is corrected) writes the household as it is now."""
    applicant = add_applicant(lettings, household=[person(age=30), person("child", 4, "F")])
    let_home(lettings, applicant)
    before = exported(lettings)
    etag = lettings.client.get(f"/applicants/{applicant['id']}", headers=OFFICER).headers["ETag"]
    r = lettings.client.put(f"/applicants/{applicant['id']}/household", headers=OFFICER | {"If-Match": etag},
                            json={"household": [person(age=30), person("child", 4, "F"), person("partner", 31, "M")]})
    assert r.status_code == 200, r.json

    assert exported(lettings) == before != afresh(lettings)
    assert rebuilt(lettings) == 0 and exported(lettings) == before
    assert rebuilt(lettings, afresh=True) == 1 and exported(lettings) == afresh(lettings) != before


def test_ending_the_tenancy_within_the_year_leaves_its_log(lettings):
    """A let ended in its collection year was still a letting: CORE's log of it stands."""
    signed = let_home(lettings, add_applicant(lettings), TODAY - dt.timedelta(days=10))
    before = exported(lettings)
    assert lettings.client.post(f"/tenancies/{signed['tenancy_ref']}/end", headers=OFFICER, json={
        "end_date": TODAY.isoformat(), "reason": "abandonment"}).status_code == 200

    assert exported(lettings) == before == afresh(lettings)
    assert rebuilt(lettings, afresh=True) == 0


def test_the_retention_sweep_leaves_the_logs(lettings):
    """The sweep anonymises cancelled applications (never a housed household) and answered offers,
    a let's offer after six years (its reasons; its advert stays): no log answer changes."""
    let_home(lettings, add_applicant(lettings), TODAY - dt.timedelta(days=3))
    let_home(lettings, add_applicant(lettings), TODAY - dt.timedelta(days=2), direct=True)
    cancelled = add_applicant(lettings)
    assert lettings.client.post(f"/applicants/{cancelled['id']}/status", headers=OFFICER,
                                json={"status": "cancelled", "reason": "Moved away."}).status_code == 200
    before = exported(lettings)
    with lettings.db.transaction() as session:
        swept = privacy.sweep(session, RETENTION, service="lettings",
                              now=dt.datetime.now(dt.UTC) + dt.timedelta(days=365 * 7))
    assert swept["applicant"] == 1 and swept["offer"] == 2

    assert exported(lettings) == before == afresh(lettings)
    assert rebuilt(lettings, afresh=True) == 0


def test_a_layout_changed_in_code_is_built_afresh_until_the_logs_are_rebuilt(lettings, monkeypatch):
    let_home(lettings, add_applicant(lettings), TODAY - dt.timedelta(days=1))
    let_home(lettings, add_applicant(lettings))
    before = exported(lettings)
    layout = core.LAYOUTS[THIS_YEAR]
    moved = dataclasses.replace(layout, at={**layout.at, "bedrooms": layout.at["bedrooms"] + 1})
    monkeypatch.setitem(core.LAYOUTS, THIS_YEAR, moved)

    assert exported(lettings) == afresh(lettings) != before
    assert any("FROM tenancies" in sql for sql in read_by_export(lettings))
    assert rebuilt(lettings) == 2
    assert {log[2] for log in kept(lettings).values()} == {moved.fingerprint}
    assert exported(lettings) == afresh(lettings) and len(read_by_export(lettings)) == 1


def test_a_let_in_a_year_whose_layout_is_not_held_is_signed_up_and_exported_once_it_is(lettings, monkeypatch):
    """Sign-up does not wait for CORE's layout: the log is kept without a line, the year's export is
    422 as before, and once the layout is held the export builds it afresh until rebuilt."""
    monkeypatch.delitem(core.LAYOUTS, THIS_YEAR)
    signed = let_home(lettings, add_applicant(lettings))
    assert kept(lettings) == {signed["tenancy_ref"]: (TODAY, THIS_YEAR, None, None)}
    r = lettings.client.get("/exports/core-lettings.csv", query_string={"year": THIS_YEAR}, headers=OFFICER)
    assert r.status_code == 422 and "layout is not held" in r.json["errors"]["year"][0]

    monkeypatch.undo()
    assert exported(lettings) == afresh(lettings)
    assert rebuilt(lettings) == 1
    assert exported(lettings) == afresh(lettings) and len(read_by_export(lettings)) == 1


@pytest.mark.parametrize("query", [{"year": 2019}, {"year": 2025, "from": "2025-05-01"}, {"from": "2025-03-01"}])
def test_the_exports_refusals_are_as_they_were(lettings, query):
    """A year not held, a year and a period, a period holding two years: 422 as before."""
    let_home(lettings, add_applicant(lettings), LAST_YEARS_END)
    let_home(lettings, add_applicant(lettings))
    r = lettings.client.get("/exports/core-lettings.csv", query_string=query, headers=OFFICER)
    assert r.status_code == 422 and r.json["errors"]
