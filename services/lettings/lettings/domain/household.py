"""Who a household on the register is made of: exactly one applicant (the lead), at most one partner.

Checked where a household is given (the API's schema, for a 422 naming ``household``) and again
where it is written (``households.set_household``), so no path can record two leads.
"""

from __future__ import annotations

from collections.abc import Iterable


class HouseholdInvalid(ValueError):
    """The household breaks a rule; the message says which, in the officer's words."""


def check_household(relationships: Iterable[str]) -> None:
    """Raise ``HouseholdInvalid`` unless exactly one member is the applicant and at most one a partner."""
    relationships = list(relationships)
    if relationships.count("applicant") != 1:
        raise HouseholdInvalid("The household needs exactly one member whose relationship is 'applicant'.")
    if relationships.count("partner") > 1:
        raise HouseholdInvalid("A household has at most one partner.")
