"""GOV.UK Notify: e-mails, texts and letters sent with its official client
(``notifications-python-client``), and its delivery receipts recorded against the delivery log.

Settings: ``CASEWORK_NOTIFY_API_KEY`` (the key from Notify's API integration page; it holds the
service id and the secret the client signs each request's JWT with), ``CASEWORK_NOTIFY_BASE_URL``
(default ``https://api.notifications.service.gov.uk``), ``CASEWORK_NOTIFY_TIMEOUT`` seconds (10)
and ``CASEWORK_NOTIFY_CALLBACK_TOKEN`` (the bearer token given to Notify with the callback URL
``<notifications public URL>/govuk-notify/receipts``). Template ids are the council's policy
(``govuk_notify.templates``).

What goes to Notify is the least it needs: an officer's e-mail is its subject and body
(references and links only); a message to a person carries the personalisation its sender gave.
Every request names the delivery's id as its ``reference``, which the receipt gives back.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from notifications.models import Delivery
from notifications.rules import Policy
from notifications.senders import GOVUK_NOTIFY, PERSON, SendFailed

OFFICER_EMAIL = "officer_email"
#: The statuses a delivery receipt may carry, and what each makes of the delivery.
RECEIPT_STATUSES = {"delivered": "delivered", "permanent-failure": "failed", "temporary-failure": "failed",
                    "technical-failure": "failed"}


@dataclass(frozen=True)
class NotifySettings:
    api_key: str
    base_url: str
    timeout: float
    callback_token: str

    @classmethod
    def from_env(cls) -> NotifySettings:
        env = os.environ.get
        return cls(api_key=env("CASEWORK_NOTIFY_API_KEY", "").strip(),
                   base_url=env("CASEWORK_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk").rstrip("/"),
                   timeout=float(env("CASEWORK_NOTIFY_TIMEOUT", "10")),
                   callback_token=env("CASEWORK_NOTIFY_CALLBACK_TOKEN", ""))


class NotifySender:
    """E-mails, texts and letters through GOV.UK Notify."""

    name = GOVUK_NOTIFY
    channels = ("email", "sms", "letter")

    def __init__(self, settings: NotifySettings) -> None:
        self.settings = settings

    def send(self, delivery: Delivery, policy: Policy) -> str | None:
        # A Notify key is "<name>-<service id>-<secret>": the client reads the last 73 characters.
        if len(self.settings.api_key) < 73:
            raise SendFailed("CASEWORK_NOTIFY_API_KEY is not set to a GOV.UK Notify API key.")
        template_name, personalisation = what_to_send(delivery)
        template = policy.templates.get(template_name)
        if template is None or not template.id or template.channel != delivery.channel:
            # The council may yet add it to its policy: retried, not parked at once.
            raise SendFailed(f"The policy names no GOV.UK Notify {delivery.channel} template {template_name!r}.")
        client = NotificationsAPIClient(self.settings.api_key, base_url=self.settings.base_url,
                                        timeout=self.settings.timeout)
        reference = str(delivery.id)
        try:
            if delivery.channel == "email":
                response = client.send_email_notification(email_address=delivery.address, template_id=template.id,
                                                          personalisation=personalisation, reference=reference)
            elif delivery.channel == "sms":
                response = client.send_sms_notification(phone_number=delivery.address, template_id=template.id,
                                                        personalisation=personalisation, reference=reference)
            else:
                response = client.send_letter_notification(
                    template_id=template.id, personalisation=personalisation | address_lines(delivery.address),
                    reference=reference)
        except APIError as exc:
            # 400: Notify found the request invalid (a bad number, a missing placeholder): sending it
            # again cannot help. 403 (the key), 429 (the rate limit) and 5xx may pass.
            raise SendFailed(f"GOV.UK Notify {exc.status_code}: {_message(exc)}"[:500],
                             final=exc.status_code == 400) from exc
        return str(response["id"])


def what_to_send(delivery: Delivery) -> tuple[str, dict[str, str]]:
    """The template's name and the personalisation for a logged delivery."""
    if delivery.target == PERSON:
        message = json.loads(delivery.body)
        return message["template"], dict(message.get("personalisation") or {})
    return OFFICER_EMAIL, {"subject": delivery.title, "body": delivery.body}


def address_lines(address: str) -> dict[str, str]:
    """A letter's address lines as Notify's ``address_line_1``… (the last is the postcode)."""
    return {f"address_line_{n}": line for n, line in enumerate(address.splitlines(), start=1)}


def _message(exc: APIError) -> str:
    message = exc.message
    if isinstance(message, list):
        return "; ".join(str(m.get("message", m)) if isinstance(m, Mapping) else str(m) for m in message)
    return str(message)


def parse_time(value: Any) -> dt.datetime | None:
    """A receipt's time (``2017-05-14T12:15:30.000000Z``), or None."""
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
