"""How the web inbox words due dates and orders tasks (London calendar days)."""

import datetime as dt
import uuid
from types import SimpleNamespace

import pytest

from notifications.web.wording import card, cards, due_in_words, when

UTC = dt.UTC
NOW = dt.datetime(2025, 3, 4, 10, 0, tzinfo=UTC)  # Tuesday 4 March 2025, 10am in London


@pytest.mark.parametrize(("due", "words"), [
    (None, "no due date"),
    (dt.datetime(2025, 3, 4, 17, 0, tzinfo=UTC), "due today"),
    (dt.datetime(2025, 3, 5, 9, 0, tzinfo=UTC), "due tomorrow"),
    (dt.datetime(2025, 3, 7, 17, 0, tzinfo=UTC), "due in 3 days"),
    (dt.datetime(2025, 3, 4, 9, 0, tzinfo=UTC), "overdue"),
    (dt.datetime(2025, 3, 3, 17, 0, tzinfo=UTC), "1 day overdue"),
    (dt.datetime(2025, 3, 2, 17, 0, tzinfo=UTC), "2 days overdue"),
])
def test_due_dates_in_words(due, words):
    assert due_in_words(due, NOW) == words


def test_days_are_counted_in_london_not_utc():
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST): tomorrow for an officer at noon on the 30th.
    now = dt.datetime(2025, 6, 30, 11, 0, tzinfo=UTC)
    assert due_in_words(dt.datetime(2025, 6, 30, 23, 30, tzinfo=UTC), now) == "due tomorrow"


@pytest.mark.parametrize(("moment", "words"), [
    (dt.datetime(2025, 3, 4, 17, 0, tzinfo=UTC), "Tuesday 4 March 2025 at 5pm"),
    (dt.datetime(2025, 7, 1, 11, 0, tzinfo=UTC), "Tuesday 1 July 2025 at midday"),
    (dt.datetime(2025, 3, 4, 9, 30, tzinfo=UTC), "Tuesday 4 March 2025 at 9:30am"),
])
def test_dates_are_written_the_gov_uk_way(moment, words):
    assert when(moment) == words


def task(title, due, priority="normal", created=NOW):
    return SimpleNamespace(id=uuid.uuid4(), title=title, status="open", priority=priority, team="sustainment",
                           due=due, created_at=created, subject_type="case", subject_id="c1",
                           subject_service="sustainment", subject_reference="C-000045",
                           link="http://127.0.0.1:8002/cases/c1", rule="first_contact")


def test_overdue_tasks_come_first_then_the_soonest_due_then_the_most_urgent():
    later = task("later", NOW + dt.timedelta(days=3))
    late = task("late", NOW - dt.timedelta(days=1))
    tomorrow_normal = task("tomorrow normal", NOW + dt.timedelta(days=1))
    tomorrow_urgent = task("tomorrow urgent", NOW + dt.timedelta(days=1), priority="urgent")
    undated = task("undated", None)

    ordered = cards([later, undated, tomorrow_normal, late, tomorrow_urgent], NOW, {})

    assert [c.title for c in ordered] == ["late", "tomorrow urgent", "tomorrow normal", "later", "undated"]
    assert ordered[0].overdue and not ordered[1].overdue


def test_a_card_links_to_the_page_where_its_work_is_done_never_the_docs(policy):
    shown = card(task("t", None), NOW, {"sustainment": "http://127.0.0.1:8002"}, policy)

    assert shown.subject_name == "Case C-000045" and shown.link_text == "Open case C-000045"
    assert shown.page_url == "http://127.0.0.1:8002/app/cases/c1"
    assert "/docs" not in shown.page_url


def test_a_card_says_whether_its_task_closes_itself(policy):
    first_contact = card(task("t", None), NOW, {}, policy)
    review = card(SimpleNamespace(**vars(task("t", None)) | {"rule": "review_risk"}), NOW, {}, policy)

    assert first_contact.closes_itself and not review.closes_itself
    assert first_contact.closes_when == "a contact with the household, the visit or the case's closure"
    assert review.closes_when == ""


def test_what_closes_a_triage_task_is_said_once_per_kind_of_record(policy):
    from notifications.web.wording import closed_when

    assert closed_when(policy, "triage_referral") == "the referral's triage or the referral's withdrawal"
    assert closed_when(policy, "no_such_rule") == "its work"
