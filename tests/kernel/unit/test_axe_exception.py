"""The one axe-core finding ``assert_accessible`` lets through: GOV.UK Frontend's conditional-reveal
radios carry ``aria-expanded`` (casework_dev.testing.browser.govuk_conditional_reveal). The nodes are
shaped as axe-core reports them."""

import pytest

from casework_dev.testing.browser import govuk_conditional_reveal

GOVUK_RADIO = '<input class="govuk-radios__input" id="outcome" name="outcome" type="radio" aria-controls="c" {}>'


def node(html: str, *unallowed: str) -> dict:
    return {"html": html, "any": [{"id": "aria-allowed-attr",
                                   "data": {"messageKey": "singular", "values": list(unallowed)}}],
            "all": [], "none": []}


@pytest.mark.parametrize(("rule", "found", "let_through"), [
    ("aria-allowed-attr", node(GOVUK_RADIO.format('aria-expanded="false"'), 'aria-expanded="false"'), True),
    ("aria-allowed-attr", node(GOVUK_RADIO.format('aria-expanded="true"'), 'aria-expanded="true"'), True),
    # anything more, anywhere else, or another rule still fails the page
    ("aria-allowed-attr", node(GOVUK_RADIO.format('aria-expanded="true" aria-pressed="true"'),
                               'aria-expanded="true"', 'aria-pressed="true"'), False),
    ("aria-allowed-attr", node('<input class="app-radio" type="radio" aria-expanded="false">',
                               'aria-expanded="false"'), False),
    ("aria-allowed-attr", node(GOVUK_RADIO.format('aria-pressed="true"'), 'aria-pressed="true"'), False),
    ("aria-allowed-attr", node(GOVUK_RADIO.format("")), False),
    ("label", node(GOVUK_RADIO.format('aria-expanded="false"'), 'aria-expanded="false"'), False),
])
def test_only_aria_expanded_on_a_govuk_radio_is_let_through(rule, found, let_through):
    assert govuk_conditional_reveal(rule, found) is let_through


def test_older_axe_core_data_as_a_plain_list_is_read_too():
    older = {"html": GOVUK_RADIO.format('aria-expanded="false"'),
             "any": [{"id": "aria-allowed-attr", "data": ['aria-expanded="false"']}]}
    assert govuk_conditional_reveal("aria-allowed-attr", older)
