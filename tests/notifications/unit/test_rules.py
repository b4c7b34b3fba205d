"""The routing rules of the default policy, as tables of events and what they must do."""

import datetime as dt
import uuid

import pytest

from notifications import rules
from notifications.policy import load as load_policy

POLICY = load_policy()
LINKS = rules.public_urls({})
NOW = dt.datetime(2025, 3, 3, 10, 0, tzinfo=dt.UTC)  # a Monday
DUE = dt.datetime(2025, 3, 5, 17, 0, tzinfo=dt.UTC)
REFERRAL, CASE, OFFER, ADVERT, VISIT = (uuid.uuid4() for _ in range(5))


def route(type_, **data):
    return rules.route(POLICY, f"casework.{type_}.v1", data, now=NOW, links=LINKS)


def referral(**extra):
    return {"referral_id": REFERRAL, "reference": "R-000123", "source_system": "rent", **extra}


def case(**extra):
    return {"case_id": CASE, "reference": "C-000045", "case_type": "sustainment", "officer_id": None, **extra}


def offer(**extra):
    return {"offer_id": OFFER, "reference": "O-000007", "advert_id": ADVERT, "property_id": uuid.uuid4(),
            "applicant_id": uuid.uuid4(), **extra}


@pytest.mark.parametrize("type_, data, rule, title, team, assignee, due, priority", [
    ("intake.referral.received", referral(risk_level="critical", triage_due=DUE), "triage_referral",
     "Triage referral R-000123", "intake", None, DUE, "urgent"),
    ("sustainment.case.opened", case(risk_level="medium", first_contact_due=DUE), "assign_case",
     "Assign case C-000045", "sustainment", None, dt.datetime(2025, 3, 4, 17, 0, tzinfo=dt.UTC), "normal"),
    ("sustainment.case.opened", case(case_type="onboarding", risk_level="high", first_contact_due=DUE),
     "assign_onboarding_case", "Assign case C-000045 and book the settling-in visit", "sustainment", None,
     dt.datetime(2025, 3, 4, 17, 0, tzinfo=dt.UTC), "high"),
    ("sustainment.case.assigned", case(officer_id="o-1", risk_level="low", first_contact_due=DUE,
                                       assigned_by="tl-1"),
     "first_contact", "First contact for case C-000045", "sustainment", "o-1", DUE, "normal"),
    # Due at the settling-in deadline (10 working days), not at first contact (2): issue 27.
    ("sustainment.case.assigned", case(case_type="onboarding", officer_id="o-1", risk_level="high",
                                       first_contact_due=DUE, settling_in_due=DUE + dt.timedelta(days=12),
                                       assigned_by="tl-1"),
     "settling_in_visit", "Book and make the settling-in visit for case C-000045", "sustainment", "o-1",
     DUE + dt.timedelta(days=12), "high"),
    ("sustainment.visit.scheduled", case(officer_id="o-2", visit_id=VISIT, kind="home_visit", scheduled_for=DUE),
     "visit", "Record the outcome of the visit for case C-000045", "sustainment", "o-2", DUE, "normal"),
    ("lettings.offer.made", offer(respond_by=DUE), "chase_offer", "Chase the response to offer O-000007",
     "lettings", None, DUE, "normal"),
    ("sustainment.deadline.missed", case(deadline="first_contact", due=DUE), "missed_deadline",
     "Deadline missed on case C-000045 (first_contact)", "sustainment", None,
     dt.datetime(2025, 3, 4, 17, 0, tzinfo=dt.UTC), "high"),
    ("sustainment.support_window.ended", case(case_type="onboarding", officer_id="o-1", support_ends=NOW.date()),
     "end_onboarding_support", "Onboarding support for case C-000045 has reached its end: close the case or carry on",
     "sustainment", "o-1", dt.datetime(2025, 3, 10, 17, 0, tzinfo=dt.UTC), "normal"),
    ("sustainment.case.tenancy_ended", case(officer_id="o-1", tenancy_ref="T-000012", end_date=NOW.date(),
                                            reason="transfer"),
     "case_tenancy_ended", "Tenancy T-000012 of case C-000045 has ended: close the case or carry on",
     "sustainment", "o-1", dt.datetime(2025, 3, 10, 17, 0, tzinfo=dt.UTC), "normal"),
])
def test_an_event_opens_the_task_its_rule_says(type_, data, rule, title, team, assignee, due, priority):
    routing = route(type_, **data)

    assert [(t.rule, t.title, t.team, t.assignee, t.due, t.priority) for t in routing.open] == [
        (rule, title, team, assignee, due, priority)
    ]


def test_the_officer_of_a_case_whose_tenancy_ended_is_told_when():
    routing = route("sustainment.case.tenancy_ended", **case(officer_id="o-1", tenancy_ref="T-000012",
                                                             end_date=NOW.date(), reason="transfer"))

    (task,) = routing.open
    assert task.notify == ("Tenancy T-000012 of case C-000045 ended on 2025-03-03: close the case, or carry on "
                           "supporting the household.")
    assert (task.subject.type, task.subject.id) == ("case", str(CASE))


@pytest.mark.parametrize("type_", [
    "intake.referral.accepted", "intake.referral.rejected", "intake.referral.signposted", "intake.referral.withdrawn",
])
def test_every_triage_outcome_closes_the_triage_task(type_):
    routing = route(type_, **referral())

    assert [(c.rule, c.subject_type, c.subject_id) for c in routing.close] == [
        ("triage_referral", "referral", str(REFERRAL))
    ]
    assert routing.open == ()


@pytest.mark.parametrize("type_", ["offer.refused", "offer.withdrawn", "offer.expired"])
def test_an_offer_not_taken_up_closes_the_chase_and_asks_for_the_next_bidder(type_):
    routing = route(f"lettings.{type_}", **offer(reasonable=True, applicant_suspended=False))

    assert [c.rule for c in routing.close] == ["chase_offer"]
    (task,) = routing.open
    assert (task.rule, task.subject.type, task.subject.id, task.subject.reference) == (
        "offer_next_bidder", "advert", str(ADVERT), None)
    assert task.title == "Offer the next bidder (offer O-000007 was not taken up)"


@pytest.mark.parametrize("type_", ["offer.refused", "offer.withdrawn", "offer.expired"])
@pytest.mark.parametrize("left", [1, 3, None])  # None: an event from before lettings said how many
def test_with_bidders_left_the_team_is_told_to_offer_the_next(type_, left):
    routing = route(f"lettings.{type_}", **offer(reasonable=False, applicant_suspended=False, bidders_left=left))

    assert [t.rule for t in routing.open] == ["offer_next_bidder"]


@pytest.mark.parametrize("type_", ["offer.refused", "offer.withdrawn", "offer.expired"])
def test_with_nobody_left_the_task_says_so_and_points_to_advertising_again_or_a_direct_match(type_):
    prop = uuid.uuid4()
    routing = route(f"lettings.{type_}", **offer(property_id=prop, reasonable=True, applicant_suspended=False,
                                                 bidders_left=0))

    assert [c.rule for c in routing.close] == ["chase_offer"]
    (task,) = routing.open
    assert (task.rule, task.subject.type, task.subject.id, task.team, task.priority) == (
        "readvertise_or_match", "property", str(prop), "lettings", "high")
    assert task.title == ("Nobody is left to offer the home after offer O-000007: advertise it again "
                          "(POST /adverts) or match an applicant directly (POST /offers)")


@pytest.mark.parametrize("type_, data", [
    ("lettings.advert.published", {"advert_id": uuid.uuid4(), "reference": "ADV-000009", "closes_at": DUE}),
    ("lettings.offer.made", {"offer_id": uuid.uuid4(), "reference": "O-000008", "advert_id": None,
                             "applicant_id": uuid.uuid4(), "respond_by": DUE, "direct_match": True}),
])
def test_a_new_advert_or_a_direct_match_of_the_home_closes_the_nobody_left_task(type_, data):
    prop = uuid.uuid4()
    routing = rules.route(POLICY, f"casework.{type_}.v1", {**data, "property_id": prop}, now=NOW, links=LINKS)

    assert ("readvertise_or_match", "property", str(prop)) in [(c.rule, c.subject_type, c.subject_id)
                                                               for c in routing.close]


@pytest.mark.parametrize("when, data, expected", [
    ({"n": 0}, {"n": 0}, True), ({"n": 0}, {"n": 1}, False), ({"n": 0}, {}, False),
    ({"n": {"not": 0}}, {"n": 2}, True), ({"n": {"not": 0}}, {"n": 0}, False), ({"n": {"not": 0}}, {}, True),
])
def test_a_condition_is_equality_or_its_negation(when, data, expected):
    assert rules.matches(when, data) is expected


def test_the_next_offer_on_the_advert_closes_the_next_bidder_task():
    routing = route("lettings.offer.made", **offer(offer_id=uuid.uuid4(), respond_by=DUE))

    assert ("offer_next_bidder", "advert", str(ADVERT)) in [(c.rule, c.subject_type, c.subject_id)
                                                             for c in routing.close]


def test_assignment_closes_the_assignment_task_and_tells_the_officer():
    routing = route("sustainment.case.assigned", **case(officer_id="o-1", risk_level="low", first_contact_due=DUE,
                                                        assigned_by="tl-1"))

    assert {c.rule for c in routing.close} == {"assign_case", "assign_onboarding_case"}
    assert routing.open[0].notify == "Case C-000045 has been assigned to you: make first contact."


@pytest.mark.parametrize("outcome, kind, closes", [
    ("completed", "home_visit", {"visit", "first_contact"}),
    ("no_access", "home_visit", {"visit"}),
    ("completed", "settling_in", {"visit", "first_contact", "settling_in_visit"}),
])
def test_a_recorded_visit_closes_its_own_visit_task(outcome, kind, closes):
    routing = route("sustainment.visit.recorded", **case(visit_id=VISIT, kind=kind, scheduled_for=DUE,
                                                         outcome=outcome, consecutive_no_access=0))

    assert {c.rule for c in routing.close} == closes
    visit = next(c for c in routing.close if c.rule == "visit")
    assert visit.dedup_key == f"visit:case:{CASE}:{VISIT}"


@pytest.mark.parametrize("alert, tasks", [(True, ["review_risk"]), (False, [])])
def test_a_risk_change_tasks_the_team_leader_only_when_the_alert_is_raised(alert, tasks):
    routing = route("sustainment.risk.changed", **case(from_level="medium", to_level="high",
                                                       cause="no_access_visits", team_leader_alert=alert))

    assert [t.rule for t in routing.open] == tasks
    if tasks:
        assert routing.open[0].manager_of == "sustainment"
        assert routing.open[0].notify == "Case C-000045 needs your review: its risk was raised to high."


APPLICANT = uuid.uuid4()


def applicant_status(**extra):
    return {"applicant_id": APPLICANT, "reference": "A-000012", "from_status": "suspended", "to_status": "active",
            "suspended_until": None, "cause": "suspension_ended", **extra}


@pytest.mark.parametrize("data, tasks", [
    (applicant_status(), ["suspension_ended"]),
    (applicant_status(cause="officer"), []),
    (applicant_status(cause="refusal_review"), []),
    (applicant_status(from_status="active", to_status="suspended", cause="unreasonable_refusals"), []),
])
def test_a_suspension_that_ends_on_its_date_tasks_the_lettings_team(data, tasks):
    routing = route("lettings.applicant.status_changed", **data)

    assert [t.rule for t in routing.open] == tasks
    if tasks:
        (task,) = routing.open
        assert (task.team, task.subject.type, task.subject.id, task.subject.reference, task.subject.link) == (
            "lettings", "applicant", str(APPLICANT), "A-000012", f"http://127.0.0.1:8003/applicants/{APPLICANT}")
        assert task.title == "Applicant A-000012's suspension has ended: tell them they may bid again"


@pytest.mark.parametrize("to_status, closes", [("suspended", True), ("housed", True), ("cancelled", True),
                                               ("active", False)])
def test_the_suspension_ended_task_closes_when_the_application_moves_on(to_status, closes):
    routing = route("lettings.applicant.status_changed", **applicant_status(to_status=to_status, cause="officer"))

    assert [(c.rule, c.subject_type, c.subject_id) for c in routing.close] == (
        [("suspension_ended", "applicant", str(APPLICANT))] if closes else [])


def test_events_without_a_subject_do_nothing():
    assert route("lettings.advert.closed", bids=3, eligible=2) == rules.Routing(subject=None)


def test_a_task_event_is_about_its_tasks_subject_and_opens_or_closes_nothing():
    task = {"task_id": uuid.uuid4(), "title": "Triage referral R-000123", "priority": "high",
            "subject": {"type": "referral", "id": str(REFERRAL), "service": "intake"}}

    routing = route("notifications.task.created", **task)

    assert routing == rules.Routing(subject=rules.Subject(
        type="referral", id=str(REFERRAL), service="intake", reference=None,
        link=f"http://127.0.0.1:8001/referrals/{REFERRAL}"))
    assert route("notifications.task.created", **task | {"subject": {"type": "parcel", "id": "1"}}) == rules.Routing(
        subject=None)


def test_links_use_the_owning_services_public_url():
    links = rules.public_urls({"CASEWORK_INTAKE_PUBLIC_URL": "https://intake.example.gov.uk/"})
    routing = rules.route(POLICY, "casework.intake.referral.received.v2",
                          referral(risk_level="low", triage_due=DUE), now=NOW, links=links)

    assert routing.subject.link == f"https://intake.example.gov.uk/referrals/{REFERRAL}"
    assert rules.subject_of(POLICY, case(), LINKS).link == f"http://127.0.0.1:8002/cases/{CASE}"


def test_messages_never_quote_personal_data_even_when_the_event_carries_it():
    data = referral(person={"name": "Jane Doe", "date_of_birth": "1980-01-01"}, risk_level="low", triage_due=DUE)

    assert rules.render("{reference} {person}", data, POLICY.message_fields) == "R-000123 "


@pytest.mark.parametrize("policy, error", [
    ({"tasks": {"x": {"made_by": ["a"], "title": "{person}", "team": "t"}}, "message_fields": ["reference"]},
     "may only quote reference, not person"),
    ({"tasks": {"x": {"made_by": ["a"], "title": "T"}}}, "give a team, an assignee or manager_of"),
    ({"tasks": {"x": {"made_by": ["a"], "title": "T", "team": "t", "priority": "asap"}}}, "priority"),
    ({"priority_by_risk": {"high": "soon"}}, "priority_by_risk.high"),
])
def test_a_policy_that_cannot_be_followed_is_refused(policy, error):
    with pytest.raises(rules.PolicyError, match=error):
        rules.parse_policy(policy)


@pytest.mark.parametrize("types, referrer_only, owner, type_, data, wanted", [
    (["intake.referral.received.v2"], False, "tl", "casework.intake.referral.received.v2", {}, True),
    (["intake.referral.received"], False, "tl", "casework.intake.referral.accepted.v2", {}, False),
    (["*"], False, "admin", "casework.lettings.offer.made.v1", {}, True),
    (["intake.referral.accepted"], True, "sys-1", "casework.intake.referral.accepted.v2",
     {"referrer_client": "sys-1"}, True),
    (["intake.referral.accepted"], True, "sys-1", "casework.intake.referral.accepted.v2",
     {"referrer_client": "sys-2"}, False),
    (["*"], True, "sys-1", "casework.sustainment.case.opened.v1", {"referrer_client": "sys-1"}, False),
])
def test_who_a_webhook_subscription_receives(types, referrer_only, owner, type_, data, wanted):
    assert rules.subscription_wants(event_types=types, referrer_only=referrer_only, owner=owner,
                                    event_type=type_, data=data) is wanted


def test_a_council_notice_tells_the_named_officer_or_the_teams_manager():
    council = rules.parse_policy({
        "subjects": [{"type": "case", "id_field": "case_id", "service": "sustainment", "path": "/cases/{id}"}],
        "message_fields": ["reference", "outcome"],
        "notices": {
            "case_closed": {"sent_on": ["sustainment.case.closed"], "to": {"field": "officer_id"},
                            "message": "Case {reference} closed: {outcome}."},
            "case_closed_manager": {"sent_on": ["sustainment.case.closed"], "manager_of": "sustainment",
                                    "when": {"outcome": "evicted"}, "message": "Case {reference} ended in eviction."},
        },
    })

    closed = rules.route(council, "casework.sustainment.case.closed.v1",
                         case(officer_id="o-1", outcome="evicted"), now=NOW, links=LINKS)
    sustained = rules.route(council, "casework.sustainment.case.closed.v1",
                            case(officer_id="o-1", outcome="tenancy_sustained"), now=NOW, links=LINKS)

    assert [(n.recipient, n.manager_of, n.message) for n in closed.notices] == [
        ("o-1", None, "Case C-000045 closed: evicted."), (None, "sustainment", "Case C-000045 ended in eviction.")]
    assert [n.message for n in sustained.notices] == ["Case C-000045 closed: tenancy_sustained."]


@pytest.mark.parametrize("outcome, rule, title", [
    ("declined", "sign_up_pack_declined",
     "The applicant declined the sign-up pack for offer O-000007: contact them, send it again or sign up in person"),
    ("not_sent", "sign_up_pack_not_sent",
     "The sign-up pack for offer O-000007 could not be sent: send it again or sign up in person"),
    ("signed_too_late", "sign_up_pack_signed_too_late",
     "The sign-up pack for offer O-000007 was signed after the offer ended: no tenancy started, tell the applicant"),
])
def test_a_sign_up_pack_that_will_not_start_the_tenancy_tasks_the_lettings_team(outcome, rule, title):
    (task,) = route("lettings.sign_up_pack.not_signed", **offer(sign_up_pack_id=uuid.uuid4(), outcome=outcome)).open
    assert (task.rule, task.title, task.team, task.priority, task.subject.type, task.subject.id) == (
        rule, title, "lettings", "high", "offer", str(OFFER))


def test_the_tenancy_starting_closes_the_sign_up_pack_tasks():
    closed = {c.rule for c in rules.route(POLICY, "casework.lettings.tenancy.started.v2", offer(), now=NOW,
                                          links=LINKS).close}
    assert closed == {"sign_up_pack_declined", "sign_up_pack_not_sent"}


def test_an_agency_not_answering_tasks_the_case_officer_to_chase_it_until_its_answer_comes():
    referral_id = uuid.uuid4()
    routing = route("sustainment.deadline.missed", **case(officer_id="o-1", deadline="agency_chase", due=DUE,
                                                         related_id=str(referral_id), agency_referral_id=referral_id))

    assert sorted((t.rule, t.assignee, t.team) for t in routing.open) == [
        ("chase_agency", "o-1", "sustainment"), ("missed_deadline", None, "sustainment")]
    chase = next(t for t in routing.open if t.rule == "chase_agency")
    assert chase.title == "Chase the agency about its referral on case C-000045"
    assert chase.dedup_key.endswith(str(referral_id))  # one task per referral

    answered = route("sustainment.agency_referral.answered", **case(agency_referral_id=referral_id, answer="accepted"))
    assert [(c.rule, c.dedup_key) for c in answered.close] == [("chase_agency", chase.dedup_key)]
    other = route("sustainment.deadline.missed", **case(deadline="first_contact", due=DUE))
    assert [t.rule for t in other.open] == ["missed_deadline"]
