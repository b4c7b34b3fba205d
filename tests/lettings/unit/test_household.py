"""The household rules: exactly one applicant, at most one partner."""

import pytest

from lettings.domain.household import HouseholdInvalid, check_household


@pytest.mark.parametrize("relationships", [
    ["applicant"],
    ["applicant", "partner", "child", "child", "other"],
    ["child", "applicant"],
])
def test_a_household_with_one_applicant_and_at_most_one_partner_holds(relationships):
    check_household(relationships)


@pytest.mark.parametrize(("relationships", "says"), [
    ([], "exactly one member whose relationship is 'applicant'"),
    (["child", "partner"], "exactly one member whose relationship is 'applicant'"),
    (["applicant", "partner", "applicant", "child"], "exactly one member whose relationship is 'applicant'"),
    (["applicant", "partner", "partner"], "at most one partner"),
])
def test_a_household_without_one_lead_or_with_two_partners_is_refused(relationships, says):
    with pytest.raises(HouseholdInvalid, match=says):
        check_household(relationships)
