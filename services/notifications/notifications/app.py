"""``create_app``: the notifications api (gunicorn serves ``notifications.app:create_app()``)."""

from casework.web import create_app as _create_app
from notifications.service import SERVICE


def create_app(config: dict | None = None):
    return _create_app(SERVICE, config=config)
