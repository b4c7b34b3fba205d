"""What the inbox's pages share: its settings and the services' public URLs for links."""

from __future__ import annotations

import os

from flask import current_app

from notifications.rules import public_urls

from . import EXTENSION, InboxSettings


def inbox_settings() -> InboxSettings:
    return current_app.extensions[EXTENSION]


def service_urls() -> dict[str, str]:
    return public_urls(os.environ)
