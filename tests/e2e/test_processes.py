"""The process runner itself: a worker killed outright loses nothing, and comes back."""

import pytest

from .conftest import REFERRAL, one_case

pytestmark = pytest.mark.slow


def test_an_event_waits_in_the_queue_while_the_consuming_worker_is_dead(system, people):
    system.kill("sustainment-worker")
    assert not system.process("sustainment-worker").running

    referral = people.partner.post("intake", "/referrals", REFERRAL).json()
    accepted = people.intake_officer.post("intake", f"/referrals/{referral['id']}/triage", {"outcome": "accept"})
    assert accepted.status_code == 200
    assert people.sustainment_officer.get("sustainment", "/cases", referral_id=referral["id"]).json() == []

    system.start_process("sustainment-worker")
    case = one_case(people.sustainment_officer, referral_id=referral["id"])
    assert case["case_type"] == "sustainment"
    assert system.exited() == []
