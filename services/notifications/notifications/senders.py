"""How e-mails, texts and letters leave Casework: through the council's mail server (SMTP, the
default, and what ``make run`` uses) or GOV.UK Notify, as ``CASEWORK_MESSAGES_PROVIDER`` says
(``smtp`` | ``govuk_notify``).

Each sender takes one logged delivery and sends it, returning the provider's id for it (none for
SMTP), or raises ``SendFailed``: ``final`` when sending it again cannot help (Notify refused the
request as invalid), so it is parked as failed at once rather than retried.

SMTP settings are the kernel's (``casework.mail``: ``CASEWORK_SMTP_HOST``, ``_PORT``, ``_USER``,
``_PASSWORD``, ``_FROM``, ``_STARTTLS``, ``_TIMEOUT``); GOV.UK Notify's are in ``notifications.govuk_notify``.
"""

from __future__ import annotations

import os
import smtplib
from email.message import EmailMessage
from typing import Protocol

from casework import mail
from casework.mail import SmtpSettings
from notifications.models import Delivery
from notifications.rules import Policy

SMTP = "smtp"
GOVUK_NOTIFY = "govuk_notify"
PROVIDERS = (SMTP, GOVUK_NOTIFY)
#: A delivery's ``target`` when it is a message to a person (``POST /messages``), not to an officer.
PERSON = "person"


class SendFailed(Exception):
    """The message did not go; ``final`` when trying again cannot help."""

    def __init__(self, error: str, *, final: bool = False) -> None:
        super().__init__(error)
        self.error = error
        self.final = final


class Sender(Protocol):
    name: str
    #: The channels it can send: ``email``, ``sms``, ``letter``.
    channels: tuple[str, ...]

    def send(self, delivery: Delivery, policy: Policy) -> str | None:
        """Send one logged delivery; the provider's id for it. Raises ``SendFailed``."""


def provider() -> str:
    """The provider the council chose (``CASEWORK_MESSAGES_PROVIDER``, default ``smtp``)."""
    chosen = os.environ.get("CASEWORK_MESSAGES_PROVIDER", SMTP).strip().lower() or SMTP
    if chosen not in PROVIDERS:
        raise ValueError(f"CASEWORK_MESSAGES_PROVIDER: {chosen!r} is not one of {', '.join(PROVIDERS)}")
    return chosen


def current() -> Sender:
    """The sender of this process's chosen provider, with its settings read now."""
    if provider() == GOVUK_NOTIFY:
        from notifications.govuk_notify import NotifySender, NotifySettings

        return NotifySender(NotifySettings.from_env())
    return SmtpSender(SmtpSettings.from_env())


class SmtpSender:
    """Officers' e-mails through the council's mail server; it sends no texts or letters."""

    name = SMTP
    channels = ("email",)

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def send(self, delivery: Delivery, policy: Policy) -> str | None:
        if delivery.channel not in self.channels or delivery.target == PERSON:
            raise SendFailed("The mail server sends officers' e-mails only: texts, letters and messages to a "
                             "person need GOV.UK Notify.", final=True)
        settings = self.settings
        message = EmailMessage()
        message["From"] = settings.sender
        message["To"] = delivery.address
        message["Subject"] = delivery.title
        message["Message-ID"] = f"<{delivery.id}@casework>"
        message.set_content(delivery.body)
        try:
            mail.send(message, settings)
        except (OSError, smtplib.SMTPException) as exc:
            raise SendFailed(f"{type(exc).__name__}: {exc}") from exc
        return None
