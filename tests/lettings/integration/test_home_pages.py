"""The homes and register pages (/app/properties/…, /app/applicants/…) through the Flask test
client, on both backends: what they show, what their forms do, what they refuse (naming the field),
and what they audit (as the API's reads do)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from casework.audit import AuditEntry
from casework_dev.testing import statements_sent
from casework_dev.testing.pages import sign_in_as

from .conftest import (
    OFFICER,
    add_applicant,
    add_property,
    add_void,
    audits,
    bid,
    closed_advert_with_bidders,
    let,
    offer,
    on_day,
    open_advert,
    page_of,
    person,
    post,
    summary,
    version,
)

TODAY = dt.date.today()


# -- homes ------------------------------------------------------------------------------------------


def test_adding_a_home_then_making_it_void(lettings, browser):
    form = page_of(browser, "/app/properties/new")
    r = post(browser, "/app/properties/new", form, {
        "address": "Flat 1, 2 Page Street, Swindon SN1 1AA", "property_type": "flat", "bedrooms": "2",
        "floor": "1", "weekly_rent": "101.50", "service_charge": "4.00", "wheelchair_accessible": "y"})
    where = r.headers["Location"]
    assert re.search(r"/app/properties/P-\d+$", where)
    home = page_of(browser, where)
    assert "Home P-" in home and "added" in home and "Flat 1, 2 Page Street" in home
    assert "This home has not been void." in home and "Advertise this home" not in home
    listed = lettings.client.get("/properties", headers=OFFICER).json
    assert listed[0]["weekly_rent"] == "101.50" and listed[0]["wheelchair_accessible"] is True
    # The form is a page of its own, linked from the home's.
    assert f'href="{where}/void"' in home and 'id="void-void_date-day"' not in home
    form = page_of(browser, where + "/void")
    assert "Make the home void" in form and 'id="void-void_date-day"' in form and f'href="{where}"' in form

    r = post(browser, where + "/void", form, {**on_day(TODAY - dt.timedelta(days=3), "void-void_date"),
                                              "void-reason": "transfer"})
    void = page_of(browser, r.headers["Location"])
    assert "is void" in void and "Still void" in void
    assert f'href="/app/properties/{listed[0]["id"]}/advertise"' in void, "an open void not advertised can be"
    # The same home by its id answers too; made void again is refused by the use case (409).
    again = page_of(browser, f"/app/properties/{listed[0]['id']}")
    assert 'id="make-void"' not in again


def test_the_add_a_home_form_names_each_field_it_refuses(lettings, browser):
    form = page_of(browser, "/app/properties/new")
    r = post(browser, "/app/properties/new", form, {"address": "", "property_type": "", "bedrooms": "eleven",
                                                    "weekly_rent": "-3"}, status=422)
    body = r.get_data(as_text=True)
    for field in ("address", "property_type", "bedrooms", "weekly_rent"):
        assert f'href="#{field}"' in body, field
        assert f'id="{field}-error"' in body, field
    assert lettings.client.get("/properties", headers=OFFICER).json == []


def test_making_a_void_home_void_again_is_refused_with_the_use_cases_words(lettings, browser):
    home = add_property(lettings)
    page = page_of(browser, f"/app/properties/{home['reference']}/void")
    add_void(lettings, home)
    r = post(browser, f"/app/properties/{home['reference']}/void", page,
             {**on_day(TODAY, "void-void_date"), "void-reason": "transfer"}, status=409)
    assert "This home is already void." in summary(r.get_data(as_text=True))


def test_a_void_date_missing_is_named(lettings, browser):
    home = add_property(lettings)
    page = page_of(browser, f"/app/properties/{home['reference']}/void")
    r = post(browser, f"/app/properties/{home['reference']}/void", page, {"void-reason": "transfer"}, status=422)
    assert 'href="#void-void_date"' in r.get_data(as_text=True) and 'name="void-reason"' in r.get_data(as_text=True)


def test_the_home_page_shows_its_history_and_ends_its_tenancy(lettings, browser):
    home = add_property(lettings)
    applicant = add_applicant(lettings)
    advert = closed_advert_with_bidders(lettings, applicant, prop=home,
                                        void_date=(TODAY - dt.timedelta(days=40)).isoformat())
    tenancy = let(lettings, advert, applicant, (TODAY - dt.timedelta(days=20)).isoformat())
    page = page_of(browser, f"/app/properties/{home['id']}")
    assert advert["reference"] in page and f'href="/app/adverts/{advert["id"]}"' in page
    assert tenancy["tenancy_ref"] in page and "End tenancy" in page and "Advertise this home" not in page
    assert 'id="end-end_date-day"' not in page, "the form is a page of its own"
    page = page_of(browser, f"/app/properties/{home['reference']}/end-tenancy")
    assert f'value="{tenancy["tenancy_ref"]}"' in page and 'id="end-end_date-day"' in page

    r = post(browser, f"/app/properties/{home['reference']}/end-tenancy", page,
             {"end-tenancy": tenancy["tenancy_ref"], **on_day(TODAY - dt.timedelta(days=25), "end-end_date"),
              "end-reason": "transfer"}, status=422)
    assert "A tenancy cannot end before it started." in summary(r.get_data(as_text=True))
    r = post(browser, f"/app/properties/{home['reference']}/end-tenancy", page,
             {"end-tenancy": tenancy["tenancy_ref"], **on_day(TODAY - dt.timedelta(days=1), "end-end_date"),
              "end-reason": "tenant_moved_out"})
    after = page_of(browser, r.headers["Location"])
    assert f"Tenancy {tenancy['tenancy_ref']} ended" in after and "Advertise this home" in after
    assert 'id="end-tenancy"' not in after
    page_of(browser, f"/app/properties/{home['reference']}/end-tenancy", 404)
    ended = lettings.client.get(f"/tenancies/{tenancy['tenancy_ref']}", headers=OFFICER).json
    assert ended["end_date"] == (TODAY - dt.timedelta(days=1)).isoformat()
    assert post(browser, f"/app/properties/{home['reference']}/end-tenancy", page,
                {"end-tenancy": tenancy["tenancy_ref"], **on_day(TODAY, "end-end_date"), "end-reason": "transfer"},
                status=409)


# -- the register -------------------------------------------------------------------------------------


def register_form(**changes) -> dict:
    data = {"household-0-name": "Ada Page", **on_day(dt.date(1990, 4, 12), "household-0-date_of_birth"),
            "household-0-sex": "F", "household-0-relationship": "applicant",
            "household-1-name": "Ben Page", **on_day(TODAY.replace(year=TODAY.year - 7), "household-1-date_of_birth"),
            "household-1-sex": "M", "household-1-relationship": "child",
            "band": "C", **on_day(dt.date(2025, 1, 6), "effective_date"), "support_needs": ["mental_health"],
            "monthly_net": "1500.00", "phone": "07700 900999"}
    return {**data, **changes}


def test_registering_an_applicant_and_reading_their_page(lettings, browser):
    form = page_of(browser, "/app/applicants/new")
    r = post(browser, "/app/applicants/new", form, register_form())
    assert re.search(r"/app/applicants/A-\d+$", r.headers["Location"])
    page = page_of(browser, r.headers["Location"])
    assert "registered" in page and "Ada Page" in page and "Ben Page" in page
    assert "Needs <strong>2 bedrooms</strong>" in page
    assert "Band given at registration." in page and "mental health" in page
    found = lettings.client.get("/applicants", headers=OFFICER).json[0]
    assert found["band"] == "C" and found["support_needs"] == ["mental_health"] and found["bedroom_need"] == 2
    assert found["income"]["monthly_net"] == "1500.00"


def test_the_register_form_names_the_household_fields_it_refuses(lettings, browser):
    form = page_of(browser, "/app/applicants/new")
    r = post(browser, "/app/applicants/new", form, register_form(**{"household-0-relationship": "child",
                                                                     "band": "", "household-1-name": ""}),
             status=422)
    body = r.get_data(as_text=True)
    assert 'href="#band"' in body
    assert summary(body)
    assert lettings.client.get("/applicants", headers=OFFICER).json == []


def test_reading_an_applicants_page_is_audited_as_the_apis_read_is(lettings, browser):
    applicant = add_applicant(lettings)
    before = audits(lettings, applicant["id"])
    page_of(browser, f"/app/applicants/{applicant['reference']}")
    assert audits(lettings, applicant["id"]) == before + 1
    lettings.client.get(f"/applicants/{applicant['id']}", headers=OFFICER)
    assert audits(lettings, applicant["id"]) == before + 2
    page_of(browser, "/app/applicants/A-999999", 404)


def test_searching_the_register_by_name_audits_each_applicant_it_shows(lettings, browser):
    ada = add_applicant(lettings, household=[person(name="Ada Lovelace")], band="A")
    bob = add_applicant(lettings, household=[person(name="Bob Jones")], band="B")
    listed = page_of(browser, "/app/applicants")
    assert ada["reference"] in listed and bob["reference"] in listed
    assert audits(lettings, ada["id"]) == 0, "a list with no name asked for reads nobody out"
    found = page_of(browser, "/app/applicants?name=lovelace")
    assert ada["reference"] in found and bob["reference"] not in found and "1 applicant" in found
    assert audits(lettings, ada["id"]) == 1 and audits(lettings, bob["id"]) == 0
    by_band = page_of(browser, "/app/applicants?band=B&status=active")
    assert bob["reference"] in by_band and ada["reference"] not in by_band
    by_reference = page_of(browser, f"/app/applicants?reference={bob['reference'].lower()}")
    assert bob["reference"] in by_reference and ada["reference"] not in by_reference


def test_the_register_is_paginated(lettings, browser):
    for i in range(27):
        add_applicant(lettings, household=[person(name=f"Person {i}")])
    first = page_of(browser, "/app/applicants")
    assert "27 applicants" in first and "Page 1 of 2" in first and 'rel="next"' in first
    second = page_of(browser, "/app/applicants?page=2")
    assert "Page 2 of 2" in second and second.count("govuk-table__row") == 3  # header and two


def test_the_change_of_circumstances_is_a_page_of_its_own_and_its_reading_is_audited(lettings, browser):
    applicant = add_applicant(lettings)
    url = f"/app/applicants/{applicant['reference']}"
    page = page_of(browser, url)
    assert 'name="version"' not in page and 'name="household-0-name"' not in page, "the form is not drawn here"
    assert f'href="{url}/changes"' in page
    before = audits(lettings, applicant["id"])
    form = page_of(browser, url + "/changes")
    assert "Record a change of circumstances" in form and version(form) and 'name="household-0-name"' in form
    assert f'href="{url}"' in form, "a way back to the applicant"
    assert audits(lettings, applicant["id"]) == before + 1, "the form shows their personal data: a read"
    page_of(browser, "/app/applicants/A-999999/changes", 404)


def test_a_change_of_circumstances_with_a_band_change(lettings, browser):
    applicant = add_applicant(lettings)
    url = f"/app/applicants/{applicant['reference']}"
    page = page_of(browser, url + "/changes")
    change = {"version": version(page), "band": "A", **on_day(dt.date(2024, 1, 10), "effective_date"),
              "monthly_net": "1800.00", "wheelchair": "y", "phone": "07700 900123", "email": "tenant@example.org"}
    r = post(browser, url + "/changes", page, change, status=422)
    assert 'href="#band_reason"' in r.get_data(as_text=True), "a band moves only with its reason"
    assert lettings.client.get(f"/applicants/{applicant['id']}", headers=OFFICER).json["band"] == "B"

    r = post(browser, url + "/changes", page, {**change, "band_reason": "Medical priority awarded.",
                                                **on_day(TODAY - dt.timedelta(days=2), "decision_date")})
    after = page_of(browser, r.headers["Location"])
    assert "Change of circumstances recorded" in after and "Medical priority awarded." in after
    now = lettings.client.get(f"/applicants/{applicant['id']}", headers=OFFICER).json
    assert now["band"] == "A" and now["income"]["monthly_net"] == "1800.00" and now["needs"]["wheelchair"] is True
    history = lettings.client.get(f"/applicants/{applicant['id']}/band-history", headers=OFFICER).json
    assert [h["band"] for h in history] == ["B", "A"]
    with lettings.db.transaction() as session:
        changed = session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.record_id == applicant["id"], AuditEntry.action == "change"))
    assert changed == 1


def test_a_stale_change_says_someone_changed_it_and_shows_the_record_as_it_stands(lettings, browser):
    applicant = add_applicant(lettings)
    url = f"/app/applicants/{applicant['reference']}"
    page = page_of(browser, url + "/changes")
    etag = lettings.client.get(f"/applicants/{applicant['id']}", headers=OFFICER).headers["ETag"]
    r = lettings.client.patch(f"/applicants/{applicant['id']}", json={"contact": {"phone": "07700 111222"}},
                              headers={**OFFICER, "If-Match": etag})
    assert r.status_code == 200, r.json
    r = post(browser, url + "/changes", page, {"version": version(page), "band": "B", "monthly_net": "10.00",
                                                **on_day(dt.date(2024, 1, 10), "effective_date")}, status=409)
    body = r.get_data(as_text=True)
    assert "Someone changed this applicant" in body and "07700 111222" in body
    assert lettings.client.get(f"/applicants/{applicant['id']}", headers=OFFICER).json["income"]["monthly_net"] \
        == "2100.00"


def household_rows(*members: dict, remove: tuple[int, ...] = ()) -> dict:
    """The change form's people as a browser sends them: each member (as the API writes one) in its row."""
    data = {}
    for i, m in enumerate(members):
        data |= {f"household-{i}-name": m["name"], f"household-{i}-sex": m["sex"],
                 f"household-{i}-relationship": m["relationship"],
                 **on_day(dt.date.fromisoformat(m["date_of_birth"]), f"household-{i}-date_of_birth")}
        if i in remove:
            data[f"household-{i}-remove"] = "y"
    return data


def test_people_join_change_and_leave_the_household_and_the_bedroom_need_is_reckoned_again(lettings, browser):
    lead, boy, girl = person(name="Ada Page"), person("child", 6, "M", "Ben Page"), person("child", 4, "F", "Cleo Page")
    applicant = add_applicant(lettings, household=[lead, boy, girl])
    assert applicant["bedroom_need"] == 2
    url = f"/app/applicants/{applicant['reference']}"
    page = page_of(browser, url + "/changes")
    assert 'value="Ben Page"' in page and 'name="household-2-remove"' in page
    assert 'name="household-4-name"' in page and 'name="household-5-name"' not in page, "two empty rows for joiners"
    as_it_is = {"version": version(page), "band": "B", **on_day(dt.date(2024, 1, 10), "effective_date"),
                "monthly_net": "2100.00", "monthly_outgoings": "900.00", "phone": "07700 900123",
                "email": "tenant@example.org"}
    partner, teenager = person("partner", 36, "M", "Dan Page"), person("child", 17, "M", "Eli Page")

    no_birthday = {**household_rows(lead, boy, girl, partner), "household-3-date_of_birth": ["", "", ""]}
    r = post(browser, url + "/changes", page, {**as_it_is, **no_birthday}, status=422)
    assert 'href="#household-3-date_of_birth"' in r.get_data(as_text=True)
    assert 'id="household-3-date_of_birth-error"' in r.get_data(as_text=True)
    r = post(browser, url + "/changes", page, {**as_it_is, **household_rows(lead, boy, girl, remove=(0, 1, 2))},
             status=422)
    assert "Keep the applicant in the household" in summary(r.get_data(as_text=True))
    assert lettings.client.get(f"/applicants/{applicant['id']}", headers=OFFICER).json["bedroom_need"] == 2

    r = post(browser, url + "/changes", page, {**as_it_is, **household_rows(
        lead, {**boy, "name": "Benjamin Page"}, girl, partner, teenager, remove=(2,))})
    after = page_of(browser, r.headers["Location"])
    assert "Change of circumstances recorded: the household now needs 3 bedrooms" in after
    assert "Needs <strong>3 bedrooms</strong>" in after and "1 bedroom for the couple" in after
    now = lettings.client.get(f"/applicants/{applicant['id']}", headers=OFFICER).json
    assert [(m["name"], m["relationship"]) for m in now["household"]] == [
        ("Ada Page", "applicant"), ("Benjamin Page", "child"), ("Dan Page", "partner"), ("Eli Page", "child")]
    assert now["bedroom_need"] == 3 and audits(lettings, applicant["id"], "change") == 1

    # Sent again as it now stands, the household is no change; the income is.
    page = page_of(browser, url + "/changes")
    r = post(browser, url + "/changes", page, {**as_it_is, "version": version(page), "monthly_net": "2000.00",
                                                **household_rows(lead, {**boy, "name": "Benjamin Page"}, partner,
                                                                 teenager)})
    assert "now needs" not in page_of(browser, r.headers["Location"])
    with lettings.db.transaction() as session:
        last = session.scalars(select(AuditEntry).where(AuditEntry.record_id == applicant["id"],
                                                        AuditEntry.action == "change")
                               .order_by(AuditEntry.id.desc())).first()
    assert sorted(last.after) == ["monthly_net_income"]


def test_a_stale_household_change_shows_the_household_as_it_now_stands(lettings, browser):
    applicant = add_applicant(lettings, household=[person(name="Ada Page")])
    url = f"/app/applicants/{applicant['reference']}"
    page = page_of(browser, url + "/changes")
    etag = lettings.client.get(f"/applicants/{applicant['id']}", headers=OFFICER).headers["ETag"]
    joined = [person(name="Ada Page"), person("child", 3, "F", "Fay Page")]
    assert lettings.client.put(f"/applicants/{applicant['id']}/household", json={"household": joined},
                               headers={**OFFICER, "If-Match": etag}).status_code == 200
    r = post(browser, url + "/changes", page, {"version": version(page), "band": "B",
                                                **on_day(dt.date(2024, 1, 10), "effective_date"),
                                                **household_rows(person(name="Ada Page"), person("partner", 40, "M"))},
             status=409)
    body = r.get_data(as_text=True)
    assert "Someone changed this applicant" in body and 'value="Fay Page"' in body
    assert [m["name"] for m in lettings.client.get(f"/applicants/{applicant['id']}", headers=OFFICER).json[
        "household"]] == ["Ada Page", "Fay Page"]


def test_suspending_and_reinstating_and_cancelling(lettings, browser):
    applicant = add_applicant(lettings)
    url = f"/app/applicants/{applicant['reference']}"
    page = page_of(browser, url)
    r = post(browser, url + "/status", page, {"status-status": "suspended", "status-reason": ""}, status=422)
    assert 'href="#status-reason"' in r.get_data(as_text=True)
    until = TODAY + dt.timedelta(days=30)
    r = post(browser, url + "/status", page, {"status-status": "suspended", "status-reason": "Awaiting proof.",
                                              **on_day(until, "status-until")})
    after = page_of(browser, r.headers["Location"])
    assert "Application suspended" in after and "until" in after
    assert lettings.client.get(f"/applicants/{applicant['id']}", headers=OFFICER).json["suspended_until"] \
        == until.isoformat()
    post(browser, url + "/status", after, {"status-status": "active", "status-reason": "Proof given."})
    post(browser, url + "/status", after, {"status-status": "cancelled", "status-reason": "Moved away."})
    r = post(browser, url + "/status", after, {"status-status": "active", "status-reason": "Again."}, status=409)
    assert summary(r.get_data(as_text=True))


def test_bids_and_offers_link_to_their_pages(lettings, browser):
    applicant = add_applicant(lettings)
    advert = closed_advert_with_bidders(lettings, applicant)
    made = offer(lettings, advert).json
    page = page_of(browser, f"/app/applicants/{applicant['reference']}")
    assert f'href="/app/adverts/{advert["id"]}"' in page and f'href="/app/offers/{made["id"]}"' in page


# -- who may, and CSRF ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/app/properties/new", "/app/applicants", "/app/applicants/new"])
def test_only_lettings_officers_and_team_leaders_see_the_pages(lettings, url):
    with lettings.app.test_client() as client:
        sign_in_as(client, "o-int", "intake_officer")
        assert client.get(url).status_code == 403
        sign_in_as(client, "o-tl", "team_leader")
        assert client.get(url).status_code == 200


def test_a_form_without_its_csrf_token_is_refused(lettings, browser):
    r = browser.post("/app/properties/new", data={"address": "x", "property_type": "flat", "bedrooms": "1",
                                                  "weekly_rent": "1.00"})
    assert r.status_code in (400, 403)
    assert lettings.client.get("/properties", headers=OFFICER).json == []
    applicant = add_applicant(lettings)
    r = browser.post(f"/app/applicants/{applicant['reference']}/status",
                     data={"status-status": "cancelled", "status-reason": "x"})
    assert r.status_code in (400, 403)


def test_bid_placed_is_listed(lettings, browser):
    home = add_property(lettings)
    add_void(lettings, home)
    applicant = add_applicant(lettings)
    advert = open_advert(lettings, home)
    assert bid(lettings, advert, applicant).status_code == 201
    page = page_of(browser, f"/app/applicants/{applicant['reference']}")
    assert advert["reference"] in page


def test_the_register_is_counted_without_its_order(lettings, browser):
    """The count under the register's pages carries no ORDER BY: with it, a prepared statement's
    generic plan walks the reference index over every applicant (bench/NOTES.md, pages)."""
    add_applicant(lettings, household=[person(name="Ada Lovelace")])
    with statements_sent(lettings.db.engine) as sent:
        assert "1 applicant" in page_of(browser, "/app/applicants?band=B&status=active")
    counts = [sql for sql, _ in sent if "count(" in sql.lower()]
    assert counts and all("ORDER BY" not in sql.upper() for sql in counts)
