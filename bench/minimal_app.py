"""The minimal pipeline's HTTP end (bench/minimal_pipeline.py): bare Flask, the body checked by
the same marshmallow schema as the bare-Flask baseline (baseline_app.py), then the referral's
row and its outbox row written in one transaction with psycopg, one connection per thread.

    gunicorn -c services/intake/gunicorn.conf.py --chdir bench 'minimal_app:create_app()'
    (MINIMAL_DATABASE_URL: the first database, tables from minimal_pipeline.SOURCE_TABLES)
"""

from __future__ import annotations

import json
import os
import threading
import uuid

import psycopg
from baseline_app import ReferralCreate, bare_flask
from flask import Flask, jsonify, request

ROUTING_KEY = "referral.received"


def create_app() -> Flask:
    url = os.environ["MINIMAL_DATABASE_URL"]
    app = bare_flask("minimal")
    schema = ReferralCreate()
    local = threading.local()

    def connection() -> psycopg.Connection:
        if getattr(local, "conn", None) is None or local.conn.closed:
            local.conn = psycopg.connect(url)
        return local.conn

    @app.post("/referrals")
    def post():
        data = schema.load(request.get_json())
        referral_id = str(uuid.uuid4())
        conn = connection()
        with conn.transaction():
            conn.execute("INSERT INTO referrals (id, body) VALUES (%s, %s)",
                         (referral_id, json.dumps(schema.dump(data))))
            conn.execute("INSERT INTO outbox (routing_key, body) VALUES (%s, %s)",
                         (ROUTING_KEY, json.dumps({"referral_id": referral_id})))
        return jsonify({"id": referral_id, "status": "received"}), 201

    return app
