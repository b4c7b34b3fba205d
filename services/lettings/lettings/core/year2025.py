"""The CORE lettings bulk-upload layout for 2025/26 (tenancies starting 1 April 2025 to 31 March 2026).

Source as for 2024/25 (``year2024``): MHCLG's CORE service's parser for the year,
app/services/bulk_upload/lettings/year2025/ (129 fields). What moved from 2024/25: reason for vacancy and
previous let type come before the address, so the UPRN is ``field_18`` (was 16); sheltered
accommodation comes first in the tenancy block, so joint tenancy, starter tenancy and tenancy type are
37, 38 and 39 (were 36, 37, 38); the care-home charge is gone, so basic rent and service charge are 124
and 125 (were 125 and 126); person n's first answer asks whether they are the lead tenant's partner
(1 yes, 2 no) instead of their relationship (P, C, X); rent type gains 7 (specified accommodation) and
time on the register gains 13 (not on the register).
"""

from .layout import Layout

LAYOUT = Layout(
    start_year=2025,
    fields=129,
    at={
        "owning_organisation": 1, "managing_organisation": 2, "needs_type": 4, "renewal": 7, "rent_type": 11,
        "tenant_code": 13, "property_reference": 14, "uprn": 18, "unit_type": 26, "wheelchair_standard": 28,
        "bedrooms": 29, "joint_tenancy": 37, "starter_tenancy": 38, "tenancy_type": 39,
        "tenancy_other": 40, "lead_age": 42, "lead_sex": 43, "waiting_time": 97, "reasonable_preference": 106,
        "rp_homeless": 107, "rp_insanitary_or_overcrowded": 108, "rp_medical_or_welfare": 109, "rp_hardship": 110,
        "choice_based_lettings": 112, "rent_period": 123, "basic_rent": 124, "service_charge": 125,
    },
    dates={"tenancy_start": 8, "void_date": 30},
    # field_47 "is person 2 the partner of the lead tenant?" (1 yes, 2 no), then age, sex, working situation.
    person_2=47, person_answers=("relationship", "age", "sex", "working_situation"),
    relationship={"partner": 1, "child": 2, "other": 2, "applicant": 2},
    rent_type={"social_rent": 1, "affordable_rent": 2, "london_affordable_rent": 3, "rent_to_buy": 4,
               "london_living_rent": 5, "other_intermediate_rent": 6, "specified_accommodation": 7},
    # field_97 as in 2024/25 (13, not on the register, does not arise: every letting here is to an applicant).
    waiting=((10, 12), (5, 11), (4, 10), (3, 9), (2, 8), (1, 7), (0, 2)),
)
