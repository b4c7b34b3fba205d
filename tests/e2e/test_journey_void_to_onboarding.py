"""Journey 2, every process real: a void is let through choice-based lettings; the top bidder
refuses, the next (a high-risk applicant) accepts and signs up, and sustainment opens an
onboarding case that notifications turns into tasks for the team and then the officer."""

import datetime as dt
import uuid

import pytest

from casework_dev.testing import wait_until

from .conftest import one_case, one_task, task_status

pytestmark = pytest.mark.slow


def years_ago(years: int) -> str:
    today = dt.date.today()
    return (today.replace(year=today.year - years) - dt.timedelta(days=10)).isoformat()


def household(children: int = 2) -> list[dict]:
    people = [{"name": "Applicant", "date_of_birth": years_ago(35), "sex": "F", "relationship": "applicant"}]
    people += [{"name": f"Child {i}", "date_of_birth": years_ago(4 + i), "sex": "M", "relationship": "child"}
               for i in range(children)]
    return people


def applicant(officer, band: str, **changes) -> dict:
    body = {"household": household(), "band": band, "effective_date": "2024-01-10", "application_date": "2023-12-01",
            "income": {"monthly_net": "2100.00", "monthly_outgoings": "900.00"},
            "contact": {"phone": "07700 900123", "email": "tenant@example.org"}, **changes}
    r = officer.post("lettings", "/applicants", body)
    assert r.status_code == 201, r.text
    assert r.json()["bedroom_need"] == 2
    return r.json()


def test_a_void_is_let_and_a_high_risk_new_tenant_gets_an_onboarding_case(people):
    lee, tara, sam = people.lettings_officer, people.team_leader, people.sustainment_officer

    # A property goes void and is advertised.
    prop = lee.post("lettings", "/properties", {
        "address": "Flat 3, 12 Fleming Way, Swindon SN1 2NG", "uprn": str(uuid.uuid4().int)[:12],
        "property_type": "flat", "bedrooms": 2, "floor": 0, "wheelchair_accessible": False,
        "weekly_rent": "98.00", "service_charge": "7.00"}).json()
    void_date = (dt.date.today() - dt.timedelta(days=21)).isoformat()
    assert lee.post("lettings", f"/properties/{prop['id']}/void",
                    {"void_date": void_date, "reason": "transfer"}).status_code == 201
    closes = (dt.datetime.now(dt.UTC) + dt.timedelta(days=7)).isoformat()
    advert = lee.post("lettings", "/adverts", {"property_id": prop["id"], "closes_at": closes}).json()

    # Applicants bid: a band A household, and a band B one with support needs (high-risk).
    first = applicant(lee, "A")
    second = applicant(lee, "B", support_needs=["mental_health"])
    for bidder in (second, first):
        assert lee.post("lettings", f"/adverts/{advert['id']}/bids", {"applicant_id": bidder["id"]}).status_code == 201

    # The advert closes and the shortlist is ranked by band.
    assert lee.post("lettings", f"/adverts/{advert['id']}/close").json()["status"] == "closed"
    shortlist = lee.get("lettings", f"/adverts/{advert['id']}/shortlist").json()
    assert [(r["applicant_id"], r["position"]) for r in shortlist["ranked"]] == [(first["id"], 1), (second["id"], 2)]

    # The top bidder is offered the home; the lettings team gets a task to chase the response.
    offer = lee.post("lettings", f"/adverts/{advert['id']}/offers").json()
    assert offer["applicant_id"] == first["id"]
    chase = one_task(lee, subject_id=offer["id"])
    assert (chase["team"], chase["status"], chase["rule"]) == ("lettings", "open", "chase_offer")
    assert chase["title"] == f"Chase the response to offer {offer['reference']}"

    # They refuse (reasonably): the chase task closes itself, and the team is told to offer the next bidder.
    refused = lee.post("lettings", f"/offers/{offer['id']}/refuse",
                       {"reason": "Too far from the children's school", "reasonable": True})
    assert refused.status_code == 200 and refused.json()["status"] == "refused"
    assert task_status(lee, chase["id"], "done")["closed_by"] == "event"
    next_bidder = one_task(lee, subject_id=advert["id"], status="open")
    assert next_bidder["rule"] == "offer_next_bidder" and next_bidder["priority"] == "high"

    # The next bidder is offered the home: that closes the prompt; they accept.
    second_offer = lee.post("lettings", f"/adverts/{advert['id']}/offers").json()
    assert second_offer["applicant_id"] == second["id"]
    task_status(lee, next_bidder["id"], "done")
    second_chase = one_task(lee, subject_id=second_offer["id"])
    assert lee.post("lettings", f"/offers/{second_offer['id']}/accept").json()["status"] == "accepted"
    task_status(lee, second_chase["id"], "done")

    # Pre-tenancy and affordability checks, then sign-up: the tenancy starts, high-risk.
    checks = lee.post("lettings", f"/offers/{second_offer['id']}/checks").json()
    assert (checks["result"], checks["residual_monthly"]) == ("pass", "745.00")
    signed = lee.post("lettings", f"/offers/{second_offer['id']}/sign-up",
                      {"tenancy_start": dt.date.today().isoformat()})
    assert signed.status_code == 201, signed.text
    tenancy = signed.json()
    assert tenancy["high_risk"] is True and tenancy["high_risk_reasons"] == ["support_needs"]
    assert lee.get("lettings", f"/applicants/{second['id']}").json()["status"] == "housed"
    assert lee.get("lettings", f"/properties/{prop['id']}").json()["void"] is None
    assert lee.tasks(subject_id=advert["id"], status="open") == []

    # Sustainment opens an onboarding case with a settling-in visit due.
    # The team leader reads it whole (support needs are health details, restricted to the case's officer and leaders).
    case = one_case(tara, tenancy_ref=tenancy["tenancy_ref"])
    assert (case["case_type"], case["status"], case["officer_id"]) == ("onboarding", "open", None)
    assert "high_risk_new_tenant" in case["reasons"] and case["support_needs"] == ["mental_health"]
    assert case["settling_in_due"] is not None
    assert case["plan"]["status"] == "template"

    # Notifications tasks the sustainment team to assign it and book the visit.
    assign = one_task(sam, subject_id=case["id"], team="sustainment")
    assert assign["title"] == f"Assign case {case['reference']} and book the settling-in visit"
    assert assign["assignee"] is None and assign["rule"] == "assign_onboarding_case"
    assert one_task(tara, subject_id=case["id"])["id"] == assign["id"]

    # The team leader assigns it: the assignment task closes; the officer gets the settling-in task and a message.
    assigned = tara.post("sustainment", f"/cases/{case['id']}/assignment", {"officer_id": sam.sub})
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["officer_id"] == sam.sub
    task_status(sam, assign["id"], "done")
    visit_task = one_task(sam, subject_id=case["id"], assignee=sam.sub, status="open")
    assert visit_task["title"] == f"Book and make the settling-in visit for case {case['reference']}"
    assert any(n["subject"] and n["subject"]["id"] == case["id"] for n in sam.inbox())

    # The lettings officer's task list for this advert and its offers is now empty.
    for subject in (advert["id"], offer["id"], second_offer["id"]):
        assert lee.tasks(subject_id=subject, status="open") == []

    # The tenancy ends: the home is void again, and sustainment notes it on the case; the officer
    # gets a task to close the case or carry on.
    ends = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    ended = lee.post("lettings", f"/tenancies/{tenancy['tenancy_ref']}/end", {"end_date": ends, "reason": "transfer"})
    assert ended.status_code == 200, ended.text
    assert lee.get("lettings", f"/properties/{prop['id']}").json()["void"]["void_date"] == ends
    ended_task = wait_until(lambda: next((t for t in sam.tasks(subject_id=case["id"], assignee=sam.sub, status="open")
                                          if t["rule"] == "case_tenancy_ended"), None),
                            timeout=20, interval=0.2, message="the officer's task about the tenancy's end")
    assert ended_task["title"] == (f"Tenancy {tenancy['tenancy_ref']} of case {case['reference']} has ended: "
                                   "close the case or carry on")
    timeline = tara.get("sustainment", f"/cases/{case['id']}").json()["timeline"]
    assert [e["summary"] for e in timeline if e["kind"] == "tenancy_ended"] == [
        f"Tenancy {tenancy['tenancy_ref']} ended on {ends} (transfer)"]
