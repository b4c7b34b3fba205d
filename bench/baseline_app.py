"""The baseline for POST /referrals: bare Flask + marshmallow + one INSERT, nothing else.

No auth, problem details, idempotency, audit, outbox, risk scoring or deadlines: what a
minimal service with the same body and the same gunicorn settings costs.

    gunicorn -c services/intake/gunicorn.conf.py --chdir bench 'baseline_app:create_app()'
"""

from __future__ import annotations

import os
import uuid

import marshmallow as ma
import sqlalchemy as sa
from flask import Flask, jsonify, request

metadata = sa.MetaData()
referrals = sa.Table(
    "baseline_referrals", metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("body", sa.JSON, nullable=False),
)


class Referrer(ma.Schema):
    name = ma.fields.String(required=True)
    email = ma.fields.Email()
    phone = ma.fields.String()


class Source(ma.Schema):
    system = ma.fields.String(required=True)
    team = ma.fields.String()
    referrer = ma.fields.Nested(Referrer, required=True)


class Person(ma.Schema):
    name = ma.fields.String(required=True)
    date_of_birth = ma.fields.Date()
    phone = ma.fields.String()
    email = ma.fields.Email()
    address = ma.fields.String()


class Consent(ma.Schema):
    given = ma.fields.Boolean(required=True)
    method = ma.fields.String()
    recorded_by = ma.fields.String()


class ReferralCreate(ma.Schema):
    source = ma.fields.Nested(Source, required=True)
    person = ma.fields.Nested(Person, required=True)
    tenancy_ref = ma.fields.String()
    uprn = ma.fields.String()
    reasons = ma.fields.List(ma.fields.String(), required=True)
    details = ma.fields.String()
    arrears_balance = ma.fields.Decimal(as_string=True)
    weekly_rent = ma.fields.Decimal(as_string=True)
    consent = ma.fields.Nested(Consent, required=True)


def bare_flask(name: str) -> Flask:
    """A Flask app that answers a body the schema refuses with 422 and the fields' messages."""
    app = Flask(name)
    app.register_error_handler(ma.ValidationError, lambda exc: (jsonify(exc.messages), 422))
    return app


def create_app() -> Flask:
    url = os.environ["BASELINE_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
    engine = sa.create_engine(url, pool_size=int(os.environ.get("GUNICORN_THREADS", "8")))
    app = bare_flask("baseline")
    schema = ReferralCreate()

    @app.post("/referrals")
    def post():
        data = schema.load(request.get_json())
        row = {"id": uuid.uuid4(), "body": schema.dump(data)}
        with engine.begin() as conn:
            conn.execute(referrals.insert().values(**row))
        return jsonify({"id": str(row["id"]), "status": "received"}), 201

    return app
