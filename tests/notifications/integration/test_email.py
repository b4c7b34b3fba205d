"""E-mail through a real SMTP server (aiosmtpd), with retries, a delivery log and preferences."""

import datetime as dt
import os
import uuid
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from notifications_support import ADMIN, add_directory, case, fire_timers, handle, referral

from casework_dev.processes import free_port
from casework_dev.testing import bearer, wait_until

TSO = bearer("o-tso", "sustainment_officer")


class Mailbox:
    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture(scope="module")
def smtp():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, mailbox
    controller.stop()


@pytest.fixture
def mailbox(smtp, monkeypatch):
    controller, box = smtp
    box.messages.clear()
    monkeypatch.setenv("CASEWORK_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CASEWORK_SMTP_PORT", str(controller.port))
    monkeypatch.setenv("CASEWORK_SMTP_FROM", "casework@council.test")
    return box


def set_email(harness, officer_id, preference):
    r = harness.client.put(f"/officers/{officer_id}/preferences", json={"email": preference},
                           headers=bearer(officer_id, "sustainment_officer"))
    assert r.status_code == 200 and r.json == {"inbox": "on", "email": preference}


def assign_a_case(harness):
    case_id = uuid.uuid4()
    handle(harness, referral("accepted"))  # carries the person's name and date of birth
    handle(harness, case("opened", case_id))
    handle(harness, case("assigned", case_id))
    return case_id


def test_an_assigned_officer_is_emailed_a_reference_and_link_and_nothing_personal(notifications, mailbox):
    add_directory(notifications)
    set_email(notifications, "o-tso", "immediate")
    case_id = assign_a_case(notifications)

    fire_timers(notifications)

    wait_until(lambda: mailbox.messages, message="the e-mail to arrive")
    ((recipients, message),) = mailbox.messages
    text = message.get_content()
    assert recipients == ["o-tso@council.test"]
    assert "C-000045" in message["Subject"]
    assert "C-000045" in text and f"http://127.0.0.1:8002/cases/{case_id}" in text
    for personal in ("Jane", "Doe", "1980", "mental_health"):
        assert personal not in text and personal not in message["Subject"]
    (logged,) = notifications.client.get("/deliveries", query_string={"channel": "email"}, headers=ADMIN).json
    assert (logged["status"], logged["attempts"], logged["target"]) == ("sent", 1, "o-tso")


def test_an_email_the_server_refuses_is_logged_and_retried_until_it_goes(notifications, mailbox, monkeypatch):
    add_directory(notifications)
    set_email(notifications, "o-tso", "immediate")
    good_port = os.environ["CASEWORK_SMTP_PORT"]
    monkeypatch.setenv("CASEWORK_SMTP_PORT", str(free_port()))  # nothing listens there
    assign_a_case(notifications)

    fire_timers(notifications)
    (failed,) = notifications.client.get("/deliveries", headers=ADMIN).json
    assert (failed["status"], failed["attempts"]) == ("pending", 1)
    assert failed["last_error"].startswith("ConnectionRefusedError")

    monkeypatch.setenv("CASEWORK_SMTP_PORT", good_port)
    assert fire_timers(notifications) == 0  # the retry waits for its backoff
    fire_timers(notifications, now=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5))

    wait_until(lambda: mailbox.messages, message="the retried e-mail")
    (sent,) = notifications.client.get("/deliveries", headers=ADMIN).json
    assert (sent["status"], sent["attempts"], sent["last_error"]) == ("sent", 2, None)


def test_an_officer_with_email_off_gets_the_inbox_message_only(notifications, mailbox):
    add_directory(notifications)  # officers start with e-mail off
    assign_a_case(notifications)

    fire_timers(notifications)

    assert mailbox.messages == []
    assert len(notifications.client.get("/notifications", headers=TSO).json) == 1


def test_a_daily_digest_gathers_the_days_messages_into_one_email(notifications, mailbox):
    add_directory(notifications)
    set_email(notifications, "o-tso", "daily_digest")
    assign_a_case(notifications)
    second = uuid.uuid4()
    handle(notifications, case("opened", second, reference="C-000046"))
    handle(notifications, case("assigned", second, reference="C-000046"))
    fire_timers(notifications)
    assert mailbox.messages == []

    fire_timers(notifications, now=dt.datetime.now(dt.UTC) + dt.timedelta(days=1, hours=1))

    wait_until(lambda: mailbox.messages, message="the digest")
    ((recipients, message),) = mailbox.messages
    assert message["Subject"] == "Casework: 2 new message(s)"
    assert "C-000045" in message.get_content() and "C-000046" in message.get_content()


def test_an_officer_may_set_only_their_own_preferences(notifications):
    add_directory(notifications)

    r = notifications.client.put("/officers/o-leader/preferences", json={"email": "off"}, headers=TSO)
    assert r.status_code == 404
    bad = notifications.client.put("/officers/o-tso/preferences", json={"email": "weekly"}, headers=TSO)
    assert bad.status_code == 422 and "email" in bad.json["errors"]
