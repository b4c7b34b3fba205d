"""A route's URL built once, each record's key put in its place: ``url_for``'s answer, character
for character, without asking ``url_for`` for every record.

``url_for`` resolves the endpoint, runs the URL-defaults hooks and builds the rule each call:
10–40 µs on a page (a fifth of the officers' directory's time: bench/NOTES.md, "Pages at full
size (pages)") and 0.07–0.2 ms of a ``POST /referrals`` (its Location, "twelfth pass").

- ``url_for_each(endpoint, "key", **values)`` is for a list: a function of the key that a page
  calls for each row::

      {% set officer_url = url_for_each("inbox_page.officer", "officer_id") %}
      {% for officer in officers %}<a href="{{ officer_url(officer.id) }}">…{% endfor %}

- ``path_for(endpoint, **ids)`` is for one record, request after request (a ``Location``): the
  same function, kept per app, endpoint and script root.

Where it cannot be sure of giving ``url_for``'s answer (an endpoint with more than one rule, a
key that is not a plain-string or UUID part of the rule's path, a host or subdomain rule, an app
with URL-defaults hooks), each call is ``url_for`` itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flask
from flask import current_app, url_for
from werkzeug.routing import UnicodeConverter, UUIDConverter

#: Stands for the n-th key while the URL is built once (letters and a number: no converter changes it).
MARKER = "caseworkurlkey{}marker"
#: Converters whose ``to_url`` of a value is all the rule does with it.
_PLAIN = (UnicodeConverter, UUIDConverter)
_KEPT = "casework.paths"
#: Built functions kept per app (an endpoint under each script root a proxy gives; bounded).
_MOST_KEPT = 1024


def url_for_each(endpoint: str, *keys: str, **values: Any) -> Callable[..., str]:
    """A function of the keys' values, in their order: ``url_for(endpoint, **values, key=value…)``."""

    def each(*given: Any) -> str:
        return url_for(endpoint, **values, **dict(zip(keys, given, strict=False)))  # url_for names a missing key

    app = current_app
    rules = app.url_map._rules_by_endpoint.get(endpoint, [])
    if len(rules) != 1 or not keys or any(app.url_default_functions.values()):
        return each
    rule = rules[0]
    to_url = [getattr(rule._converters.get(key), "to_url", None) for key in keys]
    markers = [MARKER.format(n) for n in range(len(keys))]
    if rule.host or rule.subdomain or not all(type(rule._converters.get(key)) in _PLAIN for key in keys) \
            or any(convert(marker) != marker for convert, marker in zip(to_url, markers, strict=True)):
        return each
    built = url_for(endpoint, **values, **dict(zip(keys, markers, strict=True)))
    if any(built.count(marker) != 1 for marker in markers):
        return each
    where = sorted(range(len(keys)), key=lambda n: built.index(markers[n]))
    pieces, rest = [], built
    for n in where:
        piece, rest = rest.split(markers[n])
        pieces.append(piece)
    last = rest
    if len(keys) == 1:
        before, convert = pieces[0], to_url[0]
        return lambda value: f"{before}{convert(value)}{last}"

    def quick(*given: Any) -> str:
        if len(given) != len(keys):
            return each(*given)  # url_for's own error
        return "".join(piece + to_url[n](given[n]) for piece, n in zip(pieces, where, strict=True)) + last

    return quick


def path_for(endpoint: str, **ids: Any) -> str:
    """``url_for(endpoint, **ids)`` in a request, under its script root (``SCRIPT_NAME``, which a
    proxy's prefix sets), so right behind a proxy as ``url_for`` is; built once per app,
    endpoint, names and script root."""
    app = current_app._get_current_object()
    kept = app.extensions.setdefault(_KEPT, {})
    key = (endpoint, tuple(ids), flask.request.script_root)
    fill = kept.get(key)
    if fill is None:
        fill = url_for_each(endpoint, *ids)
        if len(kept) < _MOST_KEPT:
            kept[key] = fill
    return fill(*ids.values())
