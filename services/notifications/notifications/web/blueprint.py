"""The inbox's Flask blueprint (plain Flask: these pages are not part of the JSON API)."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("inbox_page", __name__, template_folder="templates", static_folder="static",
                      static_url_path="/app/inbox/static")
