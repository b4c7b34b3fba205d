"""Homes, the housing register, problem details, reports and the CORE export."""

import csv
import datetime as dt
import io

from sqlalchemy import event, select

from casework.audit import trail
from casework.timers import Sweeper, Timer
from casework.workdays import LONDON
from lettings import core, households
from lettings.models import Applicant, HouseholdMember, Offer, Property, Tenancy
from lettings.service import SERVICE

from .conftest import (
    OFFICER,
    add_applicant,
    add_property,
    add_void,
    bid,
    closed_advert_with_bidders,
    offer,
    open_advert,
    person,
)


def test_applicant_bedroom_need_is_computed_and_recomputed_when_the_household_changes(lettings):
    # Boy 12 + boy 8, girl 12 + girl 8 share: 1 (couple) + 2 — a greedy pairing would say 4.
    household = [person(), person("partner", 36, "M"), person("child", 12, "M"), person("child", 12, "F"),
                 person("child", 8, "M"), person("child", 8, "F")]
    applicant = add_applicant(lettings, household=household)
    assert applicant["bedroom_need"] == 3 and applicant["reference"].startswith("A-")
    url = f"/applicants/{applicant['id']}/household"
    etag = lettings.client.get(f"/applicants/{applicant['id']}", headers=OFFICER).headers["ETag"]
    stale = lettings.client.put(url, json={"household": household[:2]}, headers={**OFFICER, "If-Match": '"x"'})
    assert stale.status_code == 412
    changed = lettings.client.put(url, json={"household": household[:2]}, headers={**OFFICER, "If-Match": etag})
    assert changed.status_code == 200 and changed.json["bedroom_need"] == 1
    with lettings.db.transaction() as session:
        actions = [e.action for e in trail(session, "applicant", applicant["id"])]
    assert actions == ["create", "read", "change"]


def test_the_bedroom_need_moves_when_a_child_turns_ten(lettings):
    today = dt.date.today()
    boy = person("child", 9, "M") | {"date_of_birth": (today.replace(year=today.year - 10)
                                                        + dt.timedelta(days=3)).isoformat()}
    girl = person("child", 7, "F")
    applicant = add_applicant(lettings, household=[person(), boy, girl])
    assert applicant["bedroom_need"] == 2  # the boy (9) and the girl (7) share
    sweeper = Sweeper(lettings.db, SERVICE.timers, service="lettings")
    assert sweeper.fire_due() == 0

    assert sweeper.fire_due(now=dt.datetime.now(dt.UTC) + dt.timedelta(days=4)) == 0  # rescheduled, not spent
    assert lettings.client.get(f"/applicants/{applicant['id']}", headers=OFFICER).json["bedroom_need"] == 3
    with lettings.db.transaction() as session:
        (reckoned,) = [e for e in trail(session, "applicant", applicant["id"]) if e.action == "reckon_bedroom_need"]
        assert (reckoned.before, reckoned.after) == ({"bedroom_need": 2}, {"bedroom_need": 3})
        timer = session.scalar(select(Timer).where(Timer.key == households.timer_key(applicant["id"])))
        # Next: the girl's tenth birthday.
        assert timer.due_at.astimezone(LONDON).date() == dt.date.fromisoformat(girl["date_of_birth"]).replace(
            year=dt.date.fromisoformat(girl["date_of_birth"]).year + 10)


def test_a_household_without_children_has_no_birthday_to_wait_for(lettings):
    applicant = add_applicant(lettings)  # children of 6 and 4
    url = f"/applicants/{applicant['id']}/household"
    etag = lettings.client.get(f"/applicants/{applicant['id']}", headers=OFFICER).headers["ETag"]
    assert lettings.client.put(url, json={"household": [person()]}, headers={**OFFICER, "If-Match": etag}).status_code == 200

    with lettings.db.transaction() as session:
        timer = session.scalar(select(Timer).where(Timer.key == households.timer_key(applicant["id"])))
        assert timer.cancelled_at is not None


def test_invalid_applicant_is_a_problem_naming_the_fields(lettings):
    r = lettings.client.post("/applicants", json={"household": [person("child", 5)], "band": "Z",
                                                  "effective_date": "soon"}, headers=OFFICER)
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    assert set(r.json["errors"]) == {"band", "effective_date"}
    no_lead = lettings.client.post("/applicants", json={"household": [person("child", 5)], "band": "A",
                                                        "effective_date": "2024-01-01"}, headers=OFFICER)
    assert no_lead.status_code == 422 and "household" in no_lead.json["errors"]


def test_a_bid_that_cannot_be_eligible_lists_every_reason(lettings):
    prop = add_property(lettings, bedrooms=1, floor=3, min_age=55)
    add_void(lettings, prop)
    advert = open_advert(lettings, prop)
    applicant = add_applicant(lettings, needs={"wheelchair": True, "ground_floor": True})
    lettings.client.post(f"/applicants/{applicant['id']}/status", json={"status": "suspended", "reason": "Checks"},
                         headers=OFFICER)
    r = bid(lettings, advert, applicant)
    assert r.status_code == 422
    assert len(r.json["errors"]["applicant_id"]) == 5  # not active, size, age, wheelchair, floor


def test_a_home_cannot_go_void_twice_or_be_advertised_when_let(lettings):
    prop = add_property(lettings)
    add_void(lettings, prop)
    again = lettings.client.post(f"/properties/{prop['id']}/void", json={"void_date": "2025-01-01",
                                                                         "reason": "transfer"}, headers=OFFICER)
    assert again.status_code == 409
    unknown = lettings.client.get("/properties/00000000-0000-0000-0000-000000000000", headers=OFFICER)
    assert unknown.status_code == 404
    assert lettings.events("lettings.property.void_started.v1")[0].data["bedrooms"] == 2


def _let(harness, applicant, void_days: int, refusals=()) -> dict:
    prop = add_property(harness)
    void_date = (dt.date.today() - dt.timedelta(days=void_days)).isoformat()
    add_void(harness, prop, void_date)
    advert = open_advert(harness, prop)
    bidders = [*refusals, applicant]
    for b in bidders:
        bid(harness, advert, b)
    harness.client.post(f"/adverts/{advert['id']}/close", headers=OFFICER)
    for reason in ("Too small a kitchen",) * len(refusals):
        made = offer(harness, advert).json
        harness.client.post(f"/offers/{made['id']}/refuse", json={"reason": reason, "reasonable": False},
                            headers=OFFICER)
    made = offer(harness, advert).json
    harness.client.post(f"/offers/{made['id']}/accept", headers=OFFICER)
    signed = harness.client.post(f"/offers/{made['id']}/sign-up", json={"tenancy_start": dt.date.today().isoformat()},
                                 headers=OFFICER)
    assert signed.status_code == 201, signed.json
    return signed.json


def test_void_and_offer_reports(lettings):
    _let(lettings, add_applicant(lettings, band="C"), 10, refusals=[add_applicant(lettings, band="A")])
    _let(lettings, add_applicant(lettings), 20)
    voids = lettings.client.get("/reports/voids", headers=OFFICER).json
    assert (voids["lets"], voids["total_void_days"], voids["average_void_days"]) == (2, 30, "15.0")
    assert voids["total_rent_loss"] == "420.00" and voids["average_rent_loss"] == "210.00"
    offers = lettings.client.get("/reports/offers", headers=OFFICER).json
    assert (offers["lets"], offers["offers"], offers["offers_per_let"]) == (2, 3, "1.50")
    assert offers["refusal_reasons"] == [{"reason": "Too small a kitchen", "count": 1, "unreasonable": 1}]
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    assert lettings.client.get(f"/reports/voids?from={tomorrow}", headers=OFFICER).json["lets"] == 0
    bad = lettings.client.get(f"/reports/voids?from={tomorrow}&to=2020-01-01", headers=OFFICER)
    assert bad.status_code == 422 and "to" in bad.json["errors"]


def _let_on(harness, applicant, start: dt.date, **prop) -> dict:
    """Let a new home to the applicant from ``start`` (void a week before)."""
    home = add_property(harness, **prop)
    add_void(harness, home, (start - dt.timedelta(days=7)).isoformat())
    advert = open_advert(harness, home)
    assert bid(harness, advert, applicant).status_code == 201
    harness.client.post(f"/adverts/{advert['id']}/close", headers=OFFICER)
    made = offer(harness, advert).json
    harness.client.post(f"/offers/{made['id']}/accept", headers=OFFICER)
    signed = harness.client.post(f"/offers/{made['id']}/sign-up", json={"tenancy_start": start.isoformat()},
                                 headers=OFFICER)
    assert signed.status_code == 201, signed.json
    return signed.json


def _core(harness, **query) -> list[list[str]]:
    r = harness.client.get("/exports/core-lettings.csv", query_string=query, headers=OFFICER)
    assert r.status_code == 200 and r.mimetype == "text/csv", r.text
    return list(csv.reader(io.StringIO(r.text)))


def test_core_export_writes_each_collection_years_layout_with_the_councils_codes(lettings, tmp_path, monkeypatch):
    council = tmp_path / "council.yaml"
    council.write_text("core: {owning_organisation: ORG1234, rent_type: affordable_rent}\n")
    monkeypatch.setenv("CASEWORK_LETTINGS_POLICY_FILE", str(council))
    today = dt.date.today()
    last_year_end = dt.date(today.year if today.month > 3 else today.year - 1, 3, 31)  # the previous collection year
    household = [person(age=30, sex="F"), person("partner", 33, "M"), person("child", 4, "F")]
    applicant = add_applicant(lettings, household=household, reasonable_preference=["medical_or_welfare"],
                              application_date=(today - dt.timedelta(days=800)).isoformat())  # 2 years on the register
    tenancy = _let_on(lettings, applicant, today)
    earlier = _let_on(lettings, add_applicant(lettings, household=household), last_year_end, rent_type="social_rent")

    spanning = lettings.client.get("/exports/core-lettings.csv", headers=OFFICER)
    assert spanning.status_code == 422 and "one year per file" in spanning.json["detail"]

    lines = _core(lettings, **{"from": today.isoformat()})
    this_year = today.year if today.month > 3 else today.year - 1
    assert lines[0] == [f"CORE lettings bulk upload {this_year}/{(this_year + 1) % 100:02d}"]
    assert lines[1][0] == "Field number" and lines[1][1:] == [str(n) for n in range(1, len(lines[1]))]
    (row,) = lines[2:]
    layout = core.layout_for(today)
    field = {name: row[number] for name, number in layout.at.items()}
    assert (field["owning_organisation"], field["managing_organisation"]) == ("ORG1234", "ORG1234")
    assert field["rent_type"] == "2"  # affordable rent: the council's usual
    assert field["tenant_code"] == tenancy["tenancy_ref"] and field["waiting_time"] == "8"  # 2 to under 3 years
    assert (field["lead_age"], field["lead_sex"], field["reasonable_preference"]) == ("30", "F", "1")
    assert (field["basic_rent"], field["service_charge"], field["choice_based_lettings"]) == ("98.00", "7.00", "1")
    assert row[layout.dates["tenancy_start"]:layout.dates["tenancy_start"] + 3] == [
        str(today.day), str(today.month), f"{today:%y}"]

    previous = _core(lettings, year=this_year - 1)
    assert previous[0] == [f"CORE lettings bulk upload {this_year - 1}/{this_year % 100:02d}"]
    (row,) = previous[2:]
    layout = core.layout_for(last_year_end)
    assert row[layout.at["tenant_code"]] == earlier["tenancy_ref"]
    assert row[layout.at["rent_type"]] == "1"  # this home's own: social rent

    unheld = lettings.client.get("/exports/core-lettings.csv", query_string={"year": 2019}, headers=OFFICER)
    assert unheld.status_code == 422 and "2019/20 layout is not held" in unheld.json["errors"]["year"][0]
    both = lettings.client.get("/exports/core-lettings.csv", query_string={"year": 2025, "from": "2025-05-01"},
                               headers=OFFICER)
    assert both.status_code == 422 and "year" in both.json["errors"]


def test_core_export_reads_columns_not_whole_tenancies(lettings):
    # A large council's collection year is some 5,000 lets: read as ORM objects with their homes,
    # applicants, households and offers (40,000 objects) the export took half a minute.
    household = [person(age=30, sex="F"), person("partner", 33, "M"), person("child", 4, "F")]
    tenancy = _let_on(lettings, add_applicant(lettings, household=household), dt.date.today())
    loaded = []
    listen = lambda target, _context: loaded.append(type(target).__name__)  # noqa: E731
    for model in (Applicant, HouseholdMember, Offer, Property, Tenancy):
        event.listen(model, "load", listen)
    try:
        lines = _core(lettings, **{"from": dt.date.today().isoformat()})
    finally:
        for model in (Applicant, HouseholdMember, Offer, Property, Tenancy):
            event.remove(model, "load", listen)
    assert loaded == []
    (row,) = lines[2:]
    field = {name: row[number] for name, number in core.layout_for(dt.date.today()).at.items()}
    assert (field["tenant_code"], field["joint_tenancy"], field["lead_age"]) == (tenancy["tenancy_ref"], "1", "30")
    assert field["choice_based_lettings"] == "1"


def test_closed_advert_shortlist_is_frozen(lettings):
    advert = closed_advert_with_bidders(lettings, add_applicant(lettings))
    assert lettings.events("lettings.advert.closed.v1")[0].data["eligible"] == 1
    assert lettings.client.post(f"/adverts/{advert['id']}/close", headers=OFFICER).status_code == 409
