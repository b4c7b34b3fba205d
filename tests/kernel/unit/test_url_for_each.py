"""Links to many records in one page (casework.web.url_for_each): ``url_for`` built once,
each key put in its place, the same URL character for character as ``url_for`` gives."""

import pytest
from flask import Blueprint, Flask, url_for
from werkzeug.routing import BuildError

from casework.web import paths as links

KEYS = ["o-tso", "R-000123", "with space", "ünïcode", "a/b", "100%", "q?x=1", "#frag", "", 42]


def app() -> Flask:
    app = Flask(__name__)
    pages = Blueprint("pages", __name__)

    @pages.get("/app/officers/<officer_id>")
    def officer(officer_id):
        return officer_id

    @pages.get("/app/cases/<int:number>/visits/<visit_id>")
    def visit(number, visit_id):
        return visit_id

    @pages.get("/app/one/<key>")
    @pages.get("/app/other/<key>/page")
    def two_rules(key):
        return key

    app.register_blueprint(pages)
    return app


@pytest.mark.parametrize("key", KEYS, ids=repr)
def test_each_link_is_url_fors(key):
    with app().test_request_context("/app/"):
        assert links.url_for_each("pages.officer", "officer_id")(key) == url_for("pages.officer", officer_id=key)


def test_with_other_values_and_query_arguments():
    with app().test_request_context("/app/"):
        made = links.url_for_each("pages.visit", "visit_id", number=7, tab="notes", _anchor="visits")
        assert [made(key) for key in KEYS[:-2]] == [url_for("pages.visit", number=7, visit_id=key, tab="notes",
                                                            _anchor="visits") for key in KEYS[:-2]]


def test_url_for_is_asked_once_not_for_every_link(monkeypatch):
    asked = []
    original = links.url_for
    monkeypatch.setattr(links, "url_for", lambda *a, **k: asked.append(a) or original(*a, **k))
    with app().test_request_context("/app/"):
        made = links.url_for_each("pages.officer", "officer_id")
        urls = [made(f"o-{n}") for n in range(300)]
    assert len(asked) == 1 and urls[7] == "/app/officers/o-7"


def test_where_it_cannot_be_sure_each_link_is_url_for_itself(monkeypatch):
    asked = []
    original = links.url_for
    monkeypatch.setattr(links, "url_for", lambda *a, **k: asked.append(a) or original(*a, **k))
    with app().test_request_context("/app/"):
        two = links.url_for_each("pages.two_rules", "key")
        assert two("x") == original("pages.two_rules", key="x")
        query = links.url_for_each("pages.officer", "page", officer_id="o-1")  # a query argument, not the rule's
        assert query(2) == original("pages.officer", officer_id="o-1", page=2)
        numbered = links.url_for_each("pages.visit", "number", visit_id="v1")  # an int converter
        assert numbered(12) == original("pages.visit", number=12, visit_id="v1") == "/app/cases/12/visits/v1"
    assert len(asked) == 3


def test_two_keys_in_either_order_and_uuids():
    import uuid

    app = Flask(__name__)
    app.add_url_rule("/cases/<uuid:case_id>/notes/<note_id>", "note", lambda case_id, note_id: "")
    with app.test_request_context("/", base_url="http://localhost/intake"):
        made = links.url_for_each("note", "note_id", "case_id", tab="x")
        for case in (uuid.uuid4(), str(uuid.uuid4())):
            for note in KEYS[:-2]:
                assert made(note, case) == url_for("note", case_id=case, note_id=note, tab="x")
        with pytest.raises(BuildError):
            made("only one")  # as url_for would: a key left out
