"""Every time notifications answers with carries its offset, on both backends (SQLite once read
them back naive)."""

import datetime as dt
import uuid

from notifications_support import ADMIN, add_directory, case, handle

from casework.testing import bearer, naive_times, stored_times

TSO = bearer("o-tso", "sustainment_officer")


def test_every_record_read_back_gives_its_times_with_an_offset(notifications):
    add_directory(notifications)
    case_id = uuid.uuid4()
    handle(notifications, case("opened", case_id))
    handle(notifications, case("assigned", case_id))
    subscription = notifications.client.post("/subscriptions", headers=ADMIN, json={
        "url": "http://127.0.0.1:9/hook", "event_types": ["notifications.task.created.v1"],
        "secret": "a-webhook-secret-of-enough-length-0123456789"})
    assert subscription.status_code == 201, subscription.json
    task = notifications.client.get("/tasks", headers=ADMIN).json[0]

    read = {path: notifications.client.get(path, headers=TSO if path == "/notifications" else ADMIN) for path in (
        "/officers", "/officers/o-tso", "/teams", "/teams/sustainment", "/tasks", f"/tasks/{task['id']}",
        "/notifications", "/subscriptions", f"/subscriptions/{subscription.json['id']}", "/deliveries")}

    assert {path: r.status_code for path, r in read.items()} == dict.fromkeys(read, 200)
    assert {path: naive_times(r.json) for path, r in read.items()} == dict.fromkeys(read, [])
    assert read[f"/tasks/{task['id']}"].json["created_at"].endswith("+00:00")
    stored = stored_times(notifications)  # and as stored: every time column read back aware in UTC
    assert stored and {column: zones for column, zones in stored.items() if zones != {dt.UTC}} == {}
