"""``create_app``: the intake api (gunicorn serves ``intake.app:create_app()``)."""

from casework.web import create_app as _create_app
from intake.service import SERVICE


def create_app(config: dict | None = None):
    return _create_app(SERVICE, config=config)
