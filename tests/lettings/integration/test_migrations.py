"""Lettings' Alembic history: the tables the models describe, and its data migration on both
databases the service runs on."""

import datetime as dt
import uuid

from alembic import command
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select

from casework.migrations import config, target_metadata, upgrade
from casework.timers import Sweeper, Timer
from casework_dev.testing import schema_drift
from lettings import households
from lettings.models import Base
from lettings.service import SERVICE

from .conftest import OFFICER, add_applicant, add_property, closed_advert_with_bidders, let, offer, open_advert, person


def test_the_migrated_database_matches_the_models(lettings):
    assert schema_drift(lettings, target_metadata(Base.metadata)) == []


def test_households_registered_before_birthday_timers_get_one_and_their_need_reckoned(service):
    with_children = add_applicant(service)  # children of 6 and 4
    adults_only = add_applicant(service, household=[person(), person("partner", 40, "M")])
    anonymised = add_applicant(service)
    grown_up = add_applicant(service, household=[person(), person("child", 17, "M")])  # 15 when registered
    applicants = Base.metadata.tables["applicants"]
    with service.db.transaction() as session:  # as a register kept by the release before
        session.execute(Timer.__table__.delete())
        session.execute(applicants.update().values(bedroom_need=5))
        session.execute(applicants.update().where(applicants.c.id == uuid.UUID(anonymised["id"])).values(
            anonymised_at=dt.datetime.now(dt.UTC)))
        session.execute(applicants.update().where(applicants.c.id == uuid.UUID(grown_up["id"])).values(
            created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=2 * 365)))
    command.downgrade(config(SERVICE, service.database_url), "0003")

    upgrade(SERVICE, service.database_url)

    with service.db.transaction() as session:
        keys = set(session.scalars(select(Timer.key)))
    # Not the adults (nothing can have changed), nor the anonymised household (no birth dates).
    assert keys == {households.timer_key(with_children["id"]), households.timer_key(grown_up["id"])}
    Sweeper(service.db, SERVICE.timers, service="lettings").fire_due()
    needs = {a["id"]: a["bedroom_need"] for a in service.client.get("/applicants", headers=OFFICER).json}
    assert [needs[a["id"]] for a in (with_children, grown_up, adults_only, anonymised)] == [2, 2, 5, 5]


def test_every_reference_comes_from_one_counter_that_goes_on_through_an_upgrade(service):
    """A database the release before numbered (its counter table on SQLite, its sequence on
    PostgreSQL, which other tests have moved on) goes on from where it was, whatever the kind."""
    first = int(add_property(service)["reference"].removeprefix("P-"))
    assert add_applicant(service)["reference"] == f"A-{first + 1:06d}"
    command.downgrade(config(SERVICE, service.database_url), "0004")
    upgrade(SERVICE, service.database_url)
    assert [add_applicant(service)["reference"], add_property(service)["reference"]] == [
        f"A-{first + 2:06d}", f"P-{first + 3:06d}"]


def test_offers_signed_up_before_0007_become_signed_up_and_their_homes_can_be_offered_again(service):
    home = add_property(service)
    made = offer(service, closed_advert_with_bidders(service, add_applicant(service), prop=home)).json
    assert service.client.post(f"/offers/{made['id']}/accept", headers=OFFICER).status_code == 200
    assert service.client.post(f"/offers/{made['id']}/sign-up", headers=OFFICER, json={
        "tenancy_start": dt.date.today().isoformat(), "override_reason": "Checked by hand."}).status_code == 201
    offers = Base.metadata.tables["offers"]
    command.downgrade(config(SERVICE, service.database_url), "0006")  # as the release before left it
    with service.db.transaction() as session:
        assert session.scalar(select(offers.c.status).where(offers.c.id == uuid.UUID(made["id"]))) == "accepted"

    upgrade(SERVICE, service.database_url)

    assert service.client.get(f"/offers/{made['id']}", headers=OFFICER).json["status"] == "signed_up"
    again = offer(service, closed_advert_with_bidders(service, add_applicant(service), prop=home))
    assert again.status_code == 201, again.json


def test_applications_closed_before_0010_are_cancelled_and_finished(service):
    closed, active = add_applicant(service), add_applicant(service)
    applicants = Base.metadata.tables["applicants"]
    command.downgrade(config(SERVICE, service.database_url), "0008")  # as the release before left it
    with service.db.transaction() as session:
        session.execute(applicants.update().where(applicants.c.id == uuid.UUID(closed["id"])).values(
            status="closed", status_reason="Moved away."))

    upgrade(SERVICE, service.database_url)

    statuses = {a["id"]: a["status"] for a in service.client.get("/applicants", headers=OFFICER).json}
    assert [statuses[closed["id"]], statuses[active["id"]]] == ["cancelled", "active"]
    refused = service.client.post(f"/applicants/{closed['id']}/status", headers=OFFICER,
                                  json={"status": "active", "reason": "Back again."})
    assert refused.status_code == 409 and "cancelled" in refused.json["detail"]


def test_band_columns_widen_with_the_register_and_households_kept(service):
    """0012 widens the band columns on PostgreSQL and leaves SQLite's (which holds any length)
    alone: no applicant or household member is lost on the way, and a band named in words fits."""
    kept = add_applicant(service, household=[person(), person("partner", 40, "M")])
    command.downgrade(config(SERVICE, service.database_url), "0011")
    upgrade(SERVICE, service.database_url)

    applicants = Base.metadata.tables["applicants"]
    with service.db.transaction() as session:
        session.execute(applicants.update().where(applicants.c.id == uuid.UUID(kept["id"])).values(band="Emergency"))
    after = service.client.get(f"/applicants/{kept['id']}", headers=OFFICER).json
    assert after["band"] == "Emergency" and len(after["household"]) == 2


def test_0022_fills_where_each_void_stands_as_the_use_cases_keep_it(service):
    """Voids at every stage the release before made (not advertised, advertised, shortlist,
    offered, accepted, signed up and let, with a refusal and a direct match on the way): 0022 fills
    each with what the use cases keep (``letting.void_stages``), and its downgrade removes it."""
    from lettings.letting import void_stages
    from lettings.models import Void

    from .conftest import add_void, open_advert

    first, second = add_applicant(service, band="A"), add_applicant(service, band="B")
    add_void(service, add_property(service))
    advertised = add_property(service)
    add_void(service, advertised)
    open_advert(service, advertised)
    closed_advert_with_bidders(service, first, second)
    refused = offer(service, closed_advert_with_bidders(service, first, second)).json
    assert service.client.post(f"/offers/{refused['id']}/refuse", headers=OFFICER,
                               json={"reason": "Too far", "reasonable": True}).status_code == 200
    assert offer(service, closed_advert_with_bidders(service, first)).status_code == 201
    accepted = offer(service, closed_advert_with_bidders(service, second)).json
    assert service.client.post(f"/offers/{accepted['id']}/accept", headers=OFFICER).status_code == 200
    signed = offer(service, closed_advert_with_bidders(service, add_applicant(service))).json
    assert service.client.post(f"/offers/{signed['id']}/accept", headers=OFFICER).status_code == 200
    assert service.client.post(f"/offers/{signed['id']}/sign-up", headers=OFFICER, json={
        "tenancy_start": dt.date.today().isoformat(), "override_reason": "Checked by hand."}).status_code == 201
    matched = add_property(service)
    add_void(service, matched)
    assert service.client.post("/offers", headers=OFFICER, json={
        "property_id": matched["id"], "applicant_id": add_applicant(service)["id"],
        "direct_match_reason": "Fleeing violence (MARAC)"}).status_code == 201

    def stood():
        with service.db.transaction() as session:
            return sorted((v.stage, v.advert_id is not None, v.offer_id is not None, v.id, v.advert_id, v.offer_id)
                          for v in session.scalars(select(Void)))

    kept = stood()
    assert [row[:3] for row in kept] == sorted([
        ("not_advertised", False, False), ("advertised", True, False), ("shortlist", True, False),
        ("shortlist", True, False), ("offered", True, True), ("accepted", True, True), ("signed_up", True, True),
        ("offered", False, True)])
    command.downgrade(config(SERVICE, service.database_url), "0021")
    with service.db.engine.connect() as conn:
        assert "stage" not in [c["name"] for c in sa_inspect(conn).get_columns("voids")]

    upgrade(SERVICE, service.database_url)

    assert stood() == kept
    with service.db.transaction() as session:
        assert void_stages.recount(session) == 0


def test_0023_keeps_a_core_log_for_every_let_so_far_as_sign_up_keeps_it(service):
    """Lets by advert and by direct match, this collection year and the last, a home let, ended
    and let again, and a tenancy recorded from the housing system (no log: not a let made here):
    0023 fills each let's log as sign-up keeps it, the export reads them, and its downgrade
    removes the table."""
    from lettings.core.layout import collection_start_year
    from lettings.letting import core_logs
    from lettings.letting.tenancies import record_existing_tenancy
    from lettings.models import Applicant, CoreLog, Property

    from .conftest import let_home

    today = dt.date.today()
    this_year = collection_start_year(today)
    last_year_end = dt.date(this_year, 3, 31)
    let_home(service, add_applicant(service), today - dt.timedelta(days=3))
    let_home(service, add_applicant(service), today, direct=True)
    let_home(service, add_applicant(service, household=[person(age=70)]), last_year_end, bedrooms=1)
    again = let_home(service, add_applicant(service), today - dt.timedelta(days=30))
    assert service.client.post(f"/tenancies/{again['tenancy_ref']}/end", headers=OFFICER, json={
        "end_date": (today - dt.timedelta(days=20)).isoformat(), "reason": "transfer"}).status_code == 200
    advert = open_advert(service, again["home"])
    tenant = add_applicant(service)
    assert service.client.post(f"/adverts/{advert['id']}/bids", headers=OFFICER,
                               json={"applicant_id": tenant["id"]}).status_code == 201
    assert service.client.post(f"/adverts/{advert['id']}/close", headers=OFFICER).status_code == 200
    let(service, advert, tenant, (today - dt.timedelta(days=10)).isoformat())
    home, tenant = add_property(service), add_applicant(service)
    with service.db.transaction() as session:
        record_existing_tenancy(session, session.get(Property, uuid.UUID(home["id"])),
                                session.get(Applicant, uuid.UUID(tenant["id"])),
                                reference="HMS-1", tenancy_start=today, tenancy_type="secure", by="import")

    def logs():
        with service.db.transaction() as session:
            return sorted((log.reference, log.tenancy_id, log.tenancy_start, log.collection_year, log.layout, log.line)
                          for log in session.scalars(select(CoreLog)))

    def exported(year: int) -> str:
        r = service.client.get("/exports/core-lettings.csv", query_string={"year": year}, headers=OFFICER)
        assert r.status_code == 200, r.json
        return r.get_data(as_text=True)

    kept = logs()
    assert len(kept) == 5 and all(line for *_, line in kept)
    files = [exported(year) for year in (this_year - 1, this_year)]
    command.downgrade(config(SERVICE, service.database_url), "0022")
    with service.db.engine.connect() as conn:
        assert "core_logs" not in sa_inspect(conn).get_table_names()

    upgrade(SERVICE, service.database_url)

    assert logs() == kept
    assert [exported(year) for year in (this_year - 1, this_year)] == files
    with service.db.transaction() as session:
        assert core_logs.rebuild(session, afresh=True) == 0
