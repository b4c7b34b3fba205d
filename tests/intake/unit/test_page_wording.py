"""How the referral pages word codes, and how the API schema's refusals find the form's fields."""

from marshmallow import ValidationError

from intake.domain.risk import REASON_CODES
from intake.sensitivity import SPECIAL_CATEGORY
from intake.web import forms, wording


def test_every_reason_has_words_and_lists_count_restricted_reasons_without_naming_them():
    assert set(wording.REASON_NAMES) == set(REASON_CODES)
    assert wording.shown_reasons(["rent_arrears", "mental_health", "domestic_abuse"]) == (["Rent arrears"], 2)
    assert wording.shown_reasons(["hoarding"]) == (["Hoarding"], 0)
    named, hidden = wording.shown_reasons(sorted(SPECIAL_CATEGORY))
    assert named == [] and hidden == len(SPECIAL_CATEGORY)


def test_the_source_team_defaults_from_the_officers_role():
    assert wording.team_for({"income_officer"}) == "Income recovery"
    assert wording.team_for({"lettings_officer"}) == ""


def test_nested_schema_refusals_are_flattened_to_dotted_paths():
    error = ValidationError({"person": {"name": ["Must not be blank."]}, "reasons": {0: ["Not a valid choice."]},
                             "_schema": ["Something about the whole referral."]})

    assert forms._flatten(error.messages) == [("person.name", ["Must not be blank."]),
                                              ("reasons", ["Not a valid choice."]),
                                              ("", ["Something about the whole referral."])]


def test_the_new_referral_form_knows_which_field_shows_each_schema_path():
    field_for = forms.NewReferralForm.field_for

    class Fake:
        FIELDS = forms.NewReferralForm.FIELDS
        _fields = {"weekly_rent": None, "uprn": None}

    assert field_for(Fake, "person.date_of_birth") == "date_of_birth"
    assert field_for(Fake, "safeguarding_exemption") == "exemption_reason"
    assert field_for(Fake, "weekly_rent") == "weekly_rent"
    assert field_for(Fake, "source.system") is None  # not the officer's to fix: the error summary says it
