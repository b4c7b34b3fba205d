"""``create_app``: the lettings api (gunicorn serves ``lettings.app:create_app()``)."""

from casework.web import create_app as _create_app
from lettings.service import SERVICE


def create_app(config: dict | None = None):
    return _create_app(SERVICE, config=config)
