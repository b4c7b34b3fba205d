"""Sign-up through DocuSign: the pack goes out as an envelope over DocuSign's eSignature REST API
(a local server made here implements the part lettings uses: the OAuth JWT grant, creating,
finding and voiding an envelope), and Connect's HMAC-signed callbacks start the tenancy once,
record a refusal, or are refused when forged; withdrawing the offer voids the envelope. On
PostgreSQL with RabbitMQ and on the embedded backend."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import secrets
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select

from casework.timers import Sweeper
from casework_dev.testing import at_once
from lettings import esign
from lettings.models import SignUpPack
from lettings.service import SERVICE

from .conftest import OFFICER, add_applicant, closed_advert_with_bidders, offer

ACCOUNT = "6f0c2d1e-0000-4000-8000-00000000ac01"
INTEGRATION_KEY = "7c2b8d7e-0000-4000-8000-0000000000ik"
USER_ID = "3f1e5a9c-0000-4000-8000-00000000u5e1"
HMAC_KEY = "connect-hmac-key"
ENVELOPES = re.compile(r"^/restapi/v2\.1/accounts/([^/]+)/envelopes(?:/([^/]+))?$")


class DocuSignServer(ThreadingHTTPServer):
    """The account server's POST /oauth/token for the JWT grant: the assertion's RS256 signature
    checked with the integration's public key, and its iss, sub, aud, exp and scope; a bearer token
    good for ``expires_in`` seconds, which the envelope endpoints require. Envelopes: create (POST /restapi/v2.1/accounts/{accountId}/envelopes) as DocuSign answers it:
    201 with an EnvelopeSummary, 401 for a wrong token, 400 with an errorCode for a malformed envelope;
    and Envelopes: listStatusChanges (GET on the same path) with ``from_date`` and ``custom_field``
    (``name=value``); Envelopes: update (PUT …/envelopes/{envelopeId}) to void one still out, with a
    reason. ``unavailable`` makes the envelope endpoints answer 503 (the provider cannot be reached,
    as far as lettings can tell)."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.envelopes: dict[str, dict] = {}
        self.unavailable = False
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.private_key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                 serialization.NoEncryption())
        self.public_key = key.public_key()
        self.reset()

    def reset(self) -> None:
        self.envelopes.clear()
        self.unavailable = False
        #: Tokens given out, and when each expires (by time.monotonic()).
        self.tokens: dict[str, float] = {}
        self.expires_in = 3600
        self.token_requests = 0
        #: The bearer token of each envelope call, and the envelopes voided, in order.
        self.bearers: list[str] = []
        self.voided: list[str] = []

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
        scheme, _, token = self.headers.get("Authorization", "").partition(" ")
        if found is None or found.group(1) != ACCOUNT:
            self._answer(404, {"errorCode": "ACCOUNT_NOT_FOUND"})
        elif scheme != "Bearer" or self.server.tokens.get(token, 0) <= time.monotonic():
            self._answer(401, {"errorCode": "USER_AUTHENTICATION_FAILED", "message": "bad token"})
        elif self.server.unavailable:
            self._answer(503, {"errorCode": "SERVICE_UNAVAILABLE"})
        else:
            self.server.bearers.append(token)
            return False
        return True

    def _token(self, form: dict[str, list[str]]) -> None:
        """POST /oauth/token with the JWT grant."""
        if form.get("grant_type") != ["urn:ietf:params:oauth:grant-type:jwt-bearer"]:
            return self._answer(400, {"error": "unsupported_grant_type"})
        try:
            claims = jwt.decode(form.get("assertion", [""])[0], self.server.public_key, algorithms=["RS256"],
                                audience=self.server.base_url.removeprefix("http://"), issuer=INTEGRATION_KEY,
                                options={"require": ["iss", "sub", "aud", "iat", "exp"]})
        except jwt.PyJWTError:
            return self._answer(400, {"error": "invalid_grant"})
        if claims["sub"] != USER_ID or not {"signature", "impersonation"} <= set(str(claims.get("scope")).split()):
            return self._answer(400, {"error": "invalid_grant"})
        self.server.token_requests += 1
        token = secrets.token_urlsafe(24)
        self.server.tokens[token] = time.monotonic() + self.server.expires_in
        self._answer(200, {"access_token": token, "token_type": "Bearer", "expires_in": self.server.expires_in})

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
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if urlsplit(self.path).path == "/oauth/token":
            return self._token(parse_qs(raw.decode()))
        envelope = json.loads(raw or b"{}")
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

    def do_PUT(self) -> None:
        change = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        if self._refused():
            return
        envelope_id = ENVELOPES.match(urlsplit(self.path).path).group(2)
        envelope = self.server.envelopes.get(envelope_id or "")
        if envelope is None:
            return self._answer(400, {"errorCode": "ENVELOPE_DOES_NOT_EXIST"})
        if change.get("status") != "voided" or not change.get("voidedReason"):
            return self._answer(400, {"errorCode": "INVALID_REQUEST_PARAMETER"})
        if envelope.get("status") not in ("sent", "delivered"):
            return self._answer(400, {"errorCode": "ENVELOPE_CANNOT_VOID_INVALID_STATE"})
        envelope.update(status="voided", voidedReason=change["voidedReason"])
        self.server.voided.append(envelope_id)
        self._answer(200, {"envelopeId": envelope_id})


@pytest.fixture(scope="module")
def docusign():
    server = DocuSignServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def private_key_file(docusign, tmp_path_factory):
    path = tmp_path_factory.mktemp("docusign") / "integration-key.pem"
    path.write_bytes(docusign.private_key_pem)
    return path


@pytest.fixture(autouse=True)
def through_docusign(docusign, private_key_file, monkeypatch):
    docusign.reset()
    esign.JwtGrant.forget()
    for name, value in {"CASEWORK_ESIGN_PROVIDER": "docusign", "CASEWORK_DOCUSIGN_BASE_URL": docusign.base_url,
                        "CASEWORK_DOCUSIGN_ACCOUNT_ID": ACCOUNT, "CASEWORK_DOCUSIGN_OAUTH_URL": docusign.base_url,
                        "CASEWORK_DOCUSIGN_INTEGRATION_KEY": INTEGRATION_KEY, "CASEWORK_DOCUSIGN_USER_ID": USER_ID,
                        "CASEWORK_DOCUSIGN_PRIVATE_KEY_FILE": str(private_key_file),
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


def test_one_token_from_the_jwt_grant_serves_every_call_until_it_is_about_to_expire(lettings, docusign,
                                                                                    monkeypatch):
    made = accepted_offer(lettings)
    send_pack(lettings, made)
    work(lettings)  # looks for an envelope already made for the pack, then makes one: one token for both
    assert docusign.token_requests == 1
    assert len(docusign.bearers) == 2 and len(set(docusign.bearers)) == 1

    # 59 minutes 30 seconds later (by lettings' clock) the hour's token is within a minute of
    # expiring: it is not used again, the next call gets a new one.
    later = time.monotonic() + 3600 - 30
    monkeypatch.setattr(esign.JwtGrant, "clock", staticmethod(lambda: later))
    lettings.client.post(f"/offers/{made['id']}/withdraw", json={"reason": "Gas check failed."}, headers=OFFICER)
    work(lettings)
    assert docusign.voided == list(docusign.envelopes)
    assert docusign.token_requests == 2 and docusign.bearers[-1] != docusign.bearers[0]


def test_a_token_the_api_refuses_is_renewed_once_per_call(lettings, docusign):
    made = accepted_offer(lettings)
    send_pack(lettings, made)
    docusign.expires_in = -1  # every token it gives is refused at once
    work(lettings)
    assert docusign.token_requests == 2  # the first refused, one renewal, then the call is retried later
    pack = pack_of(lettings, made)
    assert (pack["status"], pack["last_error"]) == ("sending", "HTTP 401: USER_AUTHENTICATION_FAILED")

    docusign.expires_in = 3600
    work(lettings, now=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=31))
    assert docusign.token_requests == 3 and pack_of(lettings, made)["status"] == "sent"
    docusign.tokens.clear()  # DocuSign no longer takes the kept token (revoked, or expired early)
    lettings.client.post(f"/offers/{made['id']}/withdraw", json={"reason": "Gas check failed."}, headers=OFFICER)
    work(lettings)
    assert docusign.token_requests == 4 and docusign.voided == list(docusign.envelopes)


def test_a_static_access_token_is_used_as_it_is_without_an_integration_key(lettings, docusign, monkeypatch):
    monkeypatch.delenv("CASEWORK_DOCUSIGN_INTEGRATION_KEY")
    monkeypatch.setenv("CASEWORK_DOCUSIGN_ACCESS_TOKEN", "a-token-renewed-elsewhere")
    docusign.tokens["a-token-renewed-elsewhere"] = time.monotonic() + 3600
    made = accepted_offer(lettings)
    send_pack(lettings, made)
    work(lettings)
    assert pack_of(lettings, made)["status"] == "sent"
    assert docusign.token_requests == 0 and set(docusign.bearers) == {"a-token-renewed-elsewhere"}


def test_withdrawing_the_offer_voids_its_envelope_once_retrying_while_docusign_is_down(lettings, docusign):
    made = accepted_offer(lettings)
    send_pack(lettings, made)
    work(lettings)
    (envelope_id,) = docusign.envelopes
    docusign.unavailable = True
    r = lettings.client.post(f"/offers/{made['id']}/withdraw", json={"reason": "Gas check failed."}, headers=OFFICER)
    assert r.status_code == 200 and r.json["status"] == "withdrawn", r.json
    assert pack_of(lettings, made)["status"] == "voiding"

    assert work(lettings) == 1
    pack = pack_of(lettings, made)
    assert (pack["status"], pack["last_error"]) == ("voiding", "HTTP 503: SERVICE_UNAVAILABLE")
    assert work(lettings) == 0  # the next attempt waits its delay
    docusign.unavailable = False
    assert work(lettings, now=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=31)) == 1
    assert docusign.voided == [envelope_id]
    voided = docusign.envelopes[envelope_id]
    assert voided["status"] == "voided" and made["reference"] in voided["voidedReason"]
    assert "Gas check" not in voided["voidedReason"]  # the officer's reason stays with the council
    pack = pack_of(lettings, made)
    assert (pack["status"], pack["last_error"]) == ("voided", None)
    assert work(lettings, now=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)) == 0

    # Connect then tells of the void: nobody declined, so the team is not told so.
    assert callback(lettings, *docusign.connect_message(envelope_id, "envelope-voided")).json == {
        "result": "already_recorded"}
    assert lettings.events("lettings.sign_up_pack.not_signed.v1") == []
    assert docusign.voided == [envelope_id]
