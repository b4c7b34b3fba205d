"""Least data on the bus: a queue bound with ``#`` on the exchange sees every event of journeys 1
(a referral about a person with health and safeguarding reasons, accepted, a case opened, the
tenant referred to mental-health services) and 2
(a void let to a high-risk applicant with support needs, an onboarding case opened). Every event is
consumed by a service that does not own the person's record (notifications takes them all), so no
event may carry a name, date of birth, phone, e-mail, address or special-category code in the
clear. Sustainment still opens both cases with the person's details: they travel sealed for it."""

from __future__ import annotations

import datetime as dt
import json
import uuid

from kombu import Connection, Queue
from privacy_journey import PEOPLE, REFERRAL, referral_to_assigned_case

from casework.bus.topology import events_exchange
from casework.contracts import catalogue
from casework.events import make, parse
from casework_dev.testing import bearer, wait_until

LETTINGS = bearer("lee-lettings", "lettings_officer")
TENANT, TENANT_BORN = "Ottoline Fairweather-Nkemelu", dt.date(1979, 3, 23)
TENANT_PHONE, TENANT_EMAIL = "07700 900456", "o.fairweather@example.org"
HOME = "Flat 3, 12 Fleming Way, Swindon SN1 2NG"

#: Special-category codes (health, safeguarding, abuse, disability, offending) a referral, a tenant's
#: support needs or an agency referral (``mental_health_services``, ``probation``) may carry.
SPECIAL = ("mental_health", "physical_health", "substance_misuse", "domestic_abuse", "safeguarding_adult",
           "safeguarding_child", "disability", "probation", "police", "childrens_services", "adult_social_care")

PERSONAL = (
    *REFERRAL["person"]["name"].lower().replace("-", " ").split(), REFERRAL["person"]["date_of_birth"],
    REFERRAL["person"]["phone"], REFERRAL["person"]["phone"].replace(" ", ""), REFERRAL["person"]["email"],
    "station road", "mk9 1aa",
    *TENANT.lower().replace("-", " ").split(), TENANT_BORN.isoformat(), TENANT_PHONE, TENANT_PHONE.replace(" ", ""),
    TENANT_EMAIL, "fleming way", "sn1 2ng",
)


class Tap:
    """A queue bound with ``#`` on the test's exchange: a copy of every event published."""

    def __init__(self, settings) -> None:
        self.connection = Connection(settings.broker_url)
        self.queue = Queue(f"{settings.queue_prefix}tap.{uuid.uuid4().hex[:8]}", exchange=events_exchange(settings),
                           routing_key="#", exclusive=True, durable=False)
        self.queue(self.connection.default_channel).declare()

    def drain(self) -> list[str]:
        bodies, bound = [], self.queue(self.connection.default_channel)
        while (message := bound.get(no_ack=True)) is not None:
            bodies.append(message.body.decode() if isinstance(message.body, bytes) else message.body)
        return bodies

    def close(self) -> None:
        self.connection.release()


def leaks(body: str) -> list[str]:
    """What of the person, or which special-category code, the event carries in the clear when a
    service other than its producer consumes it."""
    event = parse(body)
    contract = catalogue.get(event.type)
    if not set(contract.consumers) - {contract.producer}:
        return []
    text = json.dumps(event.data).lower()
    return [f"{word!r} in {event.type}" for word in (*PERSONAL, *SPECIAL) if word in text]


def void_to_onboarding_case(system) -> dict:
    """The second journey, shortened to what reaches the bus: a void let to a high-risk applicant,
    signed up, and the onboarding case sustainment opens; returns the case."""
    lettings = system.lettings.client

    def post(path: str, body: dict | None = None) -> dict:
        r = lettings.post(path, json=body or {}, headers=LETTINGS)
        assert r.status_code in (200, 201), (path, r.json)
        return r.json

    home = post("/properties", {"address": HOME, "uprn": str(uuid.uuid4().int)[:12], "property_type": "flat",
                                "bedrooms": 1, "floor": 0, "wheelchair_accessible": False,
                                "weekly_rent": "98.00", "service_charge": "7.00"})
    post(f"/properties/{home['id']}/void", {"void_date": (dt.date.today() - dt.timedelta(days=21)).isoformat(),
                                            "reason": "transfer"})
    advert = post("/adverts", {"property_id": home["id"],
                               "closes_at": (dt.datetime.now(dt.UTC) + dt.timedelta(days=7)).isoformat()})
    applicant = post("/applicants", {
        "household": [{"name": TENANT, "date_of_birth": TENANT_BORN.isoformat(), "sex": "F",
                       "relationship": "applicant"}],
        "band": "B", "effective_date": "2024-01-10", "application_date": "2023-12-01",
        "income": {"monthly_net": "2100.00", "monthly_outgoings": "900.00"},
        "contact": {"phone": TENANT_PHONE, "email": TENANT_EMAIL}, "support_needs": ["mental_health"]})
    post(f"/adverts/{advert['id']}/bids", {"applicant_id": applicant["id"]})
    post(f"/adverts/{advert['id']}/close")
    offer = post(f"/adverts/{advert['id']}/offers")
    post(f"/offers/{offer['id']}/accept")
    post(f"/offers/{offer['id']}/checks")
    tenancy = post(f"/offers/{offer['id']}/sign-up", {"tenancy_start": dt.date.today().isoformat()})
    assert tenancy["high_risk"] is True

    def opened():
        found = system.sustainment.client.get(f"/cases?tenancy_ref={tenancy['tenancy_ref']}",
                                              headers=PEOPLE.team_leader).json
        return found[0] if found else None

    return wait_until(opened, timeout=30, message="sustainment to open the onboarding case")


def test_no_event_carries_a_person_or_a_special_category_code_in_the_clear(system):
    tap = Tap(system.intake.settings)
    try:
        referral = {**REFERRAL, "reasons": ["rent_arrears", "mental_health", "safeguarding_adult"]}
        first = referral_to_assigned_case(system, referral)
        service = {"id": "mental-health", "name": "Mental health services", "organization": {"name": "NHS trust"}}
        assert system.sustainment.client.post("/agencies/import", headers=PEOPLE.admin,
                                              json=[service]).status_code == 200
        [mental_health] = system.sustainment.client.get("/agencies", headers=PEOPLE.admin).json
        r = system.sustainment.client.post(f"/cases/{first['case_id']}/agency-referrals", headers=PEOPLE.sustainment_officer,
                                           json={"agency_id": mental_health["id"], "consent_given": True,
                                                 "reason": "Assessment for the tenant's low mood."})
        assert r.status_code == 201, r.json
        onboarding = void_to_onboarding_case(system)
        # The cases were opened with the person's details: sustainment's officers have what they need.
        case = system.sustainment.client.get(f"/cases/{first['case_id']}", headers=PEOPLE.team_leader).json
        assert (case["tenant"]["name"], case["tenant"]["date_of_birth"]) == (REFERRAL["person"]["name"],
                                                                            REFERRAL["person"]["date_of_birth"])
        assert {"mental_health", "safeguarding_adult"} <= set(case["reasons"])
        case = system.sustainment.client.get(f"/cases/{onboarding['id']}", headers=PEOPLE.team_leader).json
        assert (case["tenant"]["name"], case["tenant"]["phone"], case["tenant"]["address"]) == (
            TENANT, TENANT_PHONE, HOME)
        assert case["support_needs"] == ["mental_health"]
        bodies = wait_until(lambda: (found := tap.drain()) and found, timeout=10, message="the tapped events")
    finally:
        tap.close()

    keys = {parse(body).type.removeprefix("casework.").rsplit(".", 1)[0] for body in bodies}
    assert {"intake.referral.received", "intake.referral.accepted", "sustainment.case.opened",
            "sustainment.agency_referral.made", "lettings.tenancy.started"} <= keys
    assert leaks(make("intake.referral.withdrawn.v1", subject="x", data={"reasons": ["mental_health"]}).to_json())
    assert [leak for body in bodies for leak in leaks(body)] == []
