"""The officer directory, teams, the inbox and the OpenAPI document."""

import uuid

import pytest
from notifications_support import ADMIN, add_directory, case, handle

from casework_dev.testing import bearer

TSO = bearer("o-tso", "sustainment_officer")
OFFICER = {"id": "o-new", "name": "N Officer", "email": "n.officer@council.test", "teams": ["lettings"],
           "roles": ["lettings_officer"]}


def test_an_admin_adds_an_officer_and_every_officer_can_read_the_directory(notifications):
    r = notifications.client.post("/officers", json=OFFICER, headers=ADMIN)

    assert r.status_code == 201
    assert r.json == {**OFFICER, "active": True, "email_preference": "immediate", "away_from": None,
                      "away_until": None, "cover_id": None}
    assert notifications.client.get("/officers/o-new", headers=TSO).json["name"] == "N Officer"
    listed = notifications.client.get("/officers", query_string={"team": "lettings"}, headers=TSO)
    assert [o["id"] for o in listed.json] == ["o-new"] and listed.headers["X-Pagination"]


def test_only_an_admin_may_change_the_directory(notifications):
    assert notifications.client.post("/officers", json=OFFICER, headers=TSO).status_code == 403
    assert notifications.client.post("/teams", json={"slug": "asb", "name": "ASB"}, headers=TSO).status_code == 403
    assert notifications.client.post("/officers", json=OFFICER).status_code == 401


def test_a_duplicate_or_invalid_officer_is_refused_with_problem_details(notifications):
    notifications.client.post("/officers", json=OFFICER, headers=ADMIN)

    again = notifications.client.post("/officers", json=OFFICER, headers=ADMIN)
    assert again.status_code == 409 and again.mimetype == "application/problem+json"
    bad = notifications.client.post("/officers", json={**OFFICER, "id": "o-2", "email": "nope", "roles": ["king"]},
                                    headers=ADMIN)
    assert bad.status_code == 422 and {"email", "roles.0"} <= set(bad.json["errors"])
    assert notifications.client.get("/officers/nobody", headers=ADMIN).status_code == 404


def test_an_update_with_a_stale_etag_is_refused(notifications):
    notifications.client.post("/officers", json=OFFICER, headers=ADMIN)
    etag = notifications.client.get("/officers/o-new", headers=ADMIN).headers["ETag"]
    change = {k: v for k, v in OFFICER.items() if k != "id"} | {"teams": ["lettings", "intake"]}

    ok = notifications.client.put("/officers/o-new", json=change, headers={**ADMIN, "If-Match": etag})
    stale = notifications.client.put("/officers/o-new", json=change, headers={**ADMIN, "If-Match": etag})

    assert ok.status_code == 200 and ok.json["teams"] == ["lettings", "intake"]
    assert stale.status_code == 412


def test_a_team_has_a_manager_and_a_new_manager_receives_escalations(notifications):
    add_directory(notifications)
    team = notifications.client.get("/teams/sustainment", headers=TSO).json
    assert team == {"slug": "sustainment", "name": "Sustainment", "manager_id": "o-leader", "shared_queue": True}

    r = notifications.client.put("/teams/sustainment", json={"name": "Tenancy sustainment", "manager_id": "o-tso"},
                                 headers=ADMIN)

    assert r.status_code == 200 and r.json["manager_id"] == "o-tso"
    assert notifications.client.post("/teams", json={"slug": "sustainment", "name": "Again"},
                                     headers=ADMIN).status_code == 409
    assert notifications.client.post("/teams", json={"slug": "Bad Slug", "name": "x"},
                                     headers=ADMIN).status_code == 422


def test_an_officer_reads_their_inbox_and_marks_messages_read(notifications):
    add_directory(notifications)
    case_id = uuid.uuid4()
    handle(notifications, case("opened", case_id))
    handle(notifications, case("assigned", case_id))
    (message,) = notifications.client.get("/notifications", query_string={"unread": "true"}, headers=TSO).json
    assert message["read"] is False

    read = notifications.client.post(f"/notifications/{message['id']}/read", headers=TSO)

    assert read.status_code == 200 and read.json["read"] is True
    assert notifications.client.get("/notifications", query_string={"unread": "true"}, headers=TSO).json == []
    leader = bearer("o-leader", "team_leader")
    assert notifications.client.post(f"/notifications/{message['id']}/read", headers=leader).status_code == 404
    assert notifications.client.get("/notifications", query_string={"recipient": "o-tso"},
                                    headers=leader).status_code == 403


def test_the_openapi_document_describes_every_operation(notifications):
    from openapi_spec_validator import validate

    spec = notifications.client.get("/openapi.json").json
    validate(spec)
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            assert operation.get("summary"), f"{method} {path} has no summary"
            if operation.get("x-checks-own-token"):  # a provider's callback, with the token shared with it
                assert operation.get("security") == [{"callbackToken": []}] and "401" in operation["responses"]
                continue
            assert operation.get("security") == [{"bearerAuth": []}], f"{method} {path} is not secured"
            assert "401" in operation["responses"] and "403" in operation["responses"]


@pytest.fixture
def any_notifications(notifications):
    """``notifications`` itself, which runs on PostgreSQL and on the embedded SQLite file."""
    return notifications


def test_the_directory_lists_the_officers_in_a_team_or_with_a_role_on_either_database(any_notifications):
    client = any_notifications.client
    for officer_id, teams, roles in (("o-north", ["sustainment_north"], ["sustainment_officer"]),
                                     ("o-both", ["intake", "sustainment"], ["intake_officer", "team_leader"]),
                                     ("o-none", [], [])):
        r = client.post("/officers", json={"id": officer_id, "name": officer_id, "email": f"{officer_id}@council.test",
                                           "teams": teams, "roles": roles}, headers=ADMIN)
        assert r.status_code == 201, r.json

    def listed(**query):
        return [o["id"] for o in client.get("/officers", query_string=query, headers=TSO).json]

    assert listed(team="sustainment") == ["o-both"]  # a whole slug, not part of one
    assert listed(team="sustainment_north") == ["o-north"]
    assert listed(role="team_leader") == ["o-both"]
    assert listed(team="intake", role="intake_officer") == ["o-both"]
    assert listed(team="lettings") == []


@pytest.mark.parametrize("path", ["/officers", "/tasks"])
def test_a_team_with_a_nul_byte_is_refused_naming_the_field(any_notifications, path):
    r = any_notifications.client.get(path, query_string={"team": "sustain\x00ment"}, headers=TSO)

    assert r.status_code == 422, r.json
    assert r.json["errors"] == {"team": ["Use lower-case letters, digits and underscores."]}, r.json
