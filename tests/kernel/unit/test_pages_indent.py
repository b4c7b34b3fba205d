"""The pages' ``indent`` filter keeps text as written: GOV.UK Frontend's macros indent every nested
block, which cost most of a long page's time and put spaces into a textarea's text."""

from jinja2 import Environment, PackageLoader, PrefixLoader

from casework.pages import formats

PAGE = ('{% from "govuk_frontend_jinja/components/textarea/macro.html" import govukTextarea %}'
        '{% from "govuk_frontend_jinja/components/tabs/macro.html" import govukTabs %}'
        '{% set area %}{{ govukTextarea({"name": "notes", "id": "notes", "label": {"text": "Notes"},'
        ' "value": "First line\\nSecond line"}) }}{% endset %}'
        '{{ govukTabs({"items": [{"label": "Notes", "id": "notes-tab", "panel": {"html": area}}]}) }}')


def environment(**filters) -> Environment:
    env = Environment(loader=PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
                      autoescape=True)
    env.filters.update(filters)
    return env


def test_a_textarea_in_a_tab_panel_keeps_its_text_as_typed():
    assert "First line\nSecond line</textarea>" in environment(indent=formats.kept_as_written).from_string(PAGE).render()


def test_jinjas_own_indent_would_put_spaces_into_it():
    assert "First line\nSecond line</textarea>" not in environment().from_string(PAGE).render()
