"""``make demo``: a short scenario against a running Casework (``make run`` or ``make up``).

A partner's referral is triaged into a sustainment case and assigned; a void is let to a
high-risk tenant, who gets an onboarding case. Each step is printed, with the tasks each
officer has at the end. Only HTTP is used, as the development officers ``make run`` prints
(and puts in the directory).

Each service is found at ``CASEWORK_<SERVICE>_URL`` if set, else on its standard port plus
``--port-offset`` (default: ``PORT_OFFSET``, as in ``make run PORT_OFFSET=1000``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
import uuid

import requests

from casework.settings import Settings
from casework_dev.embedded import DEMO_TEAMS, DEMO_USERS
from casework_dev.system import Client, local_urls

SECRET = Settings.from_env("casework").jwt_secret


def say(text: str) -> None:
    print(text, flush=True)


def step(number: int, text: str) -> None:
    say(f"\n{number}. {text}")


def ok(response, status: int = 200) -> dict:
    if response.status_code != status:
        sys.exit(f"   ✗ {response.request.method} {response.url} answered {response.status_code}: {response.text}")
    return response.json()


def eventually(what: str, probe, timeout: float = 30):
    """Poll ``probe`` until it returns something: events take a moment to travel."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.3)
    sys.exit(f"   ✗ gave up after {timeout}s waiting for {what}: are the workers running?")


def task_about(officer: Client, subject_id: str, **filters) -> dict:
    return eventually(f"a task about {subject_id}",
                      lambda: next(iter(officer.tasks(subject_id=subject_id, status="open", **filters)), None))


def case_where(officer: Client, **filters) -> dict:
    return eventually("the case", lambda: next(iter(ok(officer.get("sustainment", "/cases", **filters))), None))


def years_ago(years: int) -> str:
    return (dt.date.today() - dt.timedelta(days=365 * years + 30)).isoformat()


def service_urls(port_offset: int) -> dict[str, str]:
    """``CASEWORK_<SERVICE>_URL``, else the standard port plus the offset ``make run`` was given."""
    return {name: os.environ.get(f"CASEWORK_{name.upper()}_URL", url).rstrip("/")
            for name, url in local_urls(port_offset=port_offset).items()}


def check_running(urls: dict[str, str], port_offset: int) -> None:
    """Each URL answers as the Casework service of that name: never drive something else."""
    start = f"make run PORT_OFFSET={port_offset}" if port_offset else "make run"
    for name, url in urls.items():
        try:
            said = requests.get(url + "/healthz", timeout=3).json().get("service")
        except (requests.RequestException, ValueError, AttributeError):
            said = None
        if said != name:
            found = "nothing answers there as Casework" if said is None else f"Casework's {said} service answers there"
            sys.exit(f"Casework's {name} service is not at {url}: {found}.\n"
                     f"Start Casework first ({start}, or make up, in another terminal), or give the demo the "
                     f"offset make run was given (make demo PORT_OFFSET=…) or each service's CASEWORK_<SERVICE>_URL.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port-offset", type=int, default=int(os.environ.get("PORT_OFFSET") or 0),
                        help="as given to `make run PORT_OFFSET=…` (default: $PORT_OFFSET or 0)")
    port_offset = parser.parse_args().port_offset
    urls = service_urls(port_offset)
    check_running(urls, port_offset)
    people = {sub: Client(urls, sub, *roles, secret=SECRET, name=name) for sub, roles, name in DEMO_USERS}
    partner, iris = people["partner-system-1"], people["intake-officer-1"]
    sam, lee, tara, ada = (people[s] for s in ("sustainment-officer-1", "lettings-officer-1", "team-leader-1",
                                                "admin-1"))

    step(1, "The officers are in the directory (notifications) with their teams: make run put them there.")
    teams = {team["slug"]: team for team in ok(ada.get("notifications", "/teams", page_size=100))}
    for slug, *_ in DEMO_TEAMS:
        if slug not in teams:
            sys.exit(f"   ✗ there is no {slug} team in the directory: was this Casework started by make run or make up?")
        members = [officer["id"] for officer in ok(ada.get("notifications", "/officers", team=slug, page_size=100))]
        leader = f", led by {teams[slug]['manager_id']}" if teams[slug]["manager_id"] else ""
        say(f"   {teams[slug]['name']}: {', '.join(members)}{leader}")

    step(2, "The income recovery system refers a tenant with rent arrears who has mentioned feeling low.")
    referral = ok(partner.post("intake", "/referrals", {
        "source": {"system": "income_recovery", "team": "Income Recovery (North)",
                   "referrer": {"name": "Sam Patel", "email": "sam.patel@council.example", "phone": "01908 000000"}},
        "person": {"name": "Alex Morgan", "date_of_birth": "1984-03-02", "phone": "07700 900123",
                   "email": "alex.morgan@example.com", "address": "Flat 4, 12 Station Road, MK9 1AA"},
        "tenancy_ref": f"T-{uuid.uuid4().hex[:7].upper()}", "uprn": "25001234",
        "reasons": ["rent_arrears", "mental_health"], "arrears_balance": "1300.00", "weekly_rent": "130.00",
        "details": "Stopped engaging with the income team.",
        "consent": {"given": True, "method": "verbal", "recorded_by": "Sam Patel"}}), 201)
    risk = referral["risk"]
    say(f"   intake: referral {referral['reference']} received, risk {risk['level']} ({risk['score']} points: "
        + ", ".join(f"{f['code']} {f['points']}" for f in risk["factors"]) + f"), triage due {referral['triage_due']}")
    triage = task_about(iris, referral["id"])
    say(f"   notifications: the intake team has a task: \"{triage['title']}\" ({triage['priority']})")

    step(3, "The intake officer accepts the referral.")
    ok(iris.post("intake", f"/referrals/{referral['id']}/triage", {"outcome": "accept"}))
    case = case_where(sam, referral_id=referral["id"])
    say(f"   sustainment: case {case['reference']} opened, risk {case['risk_level']}, "
        f"first contact due {case['first_contact_due']}")
    eventually("the triage task to close", lambda: not iris.tasks(subject_id=referral["id"], status="open"))
    say("   notifications: the triage task closed itself")
    assign = task_about(tara, case["id"])
    say(f"   notifications: the sustainment team has a task: \"{assign['title']}\"")

    step(4, "The team leader assigns the case to a sustainment officer.")
    ok(tara.post("sustainment", f"/cases/{case['id']}/assignment", {"officer_id": sam.sub}))
    first = task_about(sam, case["id"], assignee=sam.sub)
    say(f"   notifications: {sam.sub} has a task: \"{first['title']}\" due {first['due']}")
    message = eventually("the message", lambda: next((n for n in sam.inbox() if n["subject"]
                                                      and n["subject"]["id"] == case["id"]), None))
    say(f"   notifications: {sam.sub}'s inbox: \"{message['message']}\"")

    step(5, "A two-bedroom flat goes void and is advertised.")
    prop = ok(lee.post("lettings", "/properties", {
        "address": "Flat 3, 12 Fleming Way, Swindon SN1 2NG", "uprn": str(uuid.uuid4().int)[:12],
        "property_type": "flat", "bedrooms": 2, "floor": 0, "wheelchair_accessible": False,
        "weekly_rent": "98.00", "service_charge": "7.00"}), 201)
    ok(lee.post("lettings", f"/properties/{prop['id']}/void",
                {"void_date": (dt.date.today() - dt.timedelta(days=21)).isoformat(), "reason": "transfer"}), 201)
    closes = (dt.datetime.now(dt.UTC) + dt.timedelta(days=7)).isoformat()
    advert = ok(lee.post("lettings", "/adverts", {"property_id": prop["id"], "closes_at": closes}), 201)
    say(f"   lettings: property void since 21 days ago; advert {advert.get('reference', advert['id'])} published")

    step(6, "Two households bid; the advert closes and the shortlist is ranked by the allocation scheme.")
    bidders = []
    for band, needs in (("B", []), ("A", ["mental_health"])):
        household = [{"name": "Applicant", "date_of_birth": years_ago(35), "sex": "F", "relationship": "applicant"},
                     {"name": "Child", "date_of_birth": years_ago(6), "sex": "M", "relationship": "child"},
                     {"name": "Child", "date_of_birth": years_ago(4), "sex": "F", "relationship": "child"}]
        applicant = ok(lee.post("lettings", "/applicants", {
            "household": household, "band": band, "effective_date": "2024-01-10",
            "income": {"monthly_net": "2100.00", "monthly_outgoings": "900.00"}, "support_needs": needs,
            "contact": {"phone": "07700 900123", "email": "tenant@example.org"}}), 201)
        ok(lee.post("lettings", f"/adverts/{advert['id']}/bids", {"applicant_id": applicant["id"]}), 201)
        bidders.append(applicant)
        say(f"   lettings: applicant {applicant.get('reference', applicant['id'])} (band {band}, needs "
            f"{applicant['bedroom_need']} bedrooms{', support needs' if needs else ''}) bid")
    ok(lee.post("lettings", f"/adverts/{advert['id']}/close"))
    shortlist = ok(lee.get("lettings", f"/adverts/{advert['id']}/shortlist"))
    for row in shortlist["ranked"]:
        say(f"   shortlist {row['position']}: band {row['band']}, effective {row['effective_date']}")

    step(7, "The top bidder is offered the home and accepts; checks pass; they sign up.")
    offer = ok(lee.post("lettings", f"/adverts/{advert['id']}/offers"), 201)
    chase = task_about(lee, offer["id"])
    say(f"   lettings: offer {offer['reference']} made; notifications: \"{chase['title']}\" due {chase['due']}")
    ok(lee.post("lettings", f"/offers/{offer['id']}/accept"))
    checks = ok(lee.post("lettings", f"/offers/{offer['id']}/checks"), 201)
    say(f"   lettings: offer accepted; checks {checks['result']} (monthly residual £{checks['residual_monthly']})")
    tenancy = ok(lee.post("lettings", f"/offers/{offer['id']}/sign-up",
                          {"tenancy_start": dt.date.today().isoformat()}), 201)
    say(f"   lettings: tenancy {tenancy['tenancy_ref']} starts today; high-risk: {tenancy['high_risk']} "
        f"({', '.join(tenancy.get('high_risk_reasons', []))})")
    eventually("the chase task to close", lambda: not lee.tasks(subject_id=offer["id"], status="open"))
    say("   notifications: the chase task closed itself")

    step(8, "Sustainment opens an onboarding case for the high-risk new tenant.")
    onboarding = case_where(sam, tenancy_ref=tenancy["tenancy_ref"])
    say(f"   sustainment: onboarding case {onboarding['reference']}, settling-in visit due "
        f"{onboarding['settling_in_due']}")
    assign = task_about(tara, onboarding["id"])
    say(f"   notifications: the sustainment team has a task: \"{assign['title']}\"")
    ok(tara.post("sustainment", f"/cases/{onboarding['id']}/assignment", {"officer_id": sam.sub}))
    visit = task_about(sam, onboarding["id"], assignee=sam.sub)
    say(f"   the team leader assigned it: {sam.sub} has \"{visit['title']}\"")

    step(9, "What each officer has to do now (open tasks they see, their own and their teams').")
    for officer in (iris, sam, lee, tara):
        tasks = officer.tasks(status="open")
        say(f"   {officer.sub}: {len(tasks)} open task(s)")
        for task in tasks[:8]:
            who = task["assignee"] or f"team {task['team']}"
            say(f"     - {task['title']}  [{who}, due {(task['due'] or '-')[:16]}]")
    say("\nDone.")


if __name__ == "__main__":
    main()
