"""Webhooks to a real local HTTP receiver that verifies the signature as a partner would."""

import datetime as dt
import hashlib
import hmac
import json
import socket
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from notifications_support import ADMIN, fire_timers, handle, referral

from casework_dev.testing import bearer, wait_until

SECRET = "partner-shared-secret-123"
REFERRER = bearer("sys-rent", "referrer")


class Receiver:
    """An HTTP server that checks Casework-Signature and records what it accepted."""

    def __init__(self) -> None:
        self.accepted: list[dict] = []
        self.rejected = 0
        self.status = 204
        self.connections = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def setup(self):
                receiver.connections += 1
                super().setup()

            def do_POST(self):  # noqa: N802 - http.server's hook name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                timestamp = self.headers["Casework-Timestamp"]
                expected = "sha256=" + hmac.new(SECRET.encode(), f"{timestamp}.".encode() + body,
                                                hashlib.sha256).hexdigest()
                fresh = abs(time.time() - int(timestamp)) < 300
                if not (fresh and hmac.compare_digest(expected, self.headers["Casework-Signature"])):
                    receiver.rejected += 1
                    self.send_response(401)
                elif receiver.status >= 300:
                    self.send_response(receiver.status)
                else:
                    receiver.accepted.append({"body": json.loads(body), "raw": body.decode(),
                                              "event_id": self.headers["Casework-Event-Id"]})
                    self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def server():
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()


@pytest.fixture
def receiver(server):
    server.accepted.clear()
    server.rejected = 0
    server.status = 204
    server.connections = 0
    return server


def subscribe(harness, url, types, headers=ADMIN, secret=SECRET):
    return harness.client.post("/subscriptions", json={"url": url, "event_types": types, "secret": secret},
                               headers=headers)


def test_a_subscriber_receives_a_signed_event_with_a_reference_and_no_personal_data(notifications, receiver):
    sub = subscribe(notifications, receiver.url, ["intake.referral.accepted.v2"])
    assert sub.status_code == 201 and "secret" not in sub.json
    accepted = referral("accepted")

    handle(notifications, accepted)
    fire_timers(notifications)

    ((delivered),) = receiver.accepted
    assert receiver.rejected == 0
    assert delivered["event_id"] == accepted.id
    assert delivered["body"]["type"] == "casework.intake.referral.accepted.v2"
    assert delivered["body"]["subject"] == {
        "type": "referral", "id": accepted.data["referral_id"], "reference": "R-000123",
        "link": f"http://127.0.0.1:8001/referrals/{accepted.data['referral_id']}"}
    for personal in ("Jane", "Doe", "1980", "mental_health"):
        assert personal not in delivered["raw"]
    (logged,) = notifications.client.get(f"/subscriptions/{sub.json['id']}/deliveries", headers=ADMIN).json
    assert (logged["status"], logged["response_status"], logged["attempts"]) == ("sent", 204, 1)


def test_a_referrer_receives_only_its_own_referrals_events(notifications, receiver):
    assert subscribe(notifications, receiver.url, ["intake.referral.received.v2"], headers=REFERRER).status_code == 201
    mine, theirs = referral(referrer_client="sys-rent"), referral(referrer_client="sys-asb")

    handle(notifications, mine)
    handle(notifications, theirs)
    fire_timers(notifications)

    assert [d["event_id"] for d in receiver.accepted] == [mine.id]


def test_a_failing_receiver_is_retried_with_backoff_then_disabled_and_admins_told(notifications, receiver):
    assert notifications.client.post("/officers", json={"id": "admin-1", "name": "Admin", "email": "a@council.test",
                                                        "roles": ["admin"], "email_preference": "off"},
                                     headers=ADMIN).status_code == 201
    sub = subscribe(notifications, receiver.url, ["*"]).json
    receiver.status = 503
    handle(notifications, referral())

    fire_timers(notifications)
    (first,) = notifications.client.get(f"/subscriptions/{sub['id']}/deliveries", headers=ADMIN).json
    assert (first["status"], first["attempts"], first["last_error"]) == ("pending", 1, "HTTP 503")
    assert fire_timers(notifications) == 0  # backing off
    for minutes in (1, 2, 4, 8):
        fire_timers(notifications, now=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes * 2))

    (last,) = notifications.client.get(f"/subscriptions/{sub['id']}/deliveries", headers=ADMIN).json
    assert (last["status"], last["attempts"]) == ("failed", 5)
    disabled = notifications.client.get(f"/subscriptions/{sub['id']}", headers=ADMIN).json
    assert disabled["active"] is False and disabled["disabled_at"]
    inbox = notifications.client.get("/notifications", headers=ADMIN).json
    assert inbox[0]["message"] == f"Webhook subscription {sub['id']} was disabled after 5 failed deliveries."
    handle(notifications, referral())
    assert fire_timers(notifications) == 0  # nothing more is sent to a disabled subscription


def test_a_subscriber_to_task_events_is_sent_them_through_the_broker(notifications, receiver):
    # The real path: the task's event relayed to RabbitMQ, consumed back by the worker, and
    # delivered by its timer sweeper; nothing is left for casework.unrouted.
    sub = subscribe(notifications, receiver.url, ["notifications.task.created.v1"])
    assert sub.status_code == 201, sub.json
    received = referral()
    worker = notifications.worker()
    try:
        handle(notifications, received)
        wait_until(lambda: receiver.accepted, timeout=20, message="the task.created webhook")
    finally:
        worker.stop()

    ((delivered),) = receiver.accepted
    (created,) = notifications.events("notifications.task.created.v1")
    assert delivered["event_id"] == created.id
    assert delivered["body"]["subject"] == {
        "type": "referral", "id": received.data["referral_id"], "reference": None,
        "link": f"http://127.0.0.1:8001/referrals/{received.data['referral_id']}"}
    assert "Triage" not in delivered["raw"]  # the task's title stays in notifications


def test_a_referrer_is_never_sent_task_events(notifications, receiver):
    assert subscribe(notifications, receiver.url, ["*"], headers=REFERRER).status_code == 201
    handle(notifications, referral(referrer_client="sys-rent"))
    (created,) = notifications.events("notifications.task.created.v1")
    handle(notifications, created)
    fire_timers(notifications)

    assert [d["body"]["type"] for d in receiver.accepted] == ["casework.intake.referral.received.v2"]


@pytest.mark.parametrize("url, types, field", [
    ("http://partner.example.org/hooks", ["intake.referral.accepted.v2"], "url"),
    ("https://10.1.2.3/hooks", ["intake.referral.accepted.v2"], "url"),
    ("https://169.254.169.254/latest", ["intake.referral.accepted.v2"], "url"),
    ("ftp://partner.example.org/hooks", ["intake.referral.accepted.v2"], "url"),
    ("https://partner.example.org/hooks", ["intake.referral.eaten.v1"], "event_types.0"),
    ("https://partner.example.org/hooks", [], "event_types"),
])
def test_unsafe_urls_and_unknown_event_types_are_refused(notifications, url, types, field):
    r = subscribe(notifications, url, types)

    assert r.status_code == 422 and field in r.json["errors"], r.json


def test_subscriptions_are_seen_and_removed_only_by_their_owner(notifications, receiver):
    sub = subscribe(notifications, "https://partner.example.org/hooks", ["intake.referral.received.v2"],
                    headers=REFERRER).json
    other = bearer("sys-asb", "referrer")

    assert notifications.client.get(f"/subscriptions/{sub['id']}", headers=other).status_code == 404
    assert notifications.client.get("/subscriptions", headers=other).json == []
    assert notifications.client.delete(f"/subscriptions/{sub['id']}", headers=REFERRER).status_code == 204
    assert notifications.client.get(f"/subscriptions/{sub['id']}", headers=REFERRER).json["active"] is False
    assert notifications.client.get(f"/subscriptions/{uuid.uuid4()}", headers=REFERRER).status_code == 404


def test_a_public_name_that_resolves_inside_at_delivery_time_gets_nothing_delivered(notifications, receiver,
                                                                                     monkeypatch):
    # Accepted as a public name when subscribed; by the time of delivery its DNS answers the
    # receiver's loopback address (rebinding). Nothing may reach it.
    name, real = "partner.rebind.example", socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host != name:
            return real(host, port, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", ("127.0.0.1", port or 0))]

    port = receiver.server.server_port
    sub = subscribe(notifications, f"https://{name}:{port}/hooks", ["intake.referral.accepted.v2"])
    assert sub.status_code == 201, sub.json
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    handle(notifications, referral("accepted"))
    fire_timers(notifications)

    (logged,) = notifications.client.get(f"/subscriptions/{sub.json['id']}/deliveries", headers=ADMIN).json
    assert (logged["status"], logged["last_error"]) == ("pending", "The URL resolves to a private address.")
    assert receiver.connections == 0
