"""Sign-up through DocuSign: the pack goes out as an envelope over DocuSign's eSignature REST API
(a local server made here implements the part lettings uses: creating an envelope), and Connect's
HMAC-signed callbacks start the tenancy once, record a refusal, or are refused when forged. On
PostgreSQL with RabbitMQ and on the embedded backend."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from casework.timers import Sweeper
from casework_dev.testing import at_once
from lettings import esign
from lettings.models import SignUpPack
from lettings.service import SERVICE

from .conftest import OFFICER, add_applicant, closed_advert_with_bidders, offer

ACCOUNT = "6f0c2d1e-0000-4000-8000-00000000ac01"
TOKEN = "an-access-token-from-the-jwt-grant"
HMAC_KEY = "connect-hmac-key"
ENVELOPES = re.compile(r"^/restapi/v2\.1/accounts/([^/]+)/envelopes$")


class DocuSignServer(ThreadingHTTPServer):
    """Envelopes: create (POST /restapi/v2.1/accounts/{accountId}/envelopes) as DocuSign answers it:
    201 with an EnvelopeSummary, 401 for a wrong token, 400 with an errorCode for a malformed envelope;
    and Envelopes: listStatusChanges (GET on the same path) with ``from_date`` and ``custom_field``
    (``name=value``). ``unavailable`` makes it answer 503 (the provider cannot be reached, as far as
    lettings can tell)."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.envelopes: dict[str, dict] = {}
        self.unavailable = False

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def connect_message(self, envelope_id: str, event: str, key: str = HMAC_KEY) -> tuple[bytes, dict]:
        """What Connect POSTs about an envelope: a JSON SIM message, HMAC-signed with the account's key."""
        body = json.dumps({"event": event, "apiVersion": "v2.1", "retryCount": 0, "configurationId": 10501,
                           "generatedDateTime": "2026-12-08T07:00:00.0000000Z",
                           "uri": f"/restapi/v2.1/accounts/{ACCOUNT}/envelopes/{envelope_id}",
                           "data": {"accountId": ACCOUNT, "userId": str(uuid.uuid4()), "envelopeId": envelope_id}},
                          indent=2).encode()
        signature = esign.connect_signature(key, body)
        return body, {"Content-Type": "application/json", "X-DocuSign-Signature-1": signature,
                      "x-authorization-digest": "HMACSHA256"}


class _Handler(BaseHTTPRequestHandler):
    server: DocuSignServer

    def log_message(self, *args) -> None:
        pass

    def _answer(self, status: int, body: dict) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _refused(self) -> bool:
        found = ENVELOPES.match(urlsplit(self.path).path)
        if found is None or found.group(1) != ACCOUNT:
            self._answer(404, {"errorCode": "ACCOUNT_NOT_FOUND"})
        elif self.headers.get("Authorization") != f"Bearer {TOKEN}":
            self._answer(401, {"errorCode": "USER_AUTHENTICATION_FAILED", "message": "bad token"})
        elif self.server.unavailable:
            self._answer(503, {"errorCode": "SERVICE_UNAVAILABLE"})
        else:
            return False
        return True

    def do_GET(self) -> None:
        if self._refused():
            return
        query = parse_qs(urlsplit(self.path).query)
        if not query.get("from_date"):
            return self._answer(400, {"errorCode": "INVALID_REQUEST_PARAMETER"})
        name, _, value = query.get("custom_field", [""])[0].partition("=")
        found = [{"envelopeId": envelope_id, "status": "sent"} for envelope_id, envelope in self.server.envelopes.items()
                 if not name or {"name": name, "value": value}.items() <= next(
                     (f for f in envelope["customFields"]["textCustomFields"] if f["name"] == name), {}).items()]
        self._answer(200, {"resultSetSize": str(len(found)), "totalSetSize": str(len(found)), "envelopes": found})

    def do_POST(self) -> None:
        envelope = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        if self._refused():
            return
        signers = (envelope.get("recipients") or {}).get("signers") or []
        documents = envelope.get("documents") or []
        if not documents or not all(d.get("documentBase64") and d.get("documentId") for d in documents):
            return self._answer(400, {"errorCode": "INVALID_REQUEST_PARAMETER"})
        if not signers or not all(s.get("email") and s.get("name") and s.get("recipientId") for s in signers):
            return self._answer(400, {"errorCode": "INVALID_EMAIL_ADDRESS_FOR_RECIPIENT"})
        envelope_id = str(uuid.uuid4())
        self.server.envelopes[envelope_id] = envelope
        self._answer(201, {"envelopeId": envelope_id, "uri": f"/envelopes/{envelope_id}",
                           "statusDateTime": "2026-12-08T07:00:00.0000000Z", "status": envelope.get("status")})


@pytest.fixture(scope="module")
def docusign():
    server = DocuSignServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def through_docusign(docusign, monkeypatch):
    docusign.unavailable = False
    docusign.envelopes.clear()
    for name, value in {"CASEWORK_ESIGN_PROVIDER": "docusign", "CASEWORK_DOCUSIGN_BASE_URL": docusign.base_url,
                        "CASEWORK_DOCUSIGN_ACCOUNT_ID": ACCOUNT, "CASEWORK_DOCUSIGN_ACCESS_TOKEN": TOKEN,
                        "CASEWORK_DOCUSIGN_HMAC_KEY": HMAC_KEY, "CASEWORK_DOCUSIGN_TIMEOUT": "5",
                        "CASEWORK_ESIGN_MAX_ATTEMPTS": "2", "CASEWORK_ESIGN_RETRY_SECONDS": "30",
                        "CASEWORK_ESIGN_CALLBACK_URL": "https://lettings.example.gov.uk/sign-up-packs/callback"}.items():
        monkeypatch.setenv(name, value)


def accepted_offer(lettings) -> dict:
    applicant = add_applicant(lettings)
    advert = closed_advert_with_bidders(lettings, applicant)
    made = offer(lettings, advert).json
    assert lettings.client.post(f"/offers/{made['id']}/accept", headers=OFFICER).status_code == 200
    return made


def send_pack(lettings, made: dict, **terms):
    body = {"tenancy_start": dt.date.today().isoformat(), **terms}
    return lettings.client.post(f"/offers/{made['id']}/sign-up-pack", json=body, headers=OFFICER)


def work(lettings, now: dt.datetime | None = None) -> int:
    """What the worker's timer sweeper does (sending packs), now or at a later time."""
    return Sweeper(lettings.db, SERVICE.timers, service="lettings").fire_due(now=now)


def pack_of(lettings, made: dict) -> dict:
    r = lettings.client.get(f"/offers/{made['id']}/sign-up-pack", headers=OFFICER)
    assert r.status_code == 200, r.json
    return r.json


def callback(lettings, body: bytes, headers: dict):
    return lettings.client.post("/sign-up-packs/callback", data=body, headers=headers)


def test_the_pack_goes_out_as_an_envelope_and_signing_starts_the_tenancy_once(lettings, docusign):
    made = accepted_offer(lettings)
    r = send_pack(lettings, made, tenancy_type="secure")
    assert r.status_code == 201, r.json
    assert (r.json["status"], r.json["provider"], r.json["envelope_id"]) == ("sending", "docusign", None)

    assert work(lettings) == 1
    (envelope_id, envelope), = docusign.envelopes.items()
    assert envelope["status"] == "sent"
    (signer,) = envelope["recipients"]["signers"]
    assert signer["email"] == "tenant@example.org"
    agreement = base64.b64decode(envelope["documents"][0]["documentBase64"]).decode()
    assert "Tenancy agreement" in agreement and "12 Fleming Way" in agreement and "secure tenant" in agreement
    assert envelope["eventNotification"]["url"] == "https://lettings.example.gov.uk/sign-up-packs/callback"
    assert envelope["eventNotification"]["includeHMAC"] == "true"
    pack = pack_of(lettings, made)
    assert (pack["status"], pack["envelope_id"], pack["attempts"]) == ("sent", envelope_id, 1)
    # Waiting for the signature, the offer is still accepted and nothing has started.
    assert lettings.client.get(f"/offers/{made['id']}", headers=OFFICER).json["status"] == "accepted"
    assert lettings.events("lettings.tenancy.started.v2") == []

    # Connect tells of the envelope being sent first (nothing changes), then completed, twice.
    assert callback(lettings, *docusign.connect_message(envelope_id, "envelope-sent")).json == {"result": "ignored"}
    signed = docusign.connect_message(envelope_id, "envelope-completed")
    assert callback(lettings, *signed).json == {"result": "signed"}
    assert callback(lettings, *signed).json == {"result": "already_recorded"}

    assert lettings.client.get(f"/offers/{made['id']}", headers=OFFICER).json["status"] == "signed_up"
    (started,) = lettings.events("lettings.tenancy.started.v2")
    assert started.data["offer_id"] == made["id"] and started.data["tenancy_type"] == "secure"
    pack = pack_of(lettings, made)
    assert (pack["status"], pack["provider_event"], pack["note"]) == ("signed", "envelope-completed", None)


def test_a_forged_callback_is_refused_and_changes_nothing(lettings, docusign):
    made = accepted_offer(lettings)
    send_pack(lettings, made)
    work(lettings)
    (envelope_id,) = docusign.envelopes
    forged_body, forged_headers = docusign.connect_message(envelope_id, "envelope-completed", key="a-guess")
    body, headers = docusign.connect_message(envelope_id, "envelope-completed")
    tampered = body.replace(envelope_id.encode(), str(uuid.uuid4()).encode())
    for attempt in ((forged_body, forged_headers), (tampered, headers),
                    (body, {"Content-Type": "application/json"})):
        r = callback(lettings, *attempt)
        assert r.status_code == 401 and r.mimetype == "application/problem+json", r.data
    assert pack_of(lettings, made)["status"] == "sent"
    assert lettings.client.get(f"/offers/{made['id']}", headers=OFFICER).json["status"] == "accepted"
    assert lettings.events("lettings.tenancy.started.v2") == []
    # A genuine callback about an envelope lettings never sent is not found.
    assert callback(lettings, *docusign.connect_message(str(uuid.uuid4()), "envelope-completed")).status_code == 404


def test_a_declined_pack_tells_the_team_and_the_tenancy_can_still_be_signed_up_in_person(lettings, docusign):
    made = accepted_offer(lettings)
    send_pack(lettings, made)
    work(lettings)
    (envelope_id,) = docusign.envelopes
    assert callback(lettings, *docusign.connect_message(envelope_id, "envelope-declined")).json == {"result": "declined"}
    assert callback(lettings, *docusign.connect_message(envelope_id, "envelope-completed")).json == {
        "result": "already_recorded"}

    (told,) = lettings.events("lettings.sign_up_pack.not_signed.v1")
    assert (told.data["offer_id"], told.data["outcome"]) == (made["id"], "declined")
    assert set(told.data) == {"offer_id", "reference", "advert_id", "property_id", "applicant_id",
                              "sign_up_pack_id", "outcome"}
    assert pack_of(lettings, made)["status"] == "declined"
    assert lettings.events("lettings.tenancy.started.v2") == []
    r = lettings.client.post(f"/offers/{made['id']}/sign-up", json={"tenancy_start": dt.date.today().isoformat()},
                             headers=OFFICER)
    assert r.status_code == 201, r.json
    assert len(lettings.events("lettings.tenancy.started.v2")) == 1


def test_sending_is_retried_with_a_delay_then_parked_and_can_be_sent_again(lettings, docusign):
    made = accepted_offer(lettings)
    send_pack(lettings, made)
    docusign.unavailable = True
    assert work(lettings) == 1
    pack = pack_of(lettings, made)
    assert (pack["status"], pack["attempts"], pack["last_error"]) == ("sending", 1, "HTTP 503: SERVICE_UNAVAILABLE")
    assert work(lettings) == 0  # the next attempt waits its delay
    assert work(lettings, now=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=31)) == 1
    pack = pack_of(lettings, made)
    assert (pack["status"], pack["attempts"]) == ("failed", 2)
    (told,) = lettings.events("lettings.sign_up_pack.not_signed.v1")
    assert told.data["outcome"] == "not_sent"

    docusign.unavailable = False
    r = lettings.client.post(f"/offers/{made['id']}/sign-up-pack/send-again", headers=OFFICER)
    assert r.status_code == 200 and (r.json["status"], r.json["attempts"]) == ("sending", 0), r.json
    assert send_pack(lettings, made).status_code == 409
    work(lettings)
    assert pack_of(lettings, made)["status"] == "sent" and len(docusign.envelopes) == 1
    assert lettings.client.post(f"/offers/{made['id']}/sign-up-pack/send-again", headers=OFFICER).status_code == 409


def test_a_pack_is_only_sent_for_an_accepted_offer_to_an_applicant_with_an_email(lettings):
    applicant = add_applicant(lettings, contact={"phone": "07700 900123"})
    advert = closed_advert_with_bidders(lettings, applicant)
    made = offer(lettings, advert).json
    assert send_pack(lettings, made).status_code == 409  # pending
    assert lettings.client.post(f"/offers/{made['id']}/accept", headers=OFFICER).status_code == 200
    r = send_pack(lettings, made)
    assert r.status_code == 409 and "no e-mail address" in r.json["detail"], r.json
    with lettings.db.transaction() as session:
        assert session.scalars(select(SignUpPack)).all() == []


def test_callbacks_delivered_together_with_an_in_person_sign_up_start_one_tenancy(lettings, docusign):
    made = accepted_offer(lettings)
    send_pack(lettings, made)
    work(lettings)
    (envelope_id,) = docusign.envelopes
    body, headers = docusign.connect_message(envelope_id, "envelope-completed")

    def deliver():
        client = lettings.app.test_client()
        return lambda: client.post("/sign-up-packs/callback", data=body, headers=headers)

    in_person = lettings.app.test_client()
    answers = at_once(deliver(), deliver(), lambda: in_person.post(
        f"/offers/{made['id']}/sign-up", json={"tenancy_start": dt.date.today().isoformat()}, headers=OFFICER))

    assert all(r.status_code < 500 for r in answers), [(r.status_code, r.json) for r in answers]
    assert len(lettings.events("lettings.tenancy.started.v2")) == 1
    assert lettings.client.get(f"/offers/{made['id']}", headers=OFFICER).json["status"] == "signed_up"
    assert pack_of(lettings, made)["status"] == "signed"
    # Whichever lost, the provider is answered as it retries (a conflict, or the answer recorded).
    assert callback(lettings, body, headers).json == {"result": "already_recorded"}


def test_a_send_whose_answer_was_lost_finds_its_envelope_instead_of_sending_a_second(lettings, docusign):
    made = accepted_offer(lettings)
    pack = send_pack(lettings, made).json
    # DocuSign made the envelope, but the worker died before it recorded the answer.
    docusign.envelopes["made-before"] = {"customFields": {"textCustomFields": [
        {"name": "casework_sign_up_pack", "value": pack["id"]}]}}
    docusign.envelopes["another-pack"] = {"customFields": {"textCustomFields": [
        {"name": "casework_sign_up_pack", "value": str(uuid.uuid4())}]}}
    work(lettings)
    assert pack_of(lettings, made)["envelope_id"] == "made-before"
    assert len(docusign.envelopes) == 2


def test_a_pack_signed_after_the_offer_was_withdrawn_starts_nothing_and_tells_the_team(lettings, docusign):
    made = accepted_offer(lettings)
    send_pack(lettings, made)
    work(lettings)
    (envelope_id,) = docusign.envelopes
    r = lettings.client.post(f"/offers/{made['id']}/withdraw", json={"reason": "The home failed its gas check."},
                             headers=OFFICER)
    assert r.status_code == 200, r.json
    assert callback(lettings, *docusign.connect_message(envelope_id, "envelope-completed")).json == {"result": "signed"}
    assert lettings.events("lettings.tenancy.started.v2") == []
    (told,) = lettings.events("lettings.sign_up_pack.not_signed.v1")
    assert told.data["outcome"] == "signed_too_late"
    pack = pack_of(lettings, made)
    assert pack["status"] == "signed" and pack["note"].startswith("Signed, but no tenancy was started")


def test_the_agreement_sent_is_in_the_households_export_and_goes_when_the_application_is_anonymised(lettings,
                                                                                                   docusign):
    from casework import privacy
    from casework_dev.testing import bearer
    from lettings.privacy import RETENTION

    from .conftest import person

    lead = person(name="Priya Okonkwo-Hale") | {"date_of_birth": "1988-07-09"}
    applicant = add_applicant(lettings, household=[lead, person("child", 6, "M")])
    made = offer(lettings, closed_advert_with_bidders(lettings, applicant)).json
    assert lettings.client.post(f"/offers/{made['id']}/accept", headers=OFFICER).status_code == 200
    send_pack(lettings, made)
    work(lettings)
    (envelope_id,) = docusign.envelopes
    callback(lettings, *docusign.connect_message(envelope_id, "envelope-declined"))
    lettings.client.post(f"/offers/{made['id']}/withdraw", json={"reason": "Declined to sign."}, headers=OFFICER)
    lettings.client.post(f"/applicants/{applicant['id']}/status", json={"status": "cancelled", "reason": "Moved away."},
                         headers=OFFICER)

    export = lettings.client.get("/subjects/export", query_string={"name": "Priya Okonkwo-Hale",
                                                                   "date_of_birth": "1988-07-09"},
                                 headers=bearer("leader-1", "team_leader")).json
    (sent,) = [r["data"] for r in export["records"] if r["record_type"] == "sign_up_pack"]
    assert sent["status"] == "declined" and "Dear Priya Okonkwo-Hale" in sent["document"]

    with lettings.db.transaction() as session:
        privacy.sweep(session, RETENTION, service="lettings", now=dt.datetime.now(dt.UTC) + dt.timedelta(days=365 * 3))
    with lettings.db.transaction() as session:
        (kept,) = session.scalars(select(SignUpPack)).all()
        assert (kept.document, kept.status, kept.anonymised_at is not None) == (None, "declined", True)
