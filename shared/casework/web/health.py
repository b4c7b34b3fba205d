"""Probes and metrics: ``/healthz`` (alive), ``/readyz`` (database reachable), ``/metrics``."""

from __future__ import annotations

import os

from flask import Blueprint, Response, current_app, jsonify
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess

from .errors import problem

blueprint = Blueprint("casework_health", __name__)


@blueprint.get("/healthz")
def healthz() -> Response:
    return jsonify(status="ok", service=current_app.extensions["casework"].service.name)


@blueprint.get("/readyz")
def readyz() -> Response:
    if current_app.extensions["casework"].db.ping():
        return jsonify(status="ready", database="ok")
    return problem(503, "The database is not reachable.", headers={"Retry-After": "5"})


@blueprint.get("/metrics")
def metrics() -> Response:
    return Response(metrics_text(), mimetype=CONTENT_TYPE_LATEST)


def metrics_text() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest()
