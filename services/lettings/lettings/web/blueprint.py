"""The lettings pages' Flask blueprint (plain Flask: these pages are not part of the JSON API)."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("lettings_pages", __name__, template_folder="templates")
