"""The web conventions every service gets, against a real PostgreSQL database."""

import threading

from sqlalchemy import func, select

from casework.audit import AuditEntry
from casework_dev.testing import at_once, bearer
from sample.service import Effect, Note

OFFICER = bearer("officer-1", "intake_officer")


def count(harness, model):
    with harness.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_create_writes_its_row_audit_outbox_and_timer_together(web):
    r = web.client.post("/notes", json={"text": "first"}, headers=OFFICER)
    assert r.status_code == 201
    assert count(web, Note) == 1
    with web.db.transaction() as session:
        entry = session.scalars(select(AuditEntry)).one()
        assert (entry.actor, entry.action, entry.record_id) == ("officer-1", "create", r.json["id"])
        assert entry.after["text"] == "first"
    [event] = web.events("sample.note.created.v1")
    assert event.data == {"note_id": r.json["id"]}


def test_validation_errors_are_problem_details_naming_the_field(web):
    r = web.client.post("/notes", json={"text": ""}, headers=OFFICER)
    assert r.status_code == 422
    assert r.content_type == "application/problem+json"
    assert r.json["errors"] == {"text": ["Length must be between 1 and 500."]}
    assert count(web, Note) == 0


def test_bad_requests_get_the_right_status(web):
    assert web.client.post("/notes", data="{oops", content_type="application/json", headers=OFFICER).status_code == 400
    assert web.client.post("/notes", data="text=x", content_type="text/plain", headers=OFFICER).status_code == 415
    assert web.client.post("/notes", data="x" * (1024 * 1024 + 1), content_type="application/json",
                           headers=OFFICER).status_code == 413
    assert web.client.delete("/notes", headers=OFFICER).status_code == 405
    assert web.client.get("/no-such-thing").status_code == 404
    assert web.client.post("/notes/conflict", headers=OFFICER).status_code == 409
    assert count(web, Note) == 0


def test_no_token_is_401_and_a_wrong_role_is_403(web):
    r = web.client.post("/notes", json={"text": "x"})
    assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Bearer")
    assert web.client.post("/notes", json={"text": "x"}, headers={"Authorization": "Bearer junk"}).status_code == 401
    assert web.client.post("/notes", json={"text": "x"}, headers=bearer("p", "referrer")).status_code == 403
    assert web.client.post("/notes", json={"text": "x"}, headers=bearer("a", "admin")).status_code == 201


def test_the_same_idempotency_key_and_body_replays_the_first_answer(web):
    headers = {**OFFICER, "Idempotency-Key": "key-1"}
    first = web.client.post("/notes", json={"text": "once"}, headers=headers)
    second = web.client.post("/notes", json={"text": "once"}, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.json == first.json and second.headers["Idempotent-Replayed"] == "true"
    assert count(web, Note) == 1 and len(web.events()) == 1


def test_the_same_idempotency_key_with_another_body_is_422(web):
    headers = {**OFFICER, "Idempotency-Key": "key-2"}
    web.client.post("/notes", json={"text": "one"}, headers=headers)
    r = web.client.post("/notes", json={"text": "two"}, headers=headers)
    assert r.status_code == 422 and "Idempotency-Key" in r.json["errors"]
    assert count(web, Note) == 1


def test_idempotency_keys_belong_to_their_caller(web):
    web.client.post("/notes", json={"text": "a"}, headers={**OFFICER, "Idempotency-Key": "shared"})
    other = bearer("officer-2", "intake_officer")
    r = web.client.post("/notes", json={"text": "a"}, headers={**other, "Idempotency-Key": "shared"})
    assert r.status_code == 201 and "Idempotent-Replayed" not in r.headers
    assert count(web, Note) == 2


def test_concurrent_requests_with_one_key_make_one_note(web):
    headers = {**OFFICER, "Idempotency-Key": "race"}
    results = []

    def post():
        with web.app.test_client() as client:
            results.append(client.post("/notes", json={"text": "race"}, headers=headers))

    threads = [threading.Thread(target=post) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.status_code == 201 for r in results)
    assert len({r.json["id"] for r in results}) == 1
    assert count(web, Note) == 1


def test_reads_are_audited_and_carry_an_etag(web):
    note = web.client.post("/notes", json={"text": "x"}, headers=OFFICER).json
    r = web.client.get(f"/notes/{note['id']}", headers=OFFICER)
    assert r.status_code == 200 and r.headers["ETag"]
    assert web.client.get(f"/notes/{note['id']}", headers={**OFFICER, "If-None-Match": r.headers["ETag"]}).status_code == 304
    with web.db.transaction() as session:
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[:2] == ["create", "read"]


def test_a_stale_if_match_is_412_and_changes_nothing(web):
    note = web.client.post("/notes", json={"text": "v1"}, headers=OFFICER).json
    etag = web.client.get(f"/notes/{note['id']}", headers=OFFICER).headers["ETag"]
    assert web.client.put(f"/notes/{note['id']}", json={"text": "v2"}, headers={**OFFICER, "If-Match": etag}).status_code == 200
    stale = web.client.put(f"/notes/{note['id']}", json={"text": "v3"}, headers={**OFFICER, "If-Match": etag})
    assert stale.status_code == 412
    assert web.client.get(f"/notes/{note['id']}", headers=OFFICER).json["text"] == "v2"


def test_an_update_that_requires_if_match_is_428_without_one_and_412_when_stale(web):
    note = web.client.post("/notes", json={"text": "v1"}, headers=OFFICER).json
    url = f"/notes/{note['id']}"
    etag = web.client.get(url, headers=OFFICER).headers["ETag"]

    for headers in (OFFICER, {**OFFICER, "If-Match": "*"}):
        missing = web.client.patch(url, json={"text": "v2"}, headers=headers)
        assert missing.status_code == 428 and missing.mimetype == "application/problem+json"
    assert web.client.patch(url, json={"text": "v2"}, headers={**OFFICER, "If-Match": etag}).status_code == 200
    assert web.client.patch(url, json={"text": "v3"}, headers={**OFFICER, "If-Match": etag}).status_code == 412
    assert web.client.get(url, headers=OFFICER).json["text"] == "v2"


def change(harness, url: str, text: str, etag: str):
    """A PUT sent with ``etag`` by a client of its own (its own request, session and connection)."""
    client = harness.client.application.test_client()
    return lambda: client.put(url, json={"text": text}, headers={**OFFICER, "If-Match": etag})


def test_two_updates_with_one_etag_have_one_winner(web):
    for _ in range(10):
        note = web.client.post("/notes", json={"text": "v1"}, headers=OFFICER).json
        etag = web.client.get(f"/notes/{note['id']}", headers=OFFICER).headers["ETag"]

        answers = at_once(change(web, f"/notes/{note['id']}", "left", etag),
                          change(web, f"/notes/{note['id']}", "right", etag))

        assert sorted(r.status_code for r in answers) == [200, 412]
        (won,) = [r.json for r in answers if r.status_code == 200]
        assert web.client.get(f"/notes/{note['id']}", headers=OFFICER).json == won and won["version"] == 2


def test_an_update_of_a_record_that_is_not_there_is_404(web):
    r = web.client.put("/notes/6f1c2a9e-3b7d-4c1e-9a55-0d2f8e7b6a41", json={"text": "x"},
                       headers={**OFFICER, "If-Match": '"x"'})

    assert r.status_code == 404 and r.mimetype == "application/problem+json"


def test_lists_paginate_with_the_x_pagination_header(web):
    for i in range(5):
        web.client.post("/notes", json={"text": f"n{i}"}, headers=OFFICER)
    r = web.client.get("/notes?page=2&page_size=2", headers=OFFICER)
    assert [n["text"] for n in r.json] == ["n2", "n3"]
    assert '"total": 5' in r.headers["X-Pagination"]
    assert web.client.get("/notes?page_size=0", headers=OFFICER).status_code == 422


def test_a_list_counts_its_rows_up_to_a_limit_and_one_more(web, monkeypatch):
    from casework.web import pagination

    for i in range(5):
        web.client.post("/notes", json={"text": f"n{i}"}, headers=OFFICER)
    monkeypatch.setattr(pagination, "COUNT_AT_MOST", 3)
    r = web.client.get("/notes?page=2&page_size=2", headers=OFFICER)
    assert [n["text"] for n in r.json] == ["n2", "n3"]
    assert '"total": 4' in r.headers["X-Pagination"]  # more than 3


def test_request_and_correlation_ids_are_echoed_and_put_on_events(web):
    r = web.client.post("/notes", json={"text": "x"},
                        headers={**OFFICER, "X-Request-ID": "req-42", "X-Correlation-ID": "corr-42",
                                 "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"})
    assert r.headers["X-Request-ID"] == "req-42" and r.headers["X-Correlation-ID"] == "corr-42"
    [event] = web.events("sample.note.created.v1")
    assert (event.causationid, event.correlationid) == ("req-42", "corr-42")
    assert event.traceparent.startswith("00-0af7")


def test_health_readiness_metrics_and_openapi(web):
    assert web.client.get("/healthz").json["status"] == "ok"
    assert web.client.get("/readyz").status_code == 200
    assert b"casework_http_requests_total" in web.client.get("/metrics").data
    spec = web.client.get("/openapi.json").json
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert spec["paths"]["/notes"]["post"]["x-roles"] == ["admin", "intake_officer"]
    assert spec["paths"]["/notes"]["post"]["responses"]["401"] == {"$ref": "#/components/responses/UNAUTHORIZED"}
    assert "application/problem+json" in spec["components"]["responses"]["UNPROCESSABLE_ENTITY"]["content"]
    assert count(web, Effect) == 0


def test_with_the_database_gone_the_api_answers_503_and_readyz_says_so(postgres_url, broker_url):
    from casework.db import Database
    from casework.web import create_app
    from sample.harness import make_harness

    harness = make_harness(postgres_url, broker_url)
    try:
        import dataclasses

        from sample.service import SERVICE

        dead = dataclasses.replace(harness.settings, database_url="postgresql://postgres@127.0.0.1:1/nothing")
        app = create_app(SERVICE, settings=dead, db=Database(dead.database_url))
        client = app.test_client()
        r = client.post("/notes", json={"text": "x"}, headers=OFFICER)
        assert r.status_code == 503 and r.headers["Retry-After"]
        assert r.content_type == "application/problem+json" and "Traceback" not in r.get_data(as_text=True)
        assert client.get("/readyz").status_code == 503
        assert client.get("/healthz").status_code == 200
    finally:
        harness.close()


def test_the_interactive_docs_load_their_assets_from_the_service_itself(web):
    page = web.client.get("/docs").get_data(as_text=True)
    assert "/docs/assets/swagger-ui-bundle.js" in page and "cdn." not in page
    bundle = web.client.get("/docs/assets/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and len(bundle.data) > 100_000
    assert web.client.get("/docs/assets/swagger-ui.css").status_code == 200
    assert web.client.get("/docs/assets/../../etc/passwd").status_code == 404
