"""The pages' signed-cookie session: a request without the cookie (an API call with a bearer
token) gets Flask's empty session without the cookie's signer being built for it."""

from flask import Flask, session

from casework.pages import _SessionInterface


def app_with_sessions(secret: str | None = "s3cret") -> Flask:
    app = Flask(__name__)
    app.secret_key = secret
    app.session_interface = _SessionInterface()

    @app.get("/read")
    def read():
        return {"who": session.get("who"), "kind": type(session._get_current_object()).__name__}

    @app.get("/write")
    def write():
        session["who"] = "officer-jo"
        return {}

    return app


def counting_signers(monkeypatch) -> list:
    built = []
    original = _SessionInterface.get_signing_serializer

    def counted(self, app):
        built.append(app)
        return original(self, app)

    monkeypatch.setattr(_SessionInterface, "get_signing_serializer", counted)
    return built


def test_a_request_without_the_cookie_gets_an_empty_session_without_building_the_signer(monkeypatch):
    built = counting_signers(monkeypatch)
    answer = app_with_sessions().test_client().get("/read", headers={"Authorization": "Bearer x"})
    assert answer.json == {"who": None, "kind": "SecureCookieSession"}
    assert "Set-Cookie" not in answer.headers
    assert built == []


def test_a_request_with_the_cookie_reads_it_as_before(monkeypatch):
    client = app_with_sessions().test_client()
    client.get("/write")  # sets the signed cookie
    built = counting_signers(monkeypatch)
    assert client.get("/read").json == {"who": "officer-jo", "kind": "SecureCookieSession"}
    assert built  # the cookie was checked with the signer


def test_without_a_secret_the_session_is_flasks_null_session():
    assert app_with_sessions(secret=None).test_client().get("/read").json["kind"] == "NullSession"
