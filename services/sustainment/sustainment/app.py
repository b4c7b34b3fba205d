"""``create_app``: the sustainment api (gunicorn serves ``sustainment.app:create_app()``)."""

from casework.web import create_app as _create_app
from sustainment.service import SERVICE


def create_app(config: dict | None = None):
    return _create_app(SERVICE, config=config)
