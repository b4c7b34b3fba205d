"""The Flask/flask-smorest application every service is built on."""

from __future__ import annotations

import functools
import io
import logging
import os
import re
import time
import uuid
from inspect import iscoroutinefunction
from itertools import accumulate
from types import FunctionType, MethodType
from typing import Any

import flask
from flask import Flask, Response, current_app, g, request
from flask_smorest import Api
from sqlalchemy.exc import DBAPIError, IntegrityError
from werkzeug.exceptions import HTTPException

from casework import appends, context, sealing
from casework.auth import AuthError, KeysUnavailable, TokenVerifier
from casework.db import Database, WritesNeeded
from casework.events.asyncapi import decimal_as_string
from casework.logging import configure_logging
from casework.metrics import HTTP_LATENCY, HTTP_REQUESTS
from casework.service import Service
from casework.settings import Settings

from . import docs, errors, health, idempotency
from .etag import etag_of
from .ratelimit import RateLimiter

log = logging.getLogger("casework.access")

JSON_TYPES = ("application/json", "application/merge-patch+json", "application/problem+json")


class CaseworkApi(Api):
    """flask-smorest's Api answering every error as RFC 9457 problem details."""

    ERROR_SCHEMA = errors.ProblemSchema

    def handle_http_exception(self, error: HTTPException) -> Response:  # type: ignore[override]
        return errors.handle_http_exception(error)

    def _register_pagination_header(self) -> None:
        """``X-Pagination`` is a JSON object in a header: documented as such (``content``), not
        as an object in the header's default ``simple`` style, which a client would read as
        ``total,3,total_pages,1``."""
        from flask_smorest.pagination import PaginationMetadataSchema

        self.spec.components.header("PAGINATION", {
            "description": "Pagination metadata",
            "content": {"application/json": {"schema": PaginationMetadataSchema}},
        }, lazy=True)

    def _register_responses(self) -> None:
        """Every error response is documented as application/problem+json."""
        import http

        from flask_smorest.utils import prepare_response

        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
                prepare_response(response, self.spec, errors.PROBLEM)
            self.spec.components.response(status.name, response, lazy=True)
        default = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, errors.PROBLEM)
        self.spec.components.response("DEFAULT_ERROR", default, lazy=True)


class CaseworkFlask(Flask):
    """Flask, running a view again as a writer if the transaction it began to read was about to
    write (``casework.web.session``): a GET that writes is rare, and waits its turn as any writer."""

    #: Functions known not to be coroutines (``ensure_sync``); bounded, should a caller make new
    #: ones each request (``after_this_request`` callbacks).
    _sync: dict[FunctionType, bool]
    MAX_KNOWN_SYNC = 1024

    def ensure_sync(self, func: Any) -> Any:
        """Flask's, the answer remembered for each function (a method's, for a method): Flask asks
        ``inspect.iscoroutinefunction`` of every request hook and view on every request (eleven
        times a POST /referrals), and whether a function is a coroutine is its code's, fixed."""
        code = func.__func__ if type(func) is MethodType else func
        if type(code) is not FunctionType:
            return super().ensure_sync(func)
        known = self.__dict__.setdefault("_sync", {})
        sync = known.get(code)
        if sync is None:
            sync = not iscoroutinefunction(code)
            if len(known) < self.MAX_KNOWN_SYNC:
                known[code] = sync
        return func if sync else super().ensure_sync(func)

    def dispatch_request(self) -> Any:
        from .session import written_instead

        try:
            answer = super().dispatch_request()
            session = g.get("db_session")
            if session is not None and session.info.get(appends.HELD):
                session.flush()  # what the view changed would be written here, before its commit
            return answer
        except WritesNeeded:
            written_instead()
        return super().dispatch_request()


class Kernel:
    """What the kernel keeps on ``app.extensions['casework']``."""

    def __init__(self, service: Service, settings: Settings, db: Database) -> None:
        self.service = service
        self.settings = settings
        self.db = db
        self.verifier = TokenVerifier.from_settings(settings)
        self.limiter = RateLimiter.from_setting(settings.rate_limit)


def create_app(service: Service, *, settings: Settings | None = None, db: Database | None = None,
               config: dict[str, Any] | None = None) -> Flask:
    """Build the service's Flask app. Nothing connects here; the database is opened on first use."""
    settings = settings or Settings.from_env(service.name, default_port=service.port)
    configure_logging(service.name)
    sealing.check_settings()
    app = CaseworkFlask(service.name)
    app.config.update(
        API_TITLE=service.title,
        API_VERSION=service.version,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL=docs.ASSETS_PATH,
        API_SPEC_OPTIONS={
            "info": {"description": service.description},
            "components": {"securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
                # A provider's callback (``casework.auth.checks_own_token``): the token shared with it.
                "callbackToken": {"type": "http", "scheme": "bearer",
                                  "description": "The token the council gave the provider with the callback's URL."},
            }},
        },
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        JSON_SORT_KEYS=False,
        PAGINATION_PAGE_SIZE=20,
    )
    app.config.update(config or {})
    app.json.sort_keys = False
    kernel = Kernel(service, settings, db or Database(settings.database_url, pool_size=settings.db_pool_size))
    app.extensions["casework"] = kernel

    api = CaseworkApi(app)
    api.ma_plugin.converter.add_attribute_function(decimal_as_string)
    for blueprint in service.blueprints():
        api.register_blueprint(blueprint)
    if service.importers:
        from .imports import blueprint as imports_blueprint

        api.register_blueprint(imports_blueprint(service.importers))
        app.view_functions["imports.Imports"].takes_csv = True
    app.extensions["casework_api"] = api

    app.register_error_handler(HTTPException, errors.handle_http_exception)
    app.register_error_handler(DBAPIError, errors.handle_database_error)
    app.register_error_handler(Exception, errors.handle_unexpected)
    app.before_request(_before)
    app.after_request(_after)
    app.teardown_request(_teardown)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(docs.blueprint)
    from casework import pages

    pages.install(app)
    if service.configure_app is not None:
        service.configure_app(app)
    return app


def _current() -> tuple[flask.Request, Any, Flask]:
    """The request, ``g`` and the app themselves, not their proxies: the request hooks run on
    every request, and each use of a proxy looks its object up again (POST /referrals: 55
    look-ups a request, a fiftieth of its CPU in process)."""
    return flask.request._get_current_object(), flask.g._get_current_object(), current_app._get_current_object()


def _before() -> Response | None:
    request, g, app = _current()
    g.started = time.perf_counter()
    headers = request.headers
    g.request_id = _clean_id(headers.get("X-Request-ID")) or str(uuid.uuid4())
    g.correlation_id = _clean_id(headers.get("X-Correlation-ID")) or g.request_id
    kernel: Kernel = app.extensions["casework"]
    g.context_tokens = [
        (context.service, context.service.set(kernel.service.name)),
        (context.correlation_id, context.correlation_id.set(g.correlation_id)),
        (context.causation_id, context.causation_id.set(g.request_id)),
        (context.traceparent, context.traceparent.set(headers.get("traceparent"))),
    ]
    g.principal = None
    view = app.view_functions.get(request.endpoint or "")
    header = headers.get("Authorization", "")
    if header and not getattr(view, "checks_own_token", False):
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return errors.problem(401, "Use an Authorization header of the form 'Bearer <token>'.",
                                  headers={"WWW-Authenticate": 'Bearer realm="casework"'})
        try:
            g.principal = kernel.verifier.verify(token.strip())
        except AuthError:
            return errors.problem(401, "The bearer token is not valid.",
                                  headers={"WWW-Authenticate": 'Bearer realm="casework", error="invalid_token"'})
        except KeysUnavailable:
            log.error("identity provider's keys unavailable")
            return errors.problem(503, "Tokens cannot be checked just now (the identity provider's keys are not "
                                  "available); try again shortly.", headers={"Retry-After": "5"})
        g.context_tokens.append((context.principal, context.principal.set(g.principal)))
    if request.content_length is None and request.environ.get("wsgi.input_terminated") and _has_body():
        too_large = _buffer_chunked_body()
        if too_large is not None:
            return too_large
    if request.method in ("POST", "PUT", "PATCH") and _has_body() and not _accepts_form(view) and not _takes_csv(view):
        if request.mimetype not in JSON_TYPES and not request.mimetype.endswith("+json"):
            return errors.problem(415, "Send the request body as application/json.")
        body = request.get_data(cache=True)
        if nests_too_deep(body):
            return errors.problem(400, f"The request body nests objects and lists more than {MAX_JSON_DEPTH} deep.")
        if _has_lone_surrogate(body):
            return errors.problem(400, "The request body has text that is not valid Unicode (a lone surrogate).")
    if request.method == "POST" and request.headers.get(idempotency.HEADER) and g.principal is not None:
        from .session import db_session

        return idempotency.lookup(db_session())
    return None


def _buffer_chunked_body() -> Response | None:
    """A chunked body over the limit is 413, as one with a Content-Length is.

    werkzeug stops reading a length-less body at the limit without saying so, which would
    hand the view a truncated body (answered 400 as broken JSON). Read it here instead.
    """
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if not limit:
        return None
    body = request.environ["wsgi.input"].read(limit + 1)
    if len(body) > limit:
        return errors.problem(413, f"The request body is larger than {limit} bytes.")
    request.environ["wsgi.input"] = io.BytesIO(body)
    request.environ["CONTENT_LENGTH"] = str(len(body))
    return None


#: No request of ours nests deeper than a handful of levels. A body nested a thousand deep
#: exhausts Python's recursion limit in whatever parses or copies it (json, marshmallow), and a
#: RecursionError is a 500: refuse it before anything parses it.
MAX_JSON_DEPTH = 32

# A string runs to its closing quote, or to the end of an unterminated body: the pattern never
# backtracks, so a body of a million escaped quotes is read once, not a million times.
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*(?:\\\Z)?(?:"|\Z)', re.DOTALL)
_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def nests_too_deep(body: bytes) -> bool:
    """Whether a JSON text nests deeper than ``MAX_JSON_DEPTH``. It cannot nest deeper than it has
    opening brackets (those inside strings included), so a body with no more than that (nearly
    all: a referral has 7) is not read string by string (``json_depth``: 2% of the instructions of
    POST /referrals in process, bench/NOTES.md)."""
    if body.count(b"[") + body.count(b"{") <= MAX_JSON_DEPTH:
        return False
    return json_depth(body) > MAX_JSON_DEPTH


def json_depth(body: bytes) -> int:
    """How deep a JSON text nests its arrays and objects (brackets inside strings do not count).

    Read without parsing, at C speed: strings dropped, every byte but a bracket dropped, and the
    running depth summed by ``accumulate``. Broken JSON gives some number; its parser says 400.
    """
    if b"[" not in body and b"{" not in body:
        return 0
    brackets = _JSON_STRING.sub(b"", body).translate(None, delete=_BRACKETS)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def _has_lone_surrogate(body: bytes) -> bool:
    """JSON may spell a lone UTF-16 surrogate (``"\\udac8"``), which no database can store."""
    if b"\\ud" not in body and b"\\uD" not in body:
        return False
    import json

    try:
        json.dumps(json.loads(body), ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    except ValueError:
        return False  # not JSON at all: the view's parser answers 400
    return False


def _has_body() -> bool:
    return bool(request.content_length) or request.headers.get("Transfer-Encoding") == "chunked"


def _accepts_form(view: Any) -> bool:
    return bool(getattr(view, "accepts_form", False))


def _takes_csv(view: Any) -> bool:
    """A view that takes a CSV file (``POST /imports/{kind}``): it answers a body of another type itself."""
    return bool(getattr(view, "takes_csv", False))


def _clean_id(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()[:64]
    return value if all(c.isalnum() or c in "-_.:" for c in value) else None


def _after(response: Response) -> Response:
    request, g, app = _current()
    response = _finish_transaction(response, request, g, app)
    if request.method == "GET" and response.status_code == 200 and response.mimetype == "application/json" \
            and "ETag" not in response.headers and not request.path.startswith("/openapi"):
        tag = _etag(response)
        response.headers["ETag"] = tag
        if tag in {t.strip() for t in request.headers.get("If-None-Match", "").split(",")}:
            response = app.response_class(status=304, headers={"ETag": tag})
    headers = response.headers
    headers["X-Request-ID"] = g.get("request_id", "")
    headers["X-Correlation-ID"] = g.get("correlation_id", "")
    _observe(response, request, g, app)
    return response


#: Above this size a GET's ETag is a weak one over the bytes sent, rather than a strong one over
#: canonical JSON (which means parsing the body again: 30 ms for a 2,000-bid shortlist). Bodies
#: that large are lists and shortlists, which no update checks with If-Match.
CANONICAL_ETAG_MAX_BYTES = 64 * 1024


def _etag(response: Response) -> str:
    body = response.get_data()
    if len(body) > CANONICAL_ETAG_MAX_BYTES:
        import hashlib

        return 'W/"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    return etag_of(response.get_json(silent=True))


def _finish_transaction(response: Response, request: flask.Request, g: Any, app: Flask) -> Response:
    session = g.pop("db_session", None)
    if session is None:
        return response
    try:
        if response.status_code < 400 and not response.headers.get("Idempotent-Replayed"):
            idempotency.remember(session, response)
            app.extensions["casework"].db.commit(session)
        else:
            session.rollback()
    except IntegrityError:
        session.rollback()
        # A concurrent request with the same Idempotency-Key won the race: answer as it did.
        found = idempotency.find(session) if request.headers.get(idempotency.HEADER) else None
        if found is not None:
            return idempotency.replay(found)
        return errors.problem(409, "The change conflicts with the current state of the record.")
    except DBAPIError as exc:
        session.rollback()
        return errors.handle_database_error(exc)
    finally:
        session.close()
    return response


def _observe(response: Response, request: flask.Request, g: Any, app: Flask) -> None:
    endpoint = request.url_rule.rule if request.url_rule else "unmatched"
    elapsed = time.perf_counter() - g.get("started", time.perf_counter())
    answered, latency = _request_metrics(app.extensions["casework"].service.name, request.method, endpoint,
                                         response.status_code)
    answered.inc()
    latency.observe(elapsed)
    if endpoint not in ("/healthz", "/readyz", "/metrics"):
        principal = g.get("principal")
        log.info("request", extra={"method": request.method, "route": endpoint, "status": response.status_code,
                                   "duration_ms": round(elapsed * 1000, 1),
                                   "actor": principal.sub if principal else None})


@functools.lru_cache(maxsize=4096)
def _request_metrics(service: str, method: str, endpoint: str, status: int) -> tuple[Any, Any]:
    """The request counter's and latency histogram's series for a route, method and status,
    looked up once: ``labels()`` takes a lock and checks its labels on every call. Routes are
    rules (``/referrals/<uuid:referral_id>``), not paths, so the series are few."""
    return (HTTP_REQUESTS.labels(service, method, endpoint, str(status)),
            HTTP_LATENCY.labels(service, method, endpoint))


def _teardown(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.rollback()
        session.close()
    for var, token in reversed(g.pop("context_tokens", [])):
        try:
            var.reset(token)
        except ValueError:
            pass


def multiprocess_metrics() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
