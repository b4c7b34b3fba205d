"""Admins keep the officer directory and teams; officers choose how they are e-mailed; callers
subscribe webhooks. What each use case writes, on an in-memory session."""

import pytest

from casework.context import Principal
from casework_dev.testing import audited, pending_timers
from notifications import directory, email, subscriptions
from notifications.models import Team
from notifications.refusals import Conflict, Invalid

from .conftest import NOW, OFFICER

DETAILS = {"id": "officer-9", "name": "New Officer", "email": "officer-9@council.example", "teams": ["sustainment"],
           "roles": ["sustainment_officer"], "email_preference": "immediate"}
REFERRER = Principal(sub="client-housing-association", roles=frozenset({"referrer"}))


def test_an_officer_is_added_to_the_directory_once(session):
    officer = directory.add_officer(session, details=DETAILS, policy=None, now=NOW)
    assert officer.active and audited(session) == ["create"]
    assert pending_timers(session) == {}
    with pytest.raises(Conflict, match="already in the directory"):
        directory.add_officer(session, details=DETAILS, policy=None, now=NOW)


def test_an_officer_wanting_a_daily_digest_has_the_next_one_booked(session, policy):
    officer = directory.add_officer(session, details={**DETAILS, "email_preference": "daily_digest"},
                                    policy=policy, now=NOW)
    due = email.next_digest_time(policy, NOW)
    assert pending_timers(session) == {f"digest:{officer.id}:{due.date().isoformat()}": due}


def test_choosing_the_digest_books_it_and_choosing_again_changes_nothing_more(session, policy):
    officer = directory.add_officer(session, details=DETAILS, policy=policy, now=NOW)
    directory.choose_email(session, officer, email_preference="daily_digest", policy=policy, now=NOW)
    directory.choose_email(session, officer, email_preference="daily_digest", policy=policy, now=NOW)
    assert officer.email_preference == "daily_digest" and len(pending_timers(session)) == 1
    assert audited(session) == ["create", "preferences", "preferences"]


def test_a_changed_officer_and_team_are_audited(session):
    officer = directory.add_officer(session, details=DETAILS, policy=None, now=NOW)
    directory.change_officer(session, officer, changes={"active": False})
    team = directory.add_team(session, details={"slug": "sustainment", "name": "Sustainment", "manager_id": None,
                                                "shared_queue": True})
    directory.change_team(session, team, changes={"manager_id": "leader-1"})
    assert (officer.active, directory.manager_of(session, "sustainment")) == (False, "leader-1")
    assert audited(session) == ["create", "update", "create", "update"]


def test_a_team_slug_is_used_once(session):
    session.add(Team(slug="lettings", name="Lettings"))
    with pytest.raises(Conflict, match="already exists"):
        directory.add_team(session, details={"slug": "lettings", "name": "Lettings again"})


def test_a_webhook_is_subscribed_to_the_events_casework_publishes(session):
    sub = subscriptions.subscribe(session, url="https://hooks.example.org/casework", secret="s" * 32,
                                  event_types=["intake.referral.received.v2", "*"], by=OFFICER, now=NOW)
    assert (sub.owner, sub.active, sub.referrer_only, sub.created_at) == (OFFICER.sub, True, False, NOW)
    assert audited(session) == ["create"]


def test_a_referrers_webhook_receives_only_its_own_referrals(session):
    sub = subscriptions.subscribe(session, url="https://hooks.example.org/casework", secret="s" * 32,
                                  event_types=["intake.referral.accepted.v2"], by=REFERRER, now=NOW)
    assert sub.referrer_only


@pytest.mark.parametrize(("url", "types", "field"), [
    ("http://hooks.example.org/casework", ["*"], "url"),
    ("https://10.0.0.7/casework", ["*"], "url"),
    ("https://hooks.example.org/casework", ["*", "intake.referral.eaten.v1"], "event_types.1"),
])
def test_a_webhook_that_cannot_be_delivered_is_refused_naming_the_field(session, url, types, field):
    with pytest.raises(Invalid) as refused:
        subscriptions.subscribe(session, url=url, secret="s" * 32, event_types=types, by=OFFICER, now=NOW)
    assert refused.value.field == field
    assert audited(session) == []


def test_unsubscribing_stops_deliveries_and_keeps_when(session):
    sub = subscriptions.subscribe(session, url="https://hooks.example.org/casework", secret="s" * 32,
                                  event_types=["*"], by=OFFICER, now=NOW)
    subscriptions.unsubscribe(session, sub, now=NOW)
    assert (sub.active, sub.disabled_at) == (False, NOW)
    assert audited(session) == ["create", "delete"]
