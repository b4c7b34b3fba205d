"""The officers' web inbox at /app/inbox, through the Flask test client on both backends."""

import base64
import dataclasses
import datetime as dt
import re
import uuid
import zlib

import pytest
from notifications_support import ADMIN, add_directory, case, event, handle, referral

from casework_dev.testing import bearer
from casework_dev.testing.pages import COOKIE, csrf
from casework_dev.testing.pages import sign_in as dev_sign_in
from notifications.web import EXTENSION

TSO = bearer("o-tso", "sustainment_officer")


def sign_in(client, officer_id: str = "o-tso") -> str:
    """Development sign-in as an officer from the directory; returns the inbox page's HTML."""
    r = dev_sign_in(client, officer_id)
    assert r.headers["Location"].endswith("/app/")
    return client.get("/app/inbox").get_data(as_text=True)


@pytest.fixture
def client(notifications):
    add_directory(notifications)
    with notifications.app.test_client() as browser:
        yield browser


def task_id(harness, title: str, headers=ADMIN) -> str:
    return next(t["id"] for t in harness.client.get("/tasks", headers=headers).json if t["title"] == title)


def test_without_a_session_the_inbox_sends_you_to_sign_in_and_back(client):
    r = client.get("/app/inbox")

    assert r.status_code == 303
    assert r.headers["Location"] == "http://127.0.0.1:8004/app/sign-in?next=http%3A%2F%2Flocalhost%2Fapp%2Finbox"


def test_the_old_address_redirects_to_the_new(client):
    r = client.get("/inbox")

    assert r.status_code == 301 and r.headers["Location"].endswith("/app/inbox")


def test_development_sign_in_lists_officers_from_the_directory(client):
    page = client.get("/app/sign-in").get_data(as_text=True)

    assert "Development: which officer are you?" in page
    for officer in ("o-intake", "o-tso", "o-leader", "o-lettings"):
        assert f'value="{officer}"' in page


def test_the_session_cookie_is_http_only_and_same_site(client):
    client.get("/app/sign-in")

    cookie = client.get_cookie(COOKIE)
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax" and cookie.path == "/"


def test_the_inbox_shows_my_tasks_overdue_first_my_teams_queue_and_my_unread_messages(client, notifications):
    case_id = uuid.uuid4()
    handle(notifications, case("opened", case_id))   # "Assign case" waits in the sustainment queue
    handle(notifications, referral())                # intake's queue: not o-tso's team
    other = uuid.uuid4()
    handle(notifications, case("opened", other, reference="C-000046", case_type="onboarding"))
    handle(notifications, case("assigned", other, reference="C-000046", case_type="onboarding"))
    late = uuid.uuid4()
    handle(notifications, case("opened", late, reference="C-000047"))
    handle(notifications, case("assigned", late, reference="C-000047",
                               first_contact_due=dt.datetime(2020, 1, 6, 17, tzinfo=dt.UTC)))

    page = sign_in(client)

    mine = page[page.index('id="mine-list"'):page.index('id="queue-heading"')]
    assert mine.index("First contact for case C-000047") < mine.index("settling-in visit for case C-000046")
    assert "days overdue" in mine and re.search(r"govuk-tag--red\">\s*Overdue\s*</strong>", mine)
    queue = page[page.index('id="queue-list"'):page.index('id="notifications-heading"')]
    assert "Assign case C-000045" in queue and "Take this task" in queue
    assert "Triage referral" not in page
    assert "Onboarding case C-000046 has been assigned to you" in page
    assert "/docs" not in page  # every task leads where its work is done, saying what it opens
    assert f'<a class="govuk-link" href="http://127.0.0.1:8002/app/cases/{late}">Open case C-000047</a>' in mine


def readable(cookie: str) -> str:
    """What anyone holding the cookie can read: itsdangerous's payload is base64 JSON (zlib'd after a dot)."""
    compressed = cookie.startswith(".")
    payload = cookie.removeprefix(".").split(".")[0]
    data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return (zlib.decompress(data) if compressed else data).decode()


def test_the_session_cookie_holds_no_token_the_api_would_take(client, notifications):
    sign_in(client)
    cookie = readable(client.get_cookie(COOKIE).value)

    assert "eyJ" not in cookie  # no JWT (a JSON header, base64)
    for value in re.findall(r'"([^"]{16,})"', cookie):
        r = notifications.client.get("/tasks", headers={"Authorization": f"Bearer {value}"})
        assert r.status_code == 401, f"{value!r} from the cookie is accepted by the API"


def test_sign_out_deletes_the_cookie_and_the_inbox_asks_to_sign_in_again(client):
    page = sign_in(client)

    out = client.post("/app/sign-out", data={"csrf_token": csrf(page)})
    after = client.get("/app/inbox")

    assert out.status_code == 303 and out.headers["Location"] == "http://127.0.0.1:8004/app/sign-in"
    assert client.get_cookie(COOKIE) is None or "officer" not in readable(client.get_cookie(COOKIE).value)
    assert after.status_code == 303 and "/app/sign-in" in after.headers["Location"]


def test_after_sign_out_a_copy_of_the_cookie_signs_nobody_in(client, notifications):
    page = sign_in(client)
    copy = client.get_cookie(COOKIE).value
    client.post("/app/sign-out", data={"csrf_token": csrf(page)})

    with notifications.app.test_client() as thief:
        thief.set_cookie(COOKIE, copy)
        inbox = thief.get("/app/inbox")
        thief.set_cookie(COOKIE, copy)  # the refusal deleted it from the thief's client
        poll = thief.get("/app/inbox/updates?since=2026-01-01T00:00:00Z", headers={"Accept": "application/json"})

    assert inbox.status_code == 303 and "/app/sign-in" in inbox.headers["Location"]
    assert poll.status_code == 401 and poll.mimetype == "application/problem+json"
    # A sign-in never signed out is untouched.
    with notifications.app.test_client() as other:
        sign_in(other, "o-leader")
        assert other.get("/app/inbox").status_code == 200


def test_a_sign_in_ends_when_its_time_is_up(client, notifications):
    pages = notifications.app.extensions["casework_pages"]
    settings = pages.settings
    try:
        pages.settings = dataclasses.replace(settings, lifetime=dt.timedelta(seconds=-1))
        sign_in(client)
    finally:
        pages.settings = settings

    assert client.get("/app/inbox").status_code == 303


def test_a_forged_cookie_signs_nobody_in(client, notifications):
    sign_in(client)
    good = client.get_cookie(COOKIE).value
    body = readable(good).replace("sustainment_officer", "admin")
    forged = base64.urlsafe_b64encode(body.encode()).decode().rstrip("=") + "." + good.split(".", 2)[-1]
    client.set_cookie(COOKIE, forged)

    assert client.get("/app/inbox").status_code == 303


def test_a_task_that_closes_itself_has_no_mark_as_done_and_says_what_closes_it(client, notifications):
    case_id = uuid.uuid4()
    handle(notifications, case("opened", case_id))
    handle(notifications, case("assigned", case_id))
    page = sign_in(client)
    task = task_id(notifications, "First contact for case C-000045")
    card = page[page.index(f'id="task-{task}"'):page.index('id="queue-heading"')]

    assert "Mark as done" not in card and 'name="reason"' not in card
    assert ("This task closes itself when a contact with the household, the visit or the case’s closure is recorded"
            in card.replace("&#39;", "’").replace("'", "’"))
    r = client.post(f"/app/inbox/tasks/{task}/done", data={"csrf_token": csrf(page), "reason": "Rang them"})
    assert r.status_code == 403 and "Only a team leader may close it by hand" in r.get_data(as_text=True)
    assert notifications.client.get(f"/tasks/{task}", headers=TSO).json["status"] == "open"


def test_a_team_leader_may_close_a_self_closing_task_by_hand_with_a_reason(client, notifications):
    handle(notifications, case("opened", uuid.uuid4()))  # "Assign case" closes itself on assignment
    page = sign_in(client, "o-leader")
    task = task_id(notifications, "Assign case C-000045")
    card = page[page.index(f'id="task-{task}"'):]
    card = card[:card.index("</li>")]
    assert "<details" in card and "Close task by hand" in card and 'name="reason"' in card

    empty = client.post(f"/app/inbox/tasks/{task}/done", data={"csrf_token": csrf(page), "reason": ""})
    done = client.post(f"/app/inbox/tasks/{task}/done",
                       data={"csrf_token": csrf(page), "reason": "Assigned on paper during the outage."})

    assert empty.status_code == 422 and "Say why the task is being closed." in empty.get_data(as_text=True)
    assert done.status_code == 303
    closed = notifications.client.get(f"/tasks/{task}", headers=ADMIN).json
    assert (closed["status"], closed["closed_by"], closed["closed_reason"]) == (
        "done", "o-leader", "Assigned on paper during the outage.")
    assert "Task done: Assign case C-000045" in client.get("/app/inbox").get_data(as_text=True)


def support_window_ended(case_id):
    return event("sustainment.support_window.ended", {
        "case_id": case_id, "reference": "C-000045", "case_type": "onboarding", "officer_id": "o-tso",
        "support_ends": dt.date.today()}, subject=str(case_id))


def test_closing_a_task_by_hand_without_a_reason_shows_the_error_and_with_one_is_audited(client, notifications):
    from casework import audit

    handle(notifications, support_window_ended(uuid.uuid4()))  # closed by hand: the officer decides
    page = sign_in(client)
    task = only_task_id(notifications)
    assert 'name="reason"' in page and "Mark as done" in page

    refused = client.post(f"/app/inbox/tasks/{task}/done", data={"csrf_token": csrf(page), "reason": "  "})

    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "<title>Error: " in html
    assert re.search(r'class="govuk-error-summary".*href="#reason">Say why the task is being closed.</a>', html, re.S)
    assert re.search(r'<p id="reason-error" class="govuk-error-message">\s*<span class="govuk-visually-hidden">Error:'
                     r'</span> Say why the task is being closed.', html)
    assert notifications.client.get(f"/tasks/{task}", headers=TSO).json["status"] == "open"
    too_long = client.post(f"/app/inbox/tasks/{task}/done", data={"csrf_token": csrf(html), "reason": "x" * 2001})
    assert too_long.status_code == 422 and "2,000 characters or fewer" in too_long.get_data(as_text=True)

    done = client.post(f"/app/inbox/tasks/{task}/done",
                       data={"csrf_token": csrf(html), "reason": "Carrying on: the tenant wants more help."})

    assert done.status_code == 303 and done.headers["Location"].endswith("/app/inbox")
    after = client.get("/app/inbox").get_data(as_text=True)
    assert "govuk-notification-banner--success" in after and "Task done: " in after
    assert f'id="task-{task}"' not in after
    with notifications.db.transaction() as session:
        (entry,) = [e for e in audit.trail(session, "task", task) if e.action == "complete"]
        assert (entry.actor, entry.reason) == ("o-tso", "Carrying on: the tenant wants more help.")


def only_task_id(harness) -> str:
    (task,) = harness.client.get("/tasks", headers=ADMIN).json
    return task["id"]


def test_a_referral_task_leads_to_the_referral_page(client, notifications):
    referral_id = uuid.uuid4()
    handle(notifications, referral(referral_id=referral_id))

    page = sign_in(client, "o-intake")

    assert (f'<a class="govuk-link" href="http://127.0.0.1:8001/app/referrals/{referral_id}">Open referral R-000123</a>'
            in page)
    assert "/docs" not in page


def test_a_task_page_shows_the_task_and_its_close_form(client, notifications):
    handle(notifications, support_window_ended(uuid.uuid4()))
    sign_in(client)
    task = only_task_id(notifications)

    r = client.get(f"/app/inbox/tasks/{task}")

    html = r.get_data(as_text=True)
    assert r.status_code == 200 and 'id="reason"' in html and "Kept with the task in its audit trail." in html
    assert "http://127.0.0.1:8002/app/cases/" in html


def many_cases(harness, count: int, **extra) -> list[uuid.UUID]:
    ids = [uuid.uuid4() for _ in range(count)]
    for number, case_id in enumerate(ids):
        handle(harness, case("opened", case_id, reference=f"C-{number:06d}", **extra))
    return ids


def test_a_long_queue_shows_as_a_table_sorted_by_due_and_paginated(client, notifications):
    many_cases(notifications, 30)   # 30 "Assign case" tasks in the sustainment queue

    page = sign_in(client)

    assert 'id="task-table"' in page and 'id="mine-list"' not in page
    assert "(30)" in page and "Page 1 of 2" in page and page.count('<tr class="govuk-table__row" id="row-') == 25
    dues = re.findall(r'<time class="govuk-body-s" datetime="([^"]+)"', page)
    assert dues == sorted(dues)
    second = client.get("/app/inbox?view=table&page=2").get_data(as_text=True)
    assert second.count('id="row-') == 5 and "Page 2 of 2" in second
    latest = re.findall(r'<time class="govuk-body-s" datetime="([^"]+)"',
                        client.get("/app/inbox?view=table&sort=-due").get_data(as_text=True))
    assert latest == sorted(latest, reverse=True) and latest[0] >= dues[-1]
    cards = client.get("/app/inbox?view=cards").get_data(as_text=True)
    assert 'id="queue-list"' in cards and cards.count('<li id="task-') == 30


def test_the_table_filters_by_whose_status_priority_overdue_and_subject(client, notifications):
    late = uuid.uuid4()
    handle(notifications, case("opened", late, reference="C-000001"))
    handle(notifications, case("assigned", late, reference="C-000001",
                               first_contact_due=dt.datetime(2020, 1, 6, 17, tzinfo=dt.UTC)))
    handle(notifications, case("opened", uuid.uuid4(), reference="C-000002"))
    page = sign_in(client)
    mine = task_id(notifications, "First contact for case C-000001")
    client.post(f"/app/inbox/tasks/{mine}/acknowledge", data={"csrf_token": csrf(page)})

    def rows(**query):
        html = client.get("/app/inbox", query_string={"view": "table", **query}).get_data(as_text=True)
        return re.findall(r'id="row-[^"]+">\s*<td[^>]*><a[^>]*>([^<]+)</a>', html)

    assert sorted(rows()) == ["Assign case C-000002", "First contact for case C-000001"]
    assert rows(whose="mine") == ["First contact for case C-000001"]
    assert rows(whose="queue") == ["Assign case C-000002"]
    assert rows(status="acknowledged") == ["First contact for case C-000001"]
    assert rows(status="open") == ["Assign case C-000002"]
    assert rows(overdue="yes") == ["First contact for case C-000001"]
    assert rows(subject_type="referral") == []
    assert sorted(rows(subject_type="case")) == ["Assign case C-000002", "First contact for case C-000001"]
    priorities = {t["priority"] for t in notifications.client.get("/tasks", headers=ADMIN).json}
    other = next(p for p in ("urgent", "high", "normal", "low") if p not in priorities)
    assert rows(priority=other) == []
    assert rows(status="nonsense") == rows()  # an unknown choice filters nothing


def test_a_team_leader_sees_their_teams_open_and_overdue_tasks_by_officer(client, notifications):
    late = uuid.uuid4()
    handle(notifications, case("opened", late, reference="C-000001"))
    handle(notifications, case("assigned", late, reference="C-000001",
                               first_contact_due=dt.datetime(2020, 1, 6, 17, tzinfo=dt.UTC)))
    handle(notifications, case("opened", uuid.uuid4(), reference="C-000002"))
    page = sign_in(client, "o-leader")
    assert "/app/inbox/team" in page

    r = client.get("/app/inbox/team")

    html = r.get_data(as_text=True)
    assert r.status_code == 200 and 'id="team-sustainment"' in html
    row = re.search(r'data-officer-id="o-tso">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r'numeric">\s*(?:<strong[^>]*>)?(\d+)', row) == ["1", "1"]
    queue = re.search(r'data-officer-id="">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r'numeric">\s*(?:<strong[^>]*>)?(\d+)', queue) == ["1", "0"]
    assert 'id="team-intake"' not in html


def test_the_team_view_is_403_for_an_officer_who_leads_no_team(client, notifications):
    page = sign_in(client)

    r = client.get("/app/inbox/team")

    assert "/app/inbox/team" not in page
    assert r.status_code == 403 and "You cannot see this page" in r.get_data(as_text=True)


def test_acknowledging_twice_says_why_in_an_error_summary(client, notifications):
    case_id = uuid.uuid4()
    handle(notifications, case("opened", case_id))
    handle(notifications, case("assigned", case_id))
    page = sign_in(client)
    task = task_id(notifications, "First contact for case C-000045")

    client.post(f"/app/inbox/tasks/{task}/acknowledge", data={"csrf_token": csrf(page)})
    client.post(f"/app/inbox/tasks/{task}/acknowledge", data={"csrf_token": csrf(page)})

    after = client.get("/app/inbox").get_data(as_text=True)
    assert "There is a problem" in after and "Only an open task can be acknowledged" in after
    assert notifications.client.get(f"/tasks/{task}", headers=TSO).json["status"] == "acknowledged"


def test_an_officer_claims_a_task_from_their_teams_queue(client, notifications):
    handle(notifications, case("opened", uuid.uuid4()))
    page = sign_in(client)
    task = task_id(notifications, "Assign case C-000045")

    client.post(f"/app/inbox/tasks/{task}/claim", data={"csrf_token": csrf(page)})

    assert notifications.client.get(f"/tasks/{task}", headers=TSO).json["assignee"] == "o-tso"


def test_an_officer_cannot_touch_another_teams_task(client, notifications):
    handle(notifications, referral())
    page = sign_in(client)
    task = task_id(notifications, "Triage referral R-000123")

    client.post(f"/app/inbox/tasks/{task}/done", data={"csrf_token": csrf(page), "reason": "Not mine"})

    assert notifications.client.get(f"/tasks/{task}", headers=ADMIN).json["status"] == "open"
    assert "not yours or your team" in client.get("/app/inbox").get_data(as_text=True)


def test_a_form_post_without_the_sessions_csrf_token_changes_nothing(client, notifications):
    case_id = uuid.uuid4()
    handle(notifications, case("opened", case_id))
    handle(notifications, case("assigned", case_id))
    sign_in(client)
    task = task_id(notifications, "First contact for case C-000045")

    r = client.post(f"/app/inbox/tasks/{task}/done", data={"csrf_token": "forged", "reason": "Rang them"})

    assert r.status_code == 400
    assert notifications.client.get(f"/tasks/{task}", headers=TSO).json["status"] == "open"


def test_marking_a_notification_read_empties_the_unread_list(client, notifications):
    case_id = uuid.uuid4()
    handle(notifications, case("opened", case_id))
    handle(notifications, case("assigned", case_id))
    page = sign_in(client)
    note = notifications.client.get("/notifications", headers=TSO).json[0]["id"]

    client.post(f"/app/inbox/notifications/{note}/read", data={"csrf_token": csrf(page)})

    assert notifications.client.get("/notifications?unread=true", headers=TSO).json == []
    assert "You have no unread notifications." in client.get("/app/inbox").get_data(as_text=True)


def test_a_bearer_header_from_a_reverse_proxy_is_enough(notifications):
    add_directory(notifications)

    r = notifications.client.get("/app/inbox", headers=TSO)

    assert r.status_code == 200 and "Your inbox" in r.get_data(as_text=True)


def test_development_sign_in_is_refused_outside_development(client, notifications):
    pages = notifications.app.extensions["casework_pages"]
    settings = pages.settings
    page = client.get("/app/sign-in").get_data(as_text=True)
    try:
        pages.settings = dataclasses.replace(settings, development=False, dev_signin=False)
        listing = client.get("/app/sign-in").get_data(as_text=True)
        r = client.post("/app/sign-in/development", data={"officer": "o-tso", "csrf_token": csrf(page)})
    finally:
        pages.settings = settings

    assert "which officer are you" not in listing
    assert r.status_code == 403 and "only for development" in r.get_data(as_text=True)
    assert client.get("/app/inbox").status_code == 303


def test_a_role_that_may_not_see_the_inbox_gets_the_403_page(client, notifications):
    r = notifications.client.get("/app/inbox", headers=bearer("sys-rent", "referrer"))

    assert r.status_code == 403 and "You cannot see this page" in r.get_data(as_text=True)


def test_an_unknown_page_is_the_govuk_404_page_and_the_api_keeps_problem_details(client):
    sign_in(client)

    page = client.get("/app/no-such-page")
    api = client.get("/no-such-endpoint")

    assert page.status_code == 404 and "Page not found" in page.get_data(as_text=True)
    assert page.mimetype == "text/html"
    assert api.status_code == 404 and api.mimetype == "application/problem+json"


def test_the_page_polls_for_new_tasks_and_gets_each_as_a_rendered_row(client, notifications):
    sign_in(client)
    case_id = uuid.uuid4()
    handle(notifications, case("opened", case_id))
    handle(notifications, case("assigned", case_id))

    r = client.get("/app/inbox/updates?since=2000-01-01T00:00:00%2B00:00", headers={"Accept": "application/json"})

    assert r.status_code == 200 and r.headers["ETag"]
    [task] = r.json["tasks"]
    assert task["title"] == "First contact for case C-000045" and task["section"] == "mine"
    assert 'id="task-' in task["html"] and "Open case C-000045" in task["html"]
    assert "Mark as done" not in task["html"] and "closes itself" in task["html"]  # the first contact closes it


def test_a_poll_with_nothing_new_is_a_bodiless_304(client, notifications):
    sign_in(client)
    case_id = uuid.uuid4()
    handle(notifications, case("opened", case_id))
    since = "/app/inbox/updates?since=2000-01-01T00:00:00%2B00:00"
    first = client.get(since, headers={"Accept": "application/json"})

    again = client.get(since, headers={"Accept": "application/json", "If-None-Match": first.headers["ETag"]})
    handle(notifications, case("assigned", case_id))
    changed = client.get(since, headers={"Accept": "application/json", "If-None-Match": first.headers["ETag"]})

    assert again.status_code == 304 and again.get_data() == b""
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]


def test_an_officer_polling_faster_than_their_open_pages_would_is_429_problem_details(client, notifications):
    settings = notifications.app.extensions[EXTENSION]
    sign_in(client)
    try:
        notifications.app.extensions[EXTENSION] = dataclasses.replace(settings, pages_per_officer=2, poll_seconds=60)
        answers = [client.get("/app/inbox/updates?since=2026-01-01T00:00:00Z", headers={"Accept": "application/json"})
                   for _ in range(3)]
    finally:
        notifications.app.extensions[EXTENSION] = settings

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].mimetype == "application/problem+json" and int(answers[2].headers["Retry-After"]) >= 1


def test_a_poll_without_a_readable_since_is_422_naming_it(client):
    sign_in(client)

    r = client.get("/app/inbox/updates?since=yesterday", headers={"Accept": "application/json"})

    assert r.status_code == 422 and "since" in r.json["errors"]


def test_a_poll_without_a_session_is_401_not_a_sign_in_page(client):
    r = client.get("/app/inbox/updates?since=2026-01-01T00:00:00Z", headers={"Accept": "application/json"})

    assert r.status_code == 401 and r.mimetype == "application/problem+json"


def test_on_the_embedded_sqlite_a_session_signs_in_polls_and_signs_out(tmp_path):
    from casework_dev.testing import EmbeddedHarness
    from notifications.service import SERVICE

    with EmbeddedHarness(SERVICE, tmp_path) as embedded:
        add_directory(embedded)
        page = sign_in(embedded.client)
        poll = embedded.client.get("/app/inbox/updates?since=2026-01-01T00:00:00Z", headers={"Accept": "application/json"})
        embedded.client.post("/app/sign-out", data={"csrf_token": csrf(page)})
        after = embedded.client.get("/app/inbox")

    assert "Your inbox" in page and poll.status_code == 200 and poll.json == {"tasks": []}
    assert after.status_code == 303 and "/app/sign-in" in after.headers["Location"]


def test_pages_allow_only_their_own_scripts_and_the_layouts_one_inline_line_by_its_nonce(client):
    r = client.get("/app/sign-in")

    policy = r.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert "script-src 'self' 'nonce-" in policy and "frame-ancestors 'none'" in policy
    assert f'<script nonce="{nonce}">' in r.get_data(as_text=True)
    assert r.headers["X-Frame-Options"] == "DENY" and r.headers["Cache-Control"] == "no-store"
    assert client.get("/app/sign-in").headers["Content-Security-Policy"] != policy  # a new nonce each time


def test_a_refused_form_shows_an_error_summary_linked_to_the_field_and_the_fields_own_error(client):
    page = client.get("/app/sign-in").get_data(as_text=True)

    r = client.post("/app/sign-in/development", data={"csrf_token": csrf(page)})

    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "<title>Error: Sign in – Casework</title>" in html
    assert re.search(r'class="govuk-error-summary".*href="#officer">Select the officer you are signing in as</a>', html,
                     re.S)
    assert re.search(r'<p id="officer-error" class="govuk-error-message">\s*<span class="govuk-visually-hidden">Error:'
                     r'</span> Select the officer you are signing in as', html)


@pytest.mark.postgresql_only(reason="reads PostgreSQL's plans")
def test_the_team_queue_and_its_count_are_read_from_the_queues_own_index(client, notifications):
    """The team queue's page and count read the few queued tasks from ``ix_tasks_queued_due``, not
    the team's live tasks ANDed with every unassigned task (18 ms of SQL and a count at a large
    council's size: bench/NOTES.md, "Day tallies and the team queue")."""
    from sqlalchemy import event as sa_event

    many_cases(notifications, 30)
    sign_in(client)
    statements = []

    def record(_conn, _cursor, statement, parameters, *_):
        if "FROM tasks" in statement:
            statements.append((statement, parameters))

    sa_event.listen(notifications.db.engine, "before_cursor_execute", record)
    try:
        page = client.get("/app/inbox?view=table&whose=queue").get_data(as_text=True)
    finally:
        sa_event.remove(notifications.db.engine, "before_cursor_execute", record)
    assert "(30)" in page and page.count('id="row-') == 25
    assert len(statements) == 2  # the count and the page
    with notifications.db.engine.begin() as conn:
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")  # as at a large council's size
        for statement, parameters in statements:
            plan = "\n".join(row[0] for row in conn.exec_driver_sql("EXPLAIN " + statement, parameters))
            assert "ix_tasks_queued_due" in plan and "BitmapAnd" not in plan, plan
