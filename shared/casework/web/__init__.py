"""Web conventions shared by every service: problem details, idempotency, ETags, pagination,
health, metrics, one committed session per request."""

from .app import create_app
from .blueprint import Blueprint
from .errors import ProblemSchema, abort, invalid, problem
from .etag import etag_of, load_for_update
from .pagination import SelectPage
from .paths import path_for, url_for_each
from .ratelimit import rate_limited
from .records import get_or_404
from .session import db_session

__all__ = [
    "Blueprint",
    "ProblemSchema",
    "SelectPage",
    "abort",
    "create_app",
    "db_session",
    "etag_of",
    "get_or_404",
    "invalid",
    "load_for_update",
    "path_for",
    "problem",
    "rate_limited",
    "url_for_each",
]
