"""The officers' inbox: a page at ``/app/inbox`` on the kernel's pages (``casework.pages``).

Notifications keeps the directory, so it is also where officers sign in to every service
(``/app/sign-in``; the development sign-in picks an officer from the directory).

Settings (environment; the sign-in's are in ``casework.pages.settings``):

``CASEWORK_INBOX_POLL_SECONDS``      how often an open inbox page asks for new tasks (default 5).
``CASEWORK_INBOX_PAGES_PER_OFFICER`` how many open pages' polls one officer may make (default 4);
                                     more is 429.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from flask import Flask

from casework.pages import configure as configure_pages

EXTENSION = "notifications_inbox"


@dataclass(frozen=True)
class InboxSettings:
    poll_seconds: float = 5.0
    pages_per_officer: int = 4

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> InboxSettings:
        return cls(
            poll_seconds=float(environ.get("CASEWORK_INBOX_POLL_SECONDS", "5")),
            pages_per_officer=int(environ.get("CASEWORK_INBOX_PAGES_PER_OFFICER", "4")),
        )


def install(app: Flask) -> None:
    """Add the inbox pages to the notifications api (``Service.configure_app``)."""
    from notifications.directory import active_officers

    from . import admin, pages, updates  # noqa: F401  (they add their routes to the blueprint)
    from .blueprint import blueprint

    app.extensions[EXTENSION] = InboxSettings.from_env(os.environ)
    configure_pages(app, home="inbox_page.inbox", officers=active_officers)
    app.register_blueprint(blueprint)
