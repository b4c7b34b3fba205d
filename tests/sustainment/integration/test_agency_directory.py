"""The agency directory (Open Referral UK) and referrals sent to agencies: importing an export,
setting an agency up, sending a referral by signed webhook (to a local HTTP server made here) or by
e-mail (to a local SMTP server), the agency's answer through its link, and failed deliveries parked
and replayed."""

from __future__ import annotations

import copy
import datetime as dt
import json
import threading
import uuid
from email import message_from_bytes
from email import policy as email_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from casework import signing
from casework.audit import AuditEntry
from casework.timers import Sweeper
from casework_dev.processes import free_port
from sustainment.models import AgencyReferral
from sustainment.service import SERVICE

from .conftest import ADMIN, LEADER, OFFICER, SAMPLE_EXPORT, oruk_service

SECRET = "agency-shared-secret-0123456789"
LATER = dt.datetime(2031, 1, 1, tzinfo=dt.UTC)


def _export() -> dict:
    return json.loads(SAMPLE_EXPORT.read_text(encoding="utf-8"))


def _fire(sustainment) -> None:
    Sweeper(sustainment.db, SERVICE.timers, service="sustainment").fire_due(now=LATER)


class _Receiver(BaseHTTPRequestHandler):
    """An agency's referral endpoint: records each POST and answers with the status it is told to."""

    def do_POST(self):  # noqa: N802 - http.server's hook name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((dict(self.headers), body))
        self.send_response(self.server.answer)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def agency_endpoint(monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _Receiver)
    server.received, server.answer = [], 202
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("CASEWORK_WEBHOOK_ALLOWED_HTTP_HOSTS", "127.0.0.1")
    yield server
    server.shutdown()
    server.server_close()


def _referral(sustainment, case, agency_id, consent=True):
    body = {"agency_id": agency_id, "reason": "Priority debts and rent arrears.", "consent_given": consent}
    if not consent:
        body["safeguarding_reason"] = "Financial abuse by a relative."
    r = sustainment.client.post(f"/cases/{case['id']}/agency-referrals", json=body, headers=OFFICER)
    assert r.status_code == 201, r.json
    return r.json


def _send(sustainment, case, referral):
    return sustainment.client.post(f"/cases/{case['id']}/agency-referrals/{referral['id']}/sending", headers=OFFICER)


# -- the directory -----------------------------------------------------------------------------------


def test_an_oruk_export_is_imported_once_and_imported_again_updates_it(sustainment):
    c = sustainment.client
    r = c.post("/agencies/import", json=_export(), headers=ADMIN)
    assert r.status_code == 200, r.json
    assert r.json == {"created": 4, "updated": 0, "unchanged": 0}
    listed = c.get("/agencies", headers=OFFICER).json
    assert [a["name"] for a in listed] == [
        "Citizens Advice", "Swindon Borough Council Housing: Greenlight to Housing programme",
        "Swindon Borough Council Housing: Tenant Money Advisors",
        "Swindon Emergency Assistance Fund: Emergency Assistance Fund"]
    money = listed[2]
    assert (money["contact_name"], money["contact_phone"], money["email"], money["minimum_age"],
            money["eligibility"], money["delivery"]) == (
        "Tenant Money Advisors", "01793 000002", "money.advice@council.example.org", 18,
        "Council tenants and new tenants at sign-up.", "none")
    assert c.patch(f"/agencies/{money['id']}", json={"chase_working_days": 5}, headers=ADMIN).status_code == 200

    export = _export()
    export["content"][1]["contacts"][0]["phones"][0]["number"] = "01793 999999"
    assert c.post("/agencies/import", json=export, headers=ADMIN).json == {"created": 0, "updated": 1, "unchanged": 3}
    again = c.get(f"/agencies/{money['id']}", headers=OFFICER).json
    assert (again["contact_phone"], again["chase_working_days"]) == ("01793 999999", 5)  # the council's setting kept


def test_a_bad_export_imports_nothing_and_names_each_problem(sustainment):
    export = _export()
    del export["content"][0]["organization"]["name"]
    export["content"][2]["eligibilitys"][0]["minimum_age"] = "sixteen"
    export["content"][3]["id"] = export["content"][1]["id"]
    r = sustainment.client.post("/agencies/import", json=export, headers=ADMIN)
    assert r.status_code == 422
    assert set(r.json["errors"]) == {"content.0.organization.name", "content.2.eligibilitys.0.minimum_age",
                                     "content.3.id"}
    assert sustainment.client.post("/agencies/import", json={"services": []}, headers=ADMIN).status_code == 422
    assert sustainment.client.get("/agencies", headers=OFFICER).json == []
    assert sustainment.client.post("/agencies/import", json=_export(), headers=OFFICER).status_code == 403


def test_an_agency_is_set_up_for_webhooks_only_with_a_url_it_may_reach_and_a_secret(sustainment, agency):
    agency_id = agency("Citizens Advice")
    patch = lambda body: sustainment.client.patch(f"/agencies/{agency_id}", json=body, headers=ADMIN)  # noqa: E731
    assert "webhook_url" in patch({"delivery": "webhook"}).json["errors"]
    assert "webhook_url" in patch({"delivery": "webhook", "webhook_url": "http://10.0.0.5/in",
                                   "webhook_secret": SECRET}).json["errors"]
    assert "webhook_secret" in patch({"delivery": "webhook", "webhook_url": "https://ca.example.org/in"}).json["errors"]
    assert "email" in patch({"delivery": "email"}).json["errors"]
    r = patch({"delivery": "webhook", "webhook_url": "https://ca.example.org/in", "webhook_secret": SECRET})
    assert r.status_code == 200 and "webhook_secret" not in r.json
    assert sustainment.client.patch(f"/agencies/{agency_id}", json={"active": False}, headers=OFFICER).status_code == 403


# -- sending to the agency ----------------------------------------------------------------------------


def test_a_referral_is_sent_by_signed_webhook_with_references_only_and_the_agency_answers_through_its_link(
        sustainment, assigned_case, agency, agency_endpoint):
    case = assigned_case()
    agency_id = agency("Tenant Money Advisors", delivery="webhook", chase_working_days=3,
                       webhook_url=f"http://127.0.0.1:{agency_endpoint.server_port}/referrals", webhook_secret=SECRET)
    referral = _referral(sustainment, case, agency_id)
    r = _send(sustainment, case, referral)
    assert r.status_code == 202, r.json
    assert (r.json["channel"], r.json["status"]) == ("webhook", "pending")
    _fire(sustainment)

    [(headers, body)] = agency_endpoint.received
    assert signing.verify(SECRET, headers, body)
    assert not signing.verify("another-secret-0123456789", headers, body)
    sent = json.loads(body)
    assert (sent["agency_referral_id"], sent["case_reference"]) == (referral["id"], case["reference"])
    assert "Jane Doe" not in body.decode() and "Priority debts" not in body.decode()  # references and a link only
    [delivery] = sustainment.client.get(f"/cases/{case['id']}/agency-referrals/{referral['id']}",
                                        headers=OFFICER).json["deliveries"]
    assert (delivery["status"], delivery["attempts"], delivery["response_status"]) == ("sent", 1, 202)

    # The agency reads what it needs through its link (audited as its read), and answers.
    link = urlsplit(sent["details_url"]).path
    read = sustainment.client.get(link)
    assert read.status_code == 200, read.json
    assert (read.json["tenant"]["name"], read.json["reason"]) == ("Jane Doe", "Priority debts and rent arrears.")
    with sustainment.db.transaction() as session:
        actors = set(session.scalars(select(AuditEntry.actor).where(AuditEntry.record_id == case["id"],
                                                                     AuditEntry.action == "read")))
    assert f"agency:{agency_id}" in actors
    forged = link[:-4] + ("0000" if not link.endswith("0000") else "1111")
    assert sustainment.client.get(forged).status_code == 404
    assert sustainment.client.post(f"{forged}/response", json={"status": "accepted"}).status_code == 404

    answered = sustainment.client.post(urlsplit(sent["respond_url"]).path, json={"status": "accepted"})
    assert answered.status_code == 200, answered.json
    after = sustainment.client.get(f"/cases/{case['id']}/agency-referrals/{referral['id']}", headers=OFFICER).json
    assert (after["status"], after["answered_by"]) == ("accepted", "agency")
    [event] = sustainment.events("sustainment.agency_referral.answered.v1")
    assert event.data["agency_referral_id"] == referral["id"]
    assert sustainment.client.post(urlsplit(sent["respond_url"]).path, json={"status": "declined"}).status_code == 409


def test_a_referral_without_consent_is_never_sent(sustainment, assigned_case, agency):
    case = assigned_case()
    agency_id = agency("Adult social care", delivery="email", email="asc@council.example.org")
    referral = _referral(sustainment, case, agency_id, consent=False)
    r = _send(sustainment, case, referral)
    assert r.status_code == 409
    assert "not consented" in r.json["detail"]
    plain = agency("Greenlight to Housing programme")  # takes no referrals from here
    assert "takes no referrals" in _send(sustainment, case, _referral(sustainment, case, plain)).json["detail"]
    with sustainment.db.transaction() as session:
        assert all(not r.deliveries for r in session.scalars(select(AgencyReferral)))


def test_a_failing_webhook_is_retried_then_parked_and_a_team_leader_replays_it(sustainment, assigned_case, agency,
                                                                               agency_endpoint):
    case = assigned_case()
    agency_id = agency("Emergency Assistance Fund", delivery="webhook", webhook_secret=SECRET,
                       webhook_url=f"http://127.0.0.1:{agency_endpoint.server_port}/referrals")
    referral = _referral(sustainment, case, agency_id)
    agency_endpoint.answer = 503
    delivery = _send(sustainment, case, referral).json
    for _ in range(5):
        _fire(sustainment)
    assert len(agency_endpoint.received) == 5
    [parked] = sustainment.client.get("/agency-deliveries?status=failed", headers=LEADER).json
    assert (parked["id"], parked["attempts"], parked["last_error"]) == (delivery["id"], 5, "HTTP 503")
    _fire(sustainment)
    assert len(agency_endpoint.received) == 5  # parked: not tried again by itself
    assert sustainment.client.get("/agency-deliveries", headers=OFFICER).status_code == 403

    agency_endpoint.answer = 200
    replayed = sustainment.client.post(f"/agency-deliveries/{delivery['id']}/replay", headers=LEADER)
    assert replayed.status_code == 202 and replayed.json["status"] == "pending"
    assert sustainment.client.post(f"/agency-deliveries/{delivery['id']}/replay", headers=LEADER).status_code == 409
    _fire(sustainment)
    assert sustainment.client.get("/agency-deliveries?status=sent", headers=LEADER).json[0]["id"] == delivery["id"]
    assert len(agency_endpoint.received) == 6


class _Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=email_policy.default)))
        return "250 OK"


def test_a_referral_is_sent_by_e_mail_with_a_secure_link(sustainment, assigned_case, agency, monkeypatch):
    mailbox = _Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        monkeypatch.setenv("CASEWORK_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("CASEWORK_SMTP_PORT", str(controller.port))
        case = assigned_case()
        agency_id = agency("Citizens Advice", delivery="email", email="referrals@citizensadvice.example.org")
        referral = _referral(sustainment, case, agency_id)
        assert _send(sustainment, case, referral).status_code == 202
        _fire(sustainment)
    finally:
        controller.stop()
    [(to, message)] = mailbox.messages
    text = message.get_content()
    assert to == ["referrals@citizensadvice.example.org"] and case["reference"] in message["Subject"]
    assert "Jane Doe" not in text and "Priority debts" not in text
    link = next(line for line in text.splitlines() if "/agency-links/" in line)
    assert sustainment.client.get(urlsplit(link).path).json["agency_referral_id"] == referral["id"]


def test_a_referral_made_before_the_directory_keeps_its_agency_and_is_not_sent(sustainment, assigned_case):
    case = assigned_case()
    with sustainment.db.transaction() as session:
        old = AgencyReferral(case_id=uuid.UUID(case["id"]), agency="citizens_advice", reason="Benefits check.",
                             consent_given=True, status="sent", chase_by=dt.date(2030, 1, 1), sent_by="officer-1")
        session.add(old)
        session.flush()
        old_id = str(old.id)
    read = sustainment.client.get(f"/cases/{case['id']}/agency-referrals/{old_id}", headers=OFFICER).json
    assert (read["agency"], read["agency_id"], read["delivery"]) == ("citizens_advice", None, None)
    r = sustainment.client.post(f"/cases/{case['id']}/agency-referrals/{old_id}/sending", headers=OFFICER)
    assert r.status_code == 409 and "before the agency directory" in r.json["detail"]


def test_the_sample_export_reads_as_oruk_services():
    listings = json.loads(SAMPLE_EXPORT.read_text(encoding="utf-8"))["content"]
    assert {s["name"] for s in listings} >= {"Greenlight to Housing programme", "Tenant Money Advisors",
                                             "Emergency Assistance Fund", "Citizens Advice"}
    assert copy.deepcopy(oruk_service("X"))["organization"]["name"] == "X"
