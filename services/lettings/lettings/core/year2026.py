"""The CORE lettings bulk-upload layout for 2026/27 (tenancies starting 1 April 2026 to 31 March 2027).

Source as for 2024/25 (``year2024``): MHCLG's CORE service's parser for the year,
app/services/bulk_upload/lettings/year2026/ (147 fields), as it stood in August 2026. What moved from
2025/26: wheelchair standard and bedrooms are 27 and 28 (the building type is gone), so the void date
starts at 29; the tenancy block is 36 to 40 again (older people's housing at 35); each person has six
answers (age first, then partner?, sex registered at birth, whether their gender is the same,
their gender identity, working situation), the lead tenant's age and sex are 41 and 42, person 2's
answers start at 48; time on the register is 112, reasonable preference 121 to 125, choice-based
lettings 127; rent period, basic rent and service charge are 141, 142 and 143.
"""

from .layout import Layout

LAYOUT = Layout(
    start_year=2026,
    fields=147,
    at={
        "owning_organisation": 1, "managing_organisation": 2, "needs_type": 4, "renewal": 7, "rent_type": 11,
        "tenant_code": 13, "property_reference": 14, "uprn": 18, "unit_type": 26, "wheelchair_standard": 27,
        "bedrooms": 28, "joint_tenancy": 36, "starter_tenancy": 37, "tenancy_type": 38, "tenancy_other": 39,
        "lead_age": 41, "lead_sex": 42, "waiting_time": 112, "reasonable_preference": 121,
        "rp_homeless": 122, "rp_insanitary_or_overcrowded": 123, "rp_medical_or_welfare": 124, "rp_hardship": 125,
        "choice_based_lettings": 127, "rent_period": 141, "basic_rent": 142, "service_charge": 143,
    },
    dates={"tenancy_start": 8, "void_date": 29},
    person_2=48, person_answers=("age", "relationship", "sex", "gender_same_as_sex", "gender_identity",
                                 "working_situation"),
    relationship={"partner": 1, "child": 2, "other": 2, "applicant": 2},
    rent_type={"social_rent": 1, "affordable_rent": 2, "london_affordable_rent": 3, "rent_to_buy": 4,
               "london_living_rent": 5, "other_intermediate_rent": 6, "specified_accommodation": 7},
    waiting=((10, 12), (5, 11), (4, 10), (3, 9), (2, 8), (1, 7), (0, 2)),
)
