"""Who may give a task to whom: one rule for the tasks API and the inbox page."""

import pytest

from notifications.rules import assignment_refusal

OFFICER = frozenset({"sustainment_officer"})
LEADER = frozenset({"sustainment_officer", "team_leader"})
ADMIN = frozenset({"admin"})


def refusal(roles, holder, to, to_team=None, by="me"):
    found = assignment_refusal(by=by, roles=roles, holder=holder, team="sustainment", to=to, to_team=to_team)
    return found and found.status


@pytest.mark.parametrize(("roles", "holder", "to", "to_team", "status"), [
    (OFFICER, None, "me", None, None),              # an unassigned task, taken for themselves
    (OFFICER, None, "me", "sustainment", None),     # ... naming its own team
    (OFFICER, "me", "me", None, None),              # their own, kept
    (OFFICER, "colleague", "me", None, 409),        # a teammate's task: not theirs to take
    (OFFICER, None, "colleague", None, 403),        # giving a task away
    (OFFICER, "me", "colleague", None, 403),
    (OFFICER, None, "me", "lettings", 403),         # moving it to another team
    (OFFICER, None, None, None, 403),               # putting it back in the queue
    (LEADER, "colleague", "me", None, None),        # team leaders hand over
    (LEADER, "colleague", "someone", "lettings", None),
    (ADMIN, "colleague", "me", None, None),
])
def test_an_officer_takes_only_an_unassigned_task_and_team_leaders_hand_over(roles, holder, to, to_team, status):
    assert refusal(roles, holder, to, to_team) == status
