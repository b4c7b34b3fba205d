"""``path_for``: a record's path for a Location header, as ``url_for`` gives it, built once per rule."""

import uuid
from urllib.parse import quote

import pytest
from flask import Flask, url_for
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import BuildError

from casework.web import path_for


@pytest.fixture
def app():
    app = Flask(__name__)
    app.add_url_rule("/referrals/<uuid:referral_id>", "referral", lambda referral_id: "")
    app.add_url_rule("/cases/<uuid:case_id>/notes/<uuid:note_id>", "note", lambda case_id, note_id: "")
    app.add_url_rule("/pages/<int:number>", "page", lambda number: "")
    both = lambda thing_id: ""  # noqa: E731
    app.add_url_rule("/both/<uuid:thing_id>", "both", both)
    app.add_url_rule("/both/<uuid:thing_id>/again", "both", both)
    return app


@pytest.mark.parametrize("script_name", ["", "/intake", "/councils/mk/intake", "/odd path/ünïcode"])
def test_the_path_is_url_fors_under_any_prefix(app, script_name):
    case, note = uuid.uuid4(), uuid.uuid4()
    for _ in range(2):  # built on the first call, put together on the second
        referral = uuid.uuid4()
        with app.test_request_context("/", base_url=f"http://localhost{quote(script_name)}"):
            assert path_for("referral", referral_id=referral) == url_for("referral", referral_id=referral)
            assert path_for("note", case_id=case, note_id=note) == url_for("note", case_id=case, note_id=note)
            assert path_for("referral", referral_id=referral) == f"{script_name}/referrals/{referral}"


def test_a_proxys_prefix_is_kept(app):
    app.wsgi_app = ProxyFix(app.wsgi_app, x_prefix=1)
    app.add_url_rule("/where", "where", lambda: path_for("referral", referral_id=uuid.UUID(int=5)))
    with app.test_client() as client:
        first = client.get("/where", headers={"X-Forwarded-Prefix": "/intake"})
        second = client.get("/where", headers={"X-Forwarded-Prefix": "/elsewhere"})
        bare = client.get("/where")
    assert first.text == f"/intake/referrals/{uuid.UUID(int=5)}"
    assert second.text == f"/elsewhere/referrals/{uuid.UUID(int=5)}"
    assert bare.text == f"/referrals/{uuid.UUID(int=5)}"


def test_the_rule_is_built_once(app, monkeypatch):
    with app.test_request_context("/"):
        path_for("referral", referral_id=uuid.uuid4())
        monkeypatch.setattr("casework.web.paths.url_for", None)  # called again: TypeError
        monkeypatch.setattr(app.url_map, "bind", None)
        referral = uuid.uuid4()
        assert path_for("referral", referral_id=referral) == f"/referrals/{referral}"


def test_what_cannot_simply_be_put_in_is_left_to_url_for(app):
    thing = uuid.uuid4()
    with app.test_request_context("/", base_url="http://localhost/x"):
        assert path_for("page", number=3) == "/x/pages/3"  # not a UUID rule
        assert path_for("both", thing_id=thing) == url_for("both", thing_id=thing)  # two rules
        assert path_for("referral", referral_id=str(thing)) == f"/x/referrals/{thing}"  # not a UUID value
        assert path_for("referral", referral_id=thing, extra="1") == f"/x/referrals/{thing}?extra=1"
        with pytest.raises(BuildError):
            path_for("nowhere", referral_id=thing)


def test_url_defaults_hooks_are_honoured(app):
    seen = []
    app.url_defaults(lambda endpoint, values: seen.append(endpoint))
    with app.test_request_context("/"):
        path_for("referral", referral_id=uuid.uuid4())
        path_for("referral", referral_id=uuid.uuid4())
    assert seen == ["referral", "referral"]
