"""A record's URL for a ``Location`` header, as ``url_for`` gives it, without building it each time."""

from __future__ import annotations

import uuid
from typing import Any

import flask
from flask import current_app, url_for
from werkzeug.routing import UUIDConverter

_TEMPLATES = "casework.paths"


def path_for(endpoint: str, **ids: Any) -> str:
    """``url_for(endpoint, **ids)``: the path of a rule whose variable parts are all UUIDs
    (``/referrals/<uuid:referral_id>``), under the request's script root (``SCRIPT_NAME``, which a
    proxy's prefix sets), so right behind a proxy as ``url_for`` is.

    The rule's path is built once, with stand-in ids, and each call puts the ids in its place:
    ``url_for`` matched the endpoint, ran the URL-defaults hooks and the rule's builder every time
    (POST /referrals: 0.07-0.2 ms of about 4, bench/NOTES.md, twelfth pass). Any other rule, or an
    app with URL-defaults hooks, or a value that is not a UUID, goes to ``url_for``."""
    app = current_app._get_current_object()
    templates = app.extensions.setdefault(_TEMPLATES, {})
    key = (endpoint, tuple(ids))
    template = templates.get(key)
    if template is None:
        template = templates[key] = _template(app, endpoint, tuple(ids))
    if not template or not all(type(value) is uuid.UUID for value in ids.values()):
        return url_for(endpoint, **ids)
    path, stand_ins = template
    for name, value in ids.items():
        path = path.replace(stand_ins[name], str(value))
    return flask.request.script_root + path


def _template(app: flask.Flask, endpoint: str, names: tuple[str, ...]) -> tuple[str, dict[str, str]] | bool:
    """The rule's path with a stand-in id for each name, from the script root's ``/``; False when
    the ids cannot simply be put in (``url_for`` is asked every time then)."""
    try:
        rules = list(app.url_map.iter_rules(endpoint))
    except KeyError:  # no such endpoint: url_for says so
        return False
    if len(rules) != 1 or any(app.url_default_functions.values()):
        return False
    rule = rules[0]
    if rule.arguments != set(names) or rule.defaults or rule.subdomain or rule.host \
            or not all(type(rule._converters.get(name)) is UUIDConverter for name in names):
        return False
    stand_ins = {name: uuid.uuid4() for name in names}
    path = app.url_map.bind("localhost", script_name="/").build(endpoint, stand_ins)
    return path, {name: str(value) for name, value in stand_ins.items()}
