"""Links to many records in one page: ``url_for`` once, each record's key put in its place.

A list of 300 officers, or 25 referrals with their duplicates, asks ``url_for`` for each row's
link: 10–40 µs a call (the endpoint resolved, URL defaults injected, the rule found and built),
a fifth of the officers' directory's time (bench/NOTES.md, "Pages at full size (pages)").
``url_for_each(endpoint, "key")`` builds the URL once with a marker for the key and gives a
function that puts each key in the marker's place, converted as the rule's own converter converts
it for ``url_for``: the same URL, character for character. Where it cannot be sure of that (an
endpoint with more than one rule, a key that is not a plain string of the path), each call is
``url_for`` itself::

    {% set officer_url = url_for_each("inbox_page.officer", "officer_id") %}
    {% for officer in officers %}<a href="{{ officer_url(officer.id) }}">…{% endfor %}
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, url_for
from werkzeug.routing import UnicodeConverter

#: Stands for the key while the URL is built once (no rule converts it: letters only).
MARKER = "caseworkurlkeymarker"


def url_for_each(endpoint: str, key: str, **values: Any) -> Callable[[Any], str]:
    """A function of one value: ``url_for(endpoint, **values, key=value)``."""

    def each(value: Any) -> str:
        return url_for(endpoint, **values, **{key: value})

    rules = current_app.url_map._rules_by_endpoint.get(endpoint, [])
    if len(rules) != 1 or type(rules[0]._converters.get(key)) is not UnicodeConverter:
        return each  # not one rule, or the key not one of its path's plain strings
    to_url = rules[0]._converters[key].to_url
    built = url_for(endpoint, **values, **{key: MARKER})
    if built.count(MARKER) != 1 or to_url(MARKER) != MARKER:
        return each
    before, after = built.split(MARKER)

    def quick(value: Any) -> str:
        return f"{before}{to_url(value)}{after}"

    return quick
