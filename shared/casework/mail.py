"""E-mail over SMTP, as every service that sends it is set up.

Settings come from the environment: ``CASEWORK_SMTP_HOST`` (default ``localhost``),
``CASEWORK_SMTP_PORT`` (25), ``CASEWORK_SMTP_USER`` and ``CASEWORK_SMTP_PASSWORD`` (none),
``CASEWORK_SMTP_FROM`` (``casework@localhost``), ``CASEWORK_SMTP_STARTTLS`` (``false``) and
``CASEWORK_SMTP_TIMEOUT`` seconds (10).
"""

from __future__ import annotations

import os
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str
    password: str
    sender: str
    starttls: bool
    timeout: float

    @classmethod
    def from_env(cls) -> SmtpSettings:
        env = os.environ.get
        return cls(
            host=env("CASEWORK_SMTP_HOST", "localhost"), port=int(env("CASEWORK_SMTP_PORT", "25")),
            user=env("CASEWORK_SMTP_USER", ""), password=env("CASEWORK_SMTP_PASSWORD", ""),
            sender=env("CASEWORK_SMTP_FROM", "casework@localhost"),
            starttls=env("CASEWORK_SMTP_STARTTLS", "false").lower() in ("1", "true", "yes"),
            timeout=float(env("CASEWORK_SMTP_TIMEOUT", "10")),
        )


def send(message: EmailMessage, settings: SmtpSettings | None = None) -> None:
    """Send one message (its ``From`` set from the settings when it has none); raises ``OSError`` or
    ``smtplib.SMTPException`` when the server cannot take it."""
    settings = settings or SmtpSettings.from_env()
    if "From" not in message:
        message["From"] = settings.sender
    with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
        if settings.starttls:
            smtp.starttls()
        if settings.user:
            smtp.login(settings.user, settings.password)
        smtp.send_message(message)
