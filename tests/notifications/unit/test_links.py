"""Where a task leads: the page where its work is done, never the API docs."""

import pytest

from notifications import links, rules

URLS = rules.public_urls({"CASEWORK_INTAKE_PUBLIC_URL": "https://intake.council.example/",
                          "CASEWORK_SUSTAINMENT_PUBLIC_URL": "https://cases.council.example",
                          "CASEWORK_LETTINGS_PUBLIC_URL": "https://lettings.council.example"})


@pytest.mark.parametrize(("subject_type", "page"), [
    ("referral", "https://intake.council.example/app/referrals/abc"),
    ("case", "https://cases.council.example/app/cases/abc"),
    ("advert", "https://lettings.council.example/app/adverts/abc"),
    ("offer", "https://lettings.council.example/app/offers/abc"),
    # Where a home nobody is left to be offered is advertised again or offered directly.
    ("property", "https://lettings.council.example/app/properties/abc"),
    ("applicant", "https://lettings.council.example/app/applicants/abc"),
])
def test_each_subject_leads_to_its_page_in_the_service_that_owns_it(subject_type, page):
    assert links.page_url(subject_type, "abc", URLS) == page


def test_without_settings_the_pages_are_on_the_development_ports():
    assert links.page_url("referral", "abc", rules.public_urls({})) == "http://127.0.0.1:8001/app/referrals/abc"


@pytest.mark.parametrize(("subject_type", "subject_id"), [("ufo", "abc"), ("referral", ""), (None, "abc")])
def test_a_subject_with_no_page_leads_nowhere(subject_type, subject_id):
    assert links.page_url(subject_type, subject_id, URLS) is None


def test_no_subject_in_the_policy_leads_to_the_docs(policy):
    for kind in policy.subjects:
        assert "/docs" not in links.page_url(kind.type, "abc", URLS)


def test_the_tasks_that_close_themselves_are_those_closed_by_the_event_recording_their_work(policy):
    closing = {rule.name for rule in policy.tasks if rules.closes_itself(policy, rule.name)}
    assert closing == {"triage_referral", "assign_case", "assign_onboarding_case", "first_contact",
                       "settling_in_visit", "visit", "chase_offer", "offer_next_bidder",
                       "readvertise_or_match", "sign_up_pack_declined", "sign_up_pack_not_sent", "chase_agency"}
    assert not rules.closes_itself(policy, "no_such_rule")


def test_a_council_may_say_a_rule_does_not_close_itself():
    policy = rules.parse_policy({"subjects": [{"type": "case", "id_field": "case_id", "service": "sustainment",
                                               "path": "/cases/{id}"}],
                                 "tasks": {"call": {"made_by": ["x"], "title": "Call", "team": "t",
                                                    "closed_by": ["y"], "closes_itself": False},
                                           "visit": {"made_by": ["x"], "title": "Visit", "team": "t",
                                                     "closed_by": ["y"]},
                                           "check": {"made_by": ["x"], "title": "Check", "team": "t"}}})
    assert [rules.closes_itself(policy, name) for name in ("call", "visit", "check")] == [False, True, False]


@pytest.mark.parametrize(("roles", "self_closing", "reason", "status"), [
    ({"sustainment_officer"}, False, "Done by phone", None),
    ({"sustainment_officer"}, False, "  ", 422),
    ({"sustainment_officer"}, False, None, 422),
    ({"sustainment_officer"}, True, "Done by phone", 403),
    ({"team_leader"}, True, "Recorded on paper", None),
    ({"admin"}, True, "Recorded on paper", None),
    ({"team_leader"}, True, "", 422),
    ({"sustainment_officer"}, True, None, 403),  # no reason would let them
])
def test_who_may_close_a_task_by_hand(roles, self_closing, reason, status):
    refusal = rules.hand_closing_refusal(roles=frozenset(roles), self_closing=self_closing, reason=reason)
    assert (refusal.status if refusal else None) == status
