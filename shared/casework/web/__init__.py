"""Web conventions shared by every service: problem details, idempotency, ETags, pagination,
health, metrics, one committed session per request."""

from .app import create_app
from .blueprint import Blueprint
from .errors import ProblemSchema, abort, invalid, problem
from .etag import check_if_match, etag_of
from .pagination import SelectPage
from .ratelimit import rate_limited
from .session import db_session

__all__ = [
    "Blueprint",
    "ProblemSchema",
    "SelectPage",
    "abort",
    "check_if_match",
    "create_app",
    "db_session",
    "etag_of",
    "invalid",
    "problem",
    "rate_limited",
]
