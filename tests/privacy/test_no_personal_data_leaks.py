"""Nothing personal leaves a service by the side doors: a referral about a person with a distinctive
name and date of birth goes through the first journey (received, accepted, a case opened and
assigned) with a webhook subscriber and an officer who gets e-mails, and neither the name (in any
case) nor the date of birth (ISO, UK or long) appears in any log record, any service's /metrics,
any webhook body or any e-mail."""

from __future__ import annotations

import json
import logging
import threading
from email import message_from_bytes
from email import policy as email_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from privacy_journey import NAME, PEOPLE, referral_to_assigned_case, register_directory

from casework_dev.processes import free_port
from casework_dev.testing import wait_until

FORBIDDEN = [*NAME.lower().replace("-", " ").split(), "1980-05-17", "17/05/1980", "17 may 1980", "17th may 1980"]


class Capture(logging.Handler):
    """Every log record on the root logger, as its message, its arguments and its rendered JSON line."""

    def __init__(self, formatter: logging.Formatter | None) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.rendering = formatter

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.getMessage()} {record.args!r} {record.__dict__!r}")
        if self.rendering is not None:
            self.lines.append(self.rendering.format(record))


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = message_from_bytes(envelope.content, policy=email_policy.default)
        self.messages.append(f"{message['Subject']}\n{message.get_body(('plain',)).get_content()}")
        return "250 OK"


class Receiver:
    def __init__(self) -> None:
        self.bodies: list[str] = []
        bodies = self.bodies

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's hook name
                bodies.append(self.rfile.read(int(self.headers["Content-Length"])).decode())
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def mailbox(monkeypatch):
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setenv("CASEWORK_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CASEWORK_SMTP_PORT", str(controller.port))
    yield box
    controller.stop()


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.server.shutdown()


@pytest.fixture
def logs():
    root = logging.getLogger()
    capture = Capture(root.handlers[0].formatter if root.handlers else None)
    level = root.level
    root.addHandler(capture)
    root.setLevel(logging.DEBUG)
    yield capture
    root.removeHandler(capture)
    root.setLevel(level)


def leaks(texts: list[str]) -> list[str]:
    return [f"{word!r} in {text[:300]!r}" for text in texts for word in FORBIDDEN if word in text.lower()]


def test_no_name_or_date_of_birth_in_logs_metrics_webhooks_or_emails(system, logs, mailbox, receiver):
    register_directory(system, email_preference="immediate")
    r = system.notifications.client.post("/subscriptions", headers=PEOPLE.admin, json={
        "url": receiver.url, "event_types": ["*"], "secret": "partner-shared-secret-123"})
    assert r.status_code == 201, r.json

    journey = referral_to_assigned_case(system)
    # The person's details did travel where they must: intake has them, sustainment has the case.
    case = system.sustainment.client.get(f"/cases/{journey['case_id']}", headers=PEOPLE.team_leader).json
    assert case["tenant"]["name"] == NAME

    wait_until(lambda: len(receiver.bodies) >= 4, timeout=30, message="webhooks for the journey's events")
    wait_until(lambda: any("assigned to you" in m for m in mailbox.messages), timeout=30,
               message="the assigned officer's e-mail")
    metrics = [getattr(system, name).client.get("/metrics").get_data(as_text=True)
               for name in ("intake", "sustainment", "lettings", "notifications")]

    assert leaks([f"Hello {NAME.upper()}"]) and leaks(["born 17 May 1980"])  # the scan itself works
    assert logs.lines and all(metrics)
    assert all("casework_" in text for text in metrics)
    assert leaks(logs.lines) == []
    assert leaks(metrics) == []
    assert leaks(receiver.bodies) == []
    assert leaks(mailbox.messages) == []
    types = {json.loads(body)["type"] for body in receiver.bodies}
    assert {"casework.intake.referral.accepted.v2", "casework.sustainment.case.assigned.v1"} <= types
