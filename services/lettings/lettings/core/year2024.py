"""The CORE lettings bulk-upload layout for 2024/25 (tenancies starting 1 April 2024 to 31 March 2025).

Source: the bulk-upload parser of MHCLG's CORE service ("Submit social housing lettings and sales
data", github.com/communitiesuk/submit-social-housing-lettings-and-sales-data,
app/services/bulk_upload/lettings/year2024/: csv_parser.rb reads 130 fields, ``field_1`` …
``field_130``, in that order when a file has no header, or in the order of its "Field number" row;
row_parser.rb maps each field to the log and its answer codes). The published "Lettings 2024/25
Bulk Upload Specification" itself (a spreadsheet on the CORE site) was not reachable from here:
check against it before a year's first upload.
"""

from .layout import Layout

LAYOUT = Layout(
    start_year=2024,
    fields=130,
    at={
        "owning_organisation": 1, "managing_organisation": 2, "needs_type": 4, "renewal": 7, "rent_type": 11,
        "tenant_code": 13, "property_reference": 14, "uprn": 16, "unit_type": 26, "wheelchair_standard": 28,
        "bedrooms": 29, "joint_tenancy": 36, "starter_tenancy": 37, "tenancy_type": 38, "tenancy_other": 39,
        "lead_age": 42, "lead_sex": 43, "waiting_time": 97, "reasonable_preference": 106,
        "rp_homeless": 107, "rp_insanitary_or_overcrowded": 108, "rp_medical_or_welfare": 109, "rp_hardship": 110,
        "choice_based_lettings": 112, "rent_period": 123, "basic_rent": 125, "service_charge": 126,
    },
    dates={"tenancy_start": 8, "void_date": 30},
    # field_47 "person 2's relationship to the lead tenant", then age, sex, working situation.
    person_2=47, person_answers=("relationship", "age", "sex", "working_situation"),
    relationship={"partner": "P", "child": "C", "other": "X", "applicant": "X"},
    # field_11: 1 social rent, 2 affordable rent, 3 London affordable rent, 4 rent to buy,
    # 5 London living rent, 6 other intermediate rent product.
    rent_type={"social_rent": 1, "affordable_rent": 2, "london_affordable_rent": 3, "rent_to_buy": 4,
               "london_living_rent": 5, "other_intermediate_rent": 6},
    # field_97: 2 less than 1 year, 7 1 to 2, 8 2 to 3, 9 3 to 4, 10 4 to 5, 11 5 to 10, 12 10 years or more.
    waiting=((10, 12), (5, 11), (4, 10), (3, 9), (2, 8), (1, 7), (0, 2)),
)
