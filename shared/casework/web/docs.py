"""Swagger UI's assets served by the service itself, so ``/docs`` works on a network with no
internet (a council's). They come from the ``flask-swagger-ui`` distribution."""

from __future__ import annotations

from importlib import resources

from flask import Blueprint, send_from_directory

ASSETS_PATH = "/docs/assets/"

blueprint = Blueprint("casework_docs_assets", __name__)


@blueprint.get(ASSETS_PATH + "<path:filename>")
def asset(filename: str):
    dist = resources.files("flask_swagger_ui").joinpath("dist")
    return send_from_directory(str(dist), filename, max_age=86400)
