"""E-mails, texts and letters through GOV.UK Notify with its official client, against a local
server that implements the part of Notify's published API the client uses: ``POST
/v2/notifications/{email,sms,letter}``, each request authenticated by a JWT (HS256, ``iss`` the
service id, ``iat`` within 30 seconds) signed with the API key's secret. Then Notify's delivery
receipts at ``/govuk-notify/receipts``, authenticated by the callback's bearer token."""

import datetime as dt
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from notifications_support import ADMIN, add_directory, case, fire_timers, handle, referral

from casework_dev.testing import bearer

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"casework_test-{SERVICE_ID}-{SECRET}"
CALLBACK_TOKEN = "notify-callback-token-0123456789"
TEMPLATES = {"officer_email": "0e0b3b3e-0000-4000-8000-000000000001",
             "visit_reminder": "0e0b3b3e-0000-4000-8000-000000000002",
             "visit_letter": "0e0b3b3e-0000-4000-8000-000000000003"}
TSO = bearer("o-tso", "sustainment_officer")
RECIPIENT = {"email": "email_address", "sms": "phone_number"}


class FakeNotify:
    """What Notify's API does with a request: check the JWT, check the body, answer 201 with an id."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict]] = []
        self.refused_tokens = 0
        self.failing: int | None = None  # answer every request with this status
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's hook name
                kind = self.path.removeprefix("/v2/notifications/")
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
                if kind not in ("email", "sms", "letter"):
                    return self.answer(404, {"errors": [{"error": "NotFound", "message": "Not found"}]})
                if not fake.token_valid(self.headers.get("Authorization", "")):
                    fake.refused_tokens += 1
                    return self.answer(403, {"errors": [{"error": "AuthError", "message": "Invalid token"}]})
                if fake.failing:
                    return self.answer(fake.failing, {"errors": [{"error": "Error", "message": "Failing"}]})
                personalisation = body.get("personalisation") or {}
                if not body.get("template_id") or (kind in RECIPIENT and not body.get(RECIPIENT[kind])) or \
                        (kind == "letter" and "address_line_1" not in personalisation):
                    return self.answer(400, {"errors": [{"error": "ValidationError", "message": "missing field"}]})
                fake.received.append((kind, body))
                notification_id = str(uuid.uuid4())
                self.answer(201, {"id": notification_id, "reference": body.get("reference"),
                                  "content": {"body": "…"}, "uri": f"/v2/notifications/{notification_id}",
                                  "template": {"id": body["template_id"], "version": 1, "uri": "/v2/template"}})

            def answer(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @staticmethod
    def token_valid(header: str) -> bool:
        scheme, _, token = header.partition(" ")
        try:
            claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"require": ["iss", "iat"]})
        except jwt.InvalidTokenError:
            return False
        return scheme == "Bearer" and claims["iss"] == SERVICE_ID and abs(time.time() - claims["iat"]) <= 30


@pytest.fixture(scope="module")
def server():
    fake = FakeNotify()
    yield fake
    fake.server.shutdown()


@pytest.fixture
def notify(server, monkeypatch, tmp_path):
    server.received.clear()
    server.refused_tokens = 0
    server.failing = None
    council = tmp_path / "policy.yaml"
    council.write_text(json.dumps({"govuk_notify": {"templates": {
        "officer_email": {"channel": "email", "id": TEMPLATES["officer_email"]},
        "visit_reminder": {"channel": "sms", "id": TEMPLATES["visit_reminder"]},
        "visit_letter": {"channel": "letter", "id": TEMPLATES["visit_letter"]}}}}))
    monkeypatch.setenv("CASEWORK_NOTIFICATIONS_POLICY_FILE", str(council))
    monkeypatch.setenv("CASEWORK_MESSAGES_PROVIDER", "govuk_notify")
    monkeypatch.setenv("CASEWORK_NOTIFY_API_KEY", API_KEY)
    monkeypatch.setenv("CASEWORK_NOTIFY_BASE_URL", server.url)
    monkeypatch.setenv("CASEWORK_NOTIFY_CALLBACK_TOKEN", CALLBACK_TOKEN)
    return server


def text(harness, **overrides):
    body = {"channel": "sms", "template": "visit_reminder", "to": "07700 900123", "team": "sustainment",
            "personalisation": {"reference": "C-000045", "visit_date": "3 March"},
            "subject": {"type": "case", "id": str(uuid.uuid4())}} | overrides
    return harness.client.post("/messages", json=body, headers=TSO)


def logged(harness, delivery_id):
    return harness.client.get(f"/deliveries/{delivery_id}", headers=ADMIN).json


def receipt(harness, delivery, status, token=CALLBACK_TOKEN):
    body = {"id": delivery["provider_id"], "reference": delivery["id"], "to": "07700 900123", "status": status,
            "created_at": "2026-12-08T07:00:00.000000Z", "completed_at": "2026-12-08T07:00:05.000000Z",
            "sent_at": "2026-12-08T07:00:01.000000Z", "notification_type": "sms"}
    return harness.client.post("/govuk-notify/receipts", json=body, headers={"Authorization": f"Bearer {token}"})


def test_an_officers_email_goes_through_notify_signed_with_the_key_and_carrying_references_only(notifications, notify):
    add_directory(notifications)
    assert notifications.client.put("/officers/o-tso/preferences", json={"email": "immediate"},
                                    headers=TSO).status_code == 200
    case_id = uuid.uuid4()
    handle(notifications, referral("accepted"))  # carries the person's name and date of birth
    handle(notifications, case("opened", case_id))
    handle(notifications, case("assigned", case_id))

    fire_timers(notifications)

    ((kind, body),) = notify.received
    assert (kind, body["email_address"], body["template_id"]) == ("email", "o-tso@council.test",
                                                                 TEMPLATES["officer_email"])
    assert set(body["personalisation"]) == {"subject", "body"}
    assert f"/cases/{case_id}" in body["personalisation"]["body"] and "C-000045" in body["personalisation"]["subject"]
    for personal in ("Jane", "Doe", "1980", "mental_health"):
        assert personal not in json.dumps(body)
    (delivery,) = notifications.client.get("/deliveries", query_string={"channel": "email"}, headers=ADMIN).json
    assert (delivery["status"], delivery["provider"], delivery["id"]) == ("sent", "govuk_notify", body["reference"])
    assert delivery["provider_id"] and delivery["team"] == "sustainment"


def test_a_text_and_a_letter_to_a_person_go_to_notify_with_their_template_and_address(notifications, notify):
    add_directory(notifications)

    sent = text(notifications)
    letter = notifications.client.post("/messages", headers=TSO, json={
        "channel": "letter", "template": "visit_letter", "team": "sustainment",
        "address": ["Flat 2", "1 High Street", "Anytown", "AB1 2CD"], "personalisation": {"reference": "C-000045"}})
    assert (sent.status_code, letter.status_code) == (202, 202), (sent.json, letter.json)
    fire_timers(notifications)

    received = dict(notify.received)
    assert received["sms"]["phone_number"] == "07700 900123"
    assert received["sms"]["template_id"] == TEMPLATES["visit_reminder"]
    assert received["sms"]["personalisation"] == {"reference": "C-000045", "visit_date": "3 March"}
    assert received["letter"]["personalisation"] == {"reference": "C-000045", "address_line_1": "Flat 2",
                                                     "address_line_2": "1 High Street", "address_line_3": "Anytown",
                                                     "address_line_4": "AB1 2CD"}
    assert {logged(notifications, r.json["id"])["status"] for r in (sent, letter)} == {"sent"}
    assert notify.refused_tokens == 0


def test_a_message_is_refused_without_notify_an_unknown_template_or_another_teams_name(notifications, notify,
                                                                                       monkeypatch):
    add_directory(notifications)

    unknown = text(notifications, template="no_such_template")
    bad_number = text(notifications, to="call me")
    not_mine = text(notifications, team="lettings")
    monkeypatch.setenv("CASEWORK_MESSAGES_PROVIDER", "smtp")
    by_smtp = text(notifications)

    assert unknown.status_code == 422 and "template" in unknown.json["errors"]
    assert bad_number.status_code == 422 and "to" in bad_number.json["errors"]
    assert not_mine.status_code == 403
    assert by_smtp.status_code == 409
    assert notifications.client.get("/deliveries", headers=ADMIN).json == []


def test_notify_failing_is_retried_with_delay_a_refusal_is_parked_and_a_replay_sends_it(notifications, notify):
    add_directory(notifications)
    notify.failing = 500
    retried = text(notifications).json["id"]
    fire_timers(notifications)
    first = logged(notifications, retried)
    assert (first["status"], first["attempts"]) == ("pending", 1) and first["last_error"].startswith("GOV.UK Notify 500")
    notify.failing = None
    assert fire_timers(notifications) == 0  # the retry waits for its delay
    fire_timers(notifications, now=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5))
    assert (logged(notifications, retried)["status"], logged(notifications, retried)["attempts"]) == ("sent", 2)

    notify.failing = 400  # Notify finds the request invalid: trying again cannot help
    parked = text(notifications).json["id"]
    fire_timers(notifications)
    assert (logged(notifications, parked)["status"], logged(notifications, parked)["attempts"]) == ("failed", 1)
    assert fire_timers(notifications, now=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)) == 0

    notify.failing = None
    assert notifications.client.post(f"/deliveries/{retried}/replay", headers=ADMIN).status_code == 409
    replayed = notifications.client.post(f"/deliveries/{parked}/replay", headers=ADMIN)
    assert replayed.status_code == 200 and replayed.json["status"] == "pending"
    fire_timers(notifications)
    assert logged(notifications, parked)["status"] == "sent"
    metrics = notifications.client.get("/metrics").get_data(as_text=True)
    for outcome in ("retrying", "failed", "sent"):
        assert f'casework_deliveries_total{{channel="sms",outcome="{outcome}",service="notifications"}}' in metrics


def test_notifys_receipts_are_recorded_once_and_a_permanent_failure_tasks_the_senders_team(notifications, notify):
    add_directory(notifications)
    delivered_id, failed_id = text(notifications).json["id"], text(notifications).json["id"]
    fire_timers(notifications)
    delivered, failed = logged(notifications, delivered_id), logged(notifications, failed_id)

    forged = receipt(notifications, failed, "permanent-failure", token="not-the-token-we-gave-notify")
    casework_token = notifications.client.post("/govuk-notify/receipts", json={}, headers=ADMIN)
    assert (forged.status_code, casework_token.status_code) == (401, 401)
    assert logged(notifications, failed_id)["status"] == "sent"

    assert receipt(notifications, delivered, "delivered").status_code == 204
    assert [receipt(notifications, failed, "permanent-failure").status_code for _ in range(2)] == [204, 204]

    now_delivered, now_failed = logged(notifications, delivered_id), logged(notifications, failed_id)
    assert (now_delivered["status"], now_delivered["provider_status"]) == ("delivered", "delivered")
    assert (now_failed["status"], now_failed["provider_status"]) == ("failed", "permanent-failure")
    tasks = notifications.client.get("/tasks", query_string={"team": "sustainment"}, headers=ADMIN).json
    (task,) = [t for t in tasks if "could not be delivered" in t["title"]]
    assert task["subject"]["type"] == "case" and "07700" not in task["title"]
    unknown = receipt(notifications, {"id": str(uuid.uuid4()), "provider_id": str(uuid.uuid4())}, "delivered")
    assert unknown.status_code == 404
