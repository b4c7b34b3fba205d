"""The officer directory's pages for admins (/app/admin/officers): the list by team, adding and
changing an officer, marking someone away (their open tasks moved in one action) and back; GOV.UK
errors on a refused form, CSRF on every post, the 403 page for everyone else."""

import datetime as dt
import uuid

import pytest
from notifications_support import ADMIN, add_directory, case, handle
from sqlalchemy import select

from casework.audit import AuditEntry
from casework_dev.testing import statements_sent
from casework_dev.testing.pages import csrf, sign_in_as
from notifications.models import Officer, Task

SOON = dt.date.today() + dt.timedelta(days=60)


def typed(day: dt.date) -> list[str]:
    """A date as typed in GOV.UK's day, month and year boxes."""
    return [str(day.day), str(day.month), str(day.year)]


@pytest.fixture
def admin(notifications):
    add_directory(notifications)
    with notifications.app.test_client() as browser:
        sign_in_as(browser, "admin-1", "admin", name="Ada Admin")
        yield browser


def page(browser, url: str):
    answer = browser.get(url)
    return answer, answer.get_data(as_text=True)


def officer(notifications, officer_id: str) -> Officer | None:
    with notifications.db.transaction() as session:
        found = session.get(Officer, officer_id)
        if found is not None:
            session.expunge(found)
        return found


def test_the_directory_lists_officers_with_their_teams_and_roles(admin):
    answer, html = page(admin, "/app/admin/officers")

    assert answer.status_code == 200
    assert 'data-officer-id="o-leader"' in html and "Team leader" in html and "Sustainment" in html


def test_the_directory_reads_the_officers_once(admin, notifications):
    page(admin, "/app/admin/officers")
    with statements_sent(notifications.db.engine) as sent:
        answer, html = page(admin, "/app/admin/officers")

    assert answer.status_code == 200 and 'data-officer-id="o-leader"' in html
    assert len([sql for sql, _ in sent if "FROM officers" in sql]) == 1


def test_the_directory_filters_by_team(admin):
    _, html = page(admin, "/app/admin/officers?team=intake")

    assert 'data-officer-id="o-intake"' in html and 'data-officer-id="o-tso"' not in html


@pytest.mark.parametrize("roles", [("team_leader", "sustainment_officer"), ("intake_officer",)])
def test_only_admins_see_the_directory_pages(notifications, roles):
    add_directory(notifications)
    with notifications.app.test_client() as browser:
        sign_in_as(browser, "o-leader", *roles)
        for url in ("/app/admin/officers", "/app/admin/officers/new", "/app/admin/officers/o-tso"):
            assert browser.get(url).status_code == 403
        answer = browser.post("/app/admin/officers/o-tso/back",
                              data={"csrf_token": csrf(page(browser, "/app/inbox")[1])})
        assert answer.status_code == 403


def test_an_admin_adds_an_officer(admin, notifications):
    _, html = page(admin, "/app/admin/officers/new")

    answer = admin.post("/app/admin/officers/new", data={
        "csrf_token": csrf(html), "id": "o-new", "name": "New Officer", "email": "new@council.test",
        "teams": ["lettings"], "roles": ["lettings_officer"]})

    assert answer.status_code == 303
    added = officer(notifications, "o-new")
    assert (added.name, added.teams, added.roles) == ("New Officer", ["lettings"], ["lettings_officer"])
    assert "New Officer added to the directory" in page(admin, answer.location)[1]


def test_a_new_officer_without_a_name_or_role_is_shown_the_errors(admin, notifications):
    _, html = page(admin, "/app/admin/officers/new")

    answer = admin.post("/app/admin/officers/new", data={"csrf_token": csrf(html), "id": "o-new", "name": "",
                                                         "email": "not-an-email"})

    html = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "govuk-error-summary" in html and "<title>Error:" in html
    for message in ("Enter the officer’s name", "Select at least one role", "Enter an email address in the correct"):
        assert html.count(message) == 2  # in the summary and beside the field
    assert officer(notifications, "o-new") is None


def test_an_officer_already_in_the_directory_is_refused_on_the_id(admin):
    _, html = page(admin, "/app/admin/officers/new")

    answer = admin.post("/app/admin/officers/new", data={
        "csrf_token": csrf(html), "id": "o-tso", "name": "Twin", "email": "t@council.test", "roles": ["admin"]})

    assert answer.status_code == 422 and "already in the directory" in answer.get_data(as_text=True)


def test_an_admin_changes_an_officers_teams_and_roles(admin, notifications):
    _, html = page(admin, "/app/admin/officers/o-tso")

    answer = admin.post("/app/admin/officers/o-tso", data={
        "csrf_token": csrf(html), "name": "o-tso", "email": "o-tso@council.test",
        "teams": ["sustainment", "lettings"], "roles": ["sustainment_officer", "team_leader"]})

    assert answer.status_code == 303
    changed = officer(notifications, "o-tso")
    assert (changed.teams, changed.roles) == (["sustainment", "lettings"], ["sustainment_officer", "team_leader"])
    with notifications.db.transaction() as session:
        (entry,) = session.scalars(select(AuditEntry).where(AuditEntry.record_id == "o-tso",
                                                            AuditEntry.action == "update"))
        assert (entry.actor, entry.before["roles"]) == ("admin-1", ["sustainment_officer"])


def test_a_form_post_without_its_csrf_token_is_refused(admin, notifications):
    answer = admin.post("/app/admin/officers/o-tso", data={
        "name": "x", "email": "x@council.test", "roles": ["admin"]})

    assert answer.status_code == 400
    assert officer(notifications, "o-tso").roles == ["sustainment_officer"]


def test_marking_away_moves_their_open_tasks_and_says_so(admin, notifications):
    for _ in range(2):
        handle(notifications, case("assigned", uuid.uuid4(), officer_id="o-tso"))
    _, html = page(admin, "/app/admin/officers/o-tso")
    assert "2 open tasks" in html

    answer = admin.post("/app/admin/officers/o-tso/away", data={
        "csrf_token": csrf(html), "away-tasks_to": "o-leader", "away-until": typed(SOON),
        "away-reason": "Annual leave"})

    assert answer.status_code == 303
    after = page(admin, answer.location)[1]
    assert "marked away; 2 open tasks moved" in after and f"to {SOON.day} {SOON:%B %Y}" in after
    with notifications.db.transaction() as session:
        held = session.scalars(select(Task.assignee).where(Task.status == "open")).all()
    assert held == ["o-leader", "o-leader"]
    assert 'data-officer-id="o-tso"' in (directory := page(admin, "/app/admin/officers")[1])
    assert "Away" in directory


def test_marking_away_without_a_colleague_is_shown_the_error(admin, notifications):
    _, html = page(admin, "/app/admin/officers/o-tso")

    answer = admin.post("/app/admin/officers/o-tso/away", data={"csrf_token": csrf(html), "away-tasks_to": ""})

    html = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "govuk-error-summary" in html
    assert html.count("Select the colleague who takes their tasks") == 2
    assert officer(notifications, "o-tso").away_from is None


def test_a_last_day_before_the_first_is_refused_on_the_field(admin, notifications):
    _, html = page(admin, "/app/admin/officers/o-tso")

    answer = admin.post("/app/admin/officers/o-tso/away", data={
        "csrf_token": csrf(html), "away-tasks_to": "o-leader", "away-away_from": typed(SOON),
        "away-until": typed(SOON - dt.timedelta(days=1))})

    assert answer.status_code == 422
    assert answer.get_data(as_text=True).count("The last day away must be on or after the first") == 2


def test_back_from_away(admin, notifications):
    assert notifications.client.post("/officers/o-tso/away", json={"tasks_to": "o-leader"},
                                     headers=ADMIN).status_code == 200
    _, html = page(admin, "/app/admin/officers/o-tso")

    answer = admin.post("/app/admin/officers/o-tso/back", data={"csrf_token": csrf(html)})

    assert answer.status_code == 303 and "is back" in page(admin, answer.location)[1]
    assert officer(notifications, "o-tso").away_from is None


def test_admins_have_the_directory_in_the_navigation_and_others_do_not(admin, notifications):
    html = page(admin, "/app/inbox")[1]
    assert 'href="http' in html and "/app/admin/officers" in html

    with notifications.app.test_client() as browser:
        sign_in_as(browser, "o-leader", "team_leader")
        assert "/app/admin/officers" not in page(browser, "/app/inbox")[1]
