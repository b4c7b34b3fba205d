"""GOV.UK Frontend's macros at less cost a call (casework.pages.govuk), the HTML byte for byte the same:
``govukAttributes`` written in Python, and an import inside a macro checked with one set operation."""

import collections

import pytest
from jinja2 import ChoiceLoader, DictLoader, Environment, PackageLoader, PrefixLoader, Template
from markupsafe import Markup

from casework.pages import govuk

#: Every component a page uses, with attributes of every kind the macro knows.
COMPONENTS = """
{%- from "govuk_frontend_jinja/components/tag/macro.html" import govukTag -%}
{%- from "govuk_frontend_jinja/components/button/macro.html" import govukButton -%}
{%- from "govuk_frontend_jinja/components/table/macro.html" import govukTable -%}
{%- from "govuk_frontend_jinja/components/input/macro.html" import govukInput -%}
{%- from "govuk_frontend_jinja/components/select/macro.html" import govukSelect -%}
{%- from "govuk_frontend_jinja/components/radios/macro.html" import govukRadios -%}
{%- from "govuk_frontend_jinja/components/summary-list/macro.html" import govukSummaryList -%}
{%- from "govuk_frontend_jinja/components/tabs/macro.html" import govukTabs -%}
{%- from "govuk_frontend_jinja/components/error-summary/macro.html" import govukErrorSummary -%}
{%- from "govuk_frontend_jinja/components/pagination/macro.html" import govukPagination -%}
{{ govukTag({"text": "Overdue", "classes": "govuk-tag--red", "attributes": {"data-due": "2026-12-07", "hidden": {"value": false, "optional": true}}}) }}
{{ govukButton({"text": "Save <draft>", "attributes": {"formnovalidate": {"value": true, "optional": true}, "data-x": none}}) }}
{{ govukButton({"text": "Go", "href": "/app/?a=1&b=2", "attributes": ' data-raw="1"'}) }}
{{ govukTable({"caption": "Rows", "firstCellIsHeader": true, "attributes": {"id": "rows"},
  "head": [{"text": "A"}, {"text": "B", "format": "numeric"}],
  "rows": [[{"text": "x"}, {"text": 3, "format": "numeric", "attributes": {"data-sort": 3}}], [{"html": "<b>y</b>"}, {"text": "4"}]]}) }}
{{ govukInput({"id": "name", "name": "name", "label": {"text": "Name"}, "hint": {"text": "As on the tenancy"},
  "errorMessage": {"text": "Enter a name"}, "value": "Jo \\"Jay\\"", "attributes": {"required": true, "spellcheck": false}}) }}
{{ govukSelect({"id": "risk", "name": "risk", "label": {"text": "Risk"}, "value": "high",
  "items": [{"value": "low", "text": "Low"}, {"value": "high", "text": "High", "attributes": {"data-x": "y"}}]}) }}
{{ govukRadios({"name": "kind", "fieldset": {"legend": {"text": "Kind"}}, "items": [{"value": "a", "text": "A", "checked": true},
  {"value": "b", "text": "B", "hint": {"text": "b's hint"}, "conditional": {"html": "<p>more</p>"}}]}) }}
{{ govukSummaryList({"card": {"title": {"text": "Card"}}, "rows": [{"key": {"text": "K"}, "value": {"text": "V"},
  "actions": {"items": [{"href": "#", "text": "Change", "visuallyHiddenText": "k"}]}}]}) }}
{{ govukTabs({"items": [{"label": "One", "id": "one", "panel": {"html": "<p>1</p>"}}, {"label": "Two", "id": "two", "panel": {"text": "2"}}]}) }}
{{ govukErrorSummary({"titleText": "There is a problem", "errorList": [{"text": "Enter a name", "href": "#name"}]}) }}
{{ govukPagination({"previous": {"href": "?page=1"}, "next": {"href": "?page=3"},
  "items": [{"number": 1, "href": "?page=1"}, {"number": 2, "href": "?page=2", "current": true}, {"ellipsis": true}]}) }}
"""


def package_only() -> Environment:
    """GOV.UK Frontend's templates as the package has them, Jinja's own template class."""
    return Environment(loader=PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
                       autoescape=True)


def casework() -> Environment:
    """As ``casework.pages.install`` sets up every service's environment."""
    env = Environment(loader=PrefixLoader({"govuk_frontend_jinja": govuk.loader()}), autoescape=True)
    env.template_class = govuk.Template
    env.globals["govuk_attributes"] = govuk.attributes
    return env


def test_every_component_writes_the_same_html_byte_for_byte():
    ours = casework().from_string(COMPONENTS)
    assert ours.render() == package_only().from_string(COMPONENTS).render()
    assert ours.render() == package_only().from_string(COMPONENTS).render()  # again, as remembered


def test_a_component_drawn_again_with_the_same_parameters_is_not_drawn_again():
    env = casework()
    select = env.get_template("govuk_frontend_jinja/components/select/macro.html").module.govukSelect
    assert isinstance(select, govuk.Remembered)
    ran = []
    original = select.macro
    select.macro = lambda *a, **k: ran.append(a) or original(*a, **k)
    page = env.from_string('{% from "govuk_frontend_jinja/components/select/macro.html" import govukSelect %}'
                           '{% for n in range(3) %}{{ govukSelect(params) }}{% endfor %}')
    params = {"id": "risk", "name": "risk", "label": {"text": "Risk"}, "items": [{"value": "low", "text": "Low"}]}
    first = page.render(params=params)
    assert len(ran) == 1 and first.count("<select") == 3
    page.render(params={**params, "label": {"text": Markup("Risk")}})  # Markup apart from the same str
    page.render(params={**params, "items": [{"value": "low", "text": "Low", "selected": True}]})
    assert len(ran) == 3


def test_components_drawn_each_time_where_their_html_might_not_be_the_parameters_alone():
    env = casework()
    inset = env.get_template("govuk_frontend_jinja/components/inset-text/macro.html").module.govukInsetText
    page = env.from_string('{% from "govuk_frontend_jinja/components/inset-text/macro.html" import govukInsetText %}'
                           '{% call govukInsetText({}) %}Called {{ n }}{% endcall %}'
                           '{{ govukInsetText({"text": long}) }}{{ govukInsetText({"text": thing}) }}')

    class Thing:
        def __str__(self):
            return "a thing"

    assert "Called 1" in page.render(n=1, long="x" * 10_000, thing=Thing())
    assert "Called 2" in page.render(n=2, long="x" * 10_000, thing=Thing())
    assert inset.drawn == {}


ATTRIBUTES = [None, "", ' data-x="1"', Markup(' x="<"'), 5, {}, {"id": "x"},
              {"a": True, "b": False, "c": None, "d": 3, "e": "<&>"},
              {"h": {"value": True, "optional": True}}, {"h": {"value": None, "optional": True}},
              {"h": {"value": False, "optional": True}}, {"h": {"value": "", "optional": True}},
              {"h": {"value": 0, "optional": True}}, {"h": {"value": "v", "optional": True}},
              {"h": {"value": "v", "optional": False}}, {"h": {"value": "v"}}, {"h": {"optional": True}}, {"h": {}},
              {"h": {"val": "x"}}, {"h": {"val": None}}, {"h": {"val": {"value": "q", "optional": True}}},
              {"a": 1, "b": {"value": True, "optional": True}, "c": {"value": None, "optional": True}, "d": "x"}]


@pytest.mark.parametrize("given", ATTRIBUTES, ids=repr)
def test_attributes_are_the_macros_output(given):
    macro = package_only().from_string('{% from "govuk_frontend_jinja/macros/attributes.html" import govukAttributes %}'
                                       "{{ govukAttributes(given) }}")
    assert str(govuk.attributes(given)) == macro.render(given=given)


def test_attributes_of_an_undefined_parameter_are_nothing():
    macro = package_only().from_string('{% from "govuk_frontend_jinja/macros/attributes.html" import govukAttributes %}'
                                       "{{ govukAttributes(params.attributes) }}")
    assert macro.render(params={}) == "" == casework().from_string("{{ govuk_attributes(params.attributes) }}").render(params={})


def test_every_services_pages_import_attributes_written_in_python():
    from casework.service import installed
    from casework.settings import Settings
    from casework.web import create_app

    app = create_app(installed()["intake"], settings=Settings(service="intake", database_url="sqlite://",
                                                                broker_url="memory://"))
    assert app.jinja_env.template_class is govuk.Template
    imported = app.jinja_env.get_template("govuk_frontend_jinja/macros/attributes.html").module
    assert imported.govukAttributes is govuk.attributes


def counting_chainmap_lookups(monkeypatch) -> list:
    looked_up = []
    original = collections.ChainMap.__contains__

    def counted(self, key):
        looked_up.append(key)
        return original(self, key)

    monkeypatch.setattr(collections.ChainMap, "__contains__", counted)
    return looked_up


def test_an_import_inside_a_macro_looks_no_global_up_one_at_a_time(monkeypatch):
    env = casework()
    page = env.from_string('{% from "govuk_frontend_jinja/components/tag/macro.html" import govukTag %}'
                           '{% for n in range(25) %}{{ govukTag({"text": n}) }}{% endfor %}')
    page.render()
    looked_up = counting_chainmap_lookups(monkeypatch)
    assert "govuk-tag" in page.render()
    assert looked_up == []


def test_jinjas_own_template_would_look_each_global_up_at_each_import(monkeypatch):
    env = casework()
    env.template_class = Template
    page = env.from_string('{% from "govuk_frontend_jinja/components/tag/macro.html" import govukTag %}'
                           '{% for n in range(25) %}{{ govukTag({"text": n}) }}{% endfor %}')
    page.render()
    looked_up = counting_chainmap_lookups(monkeypatch)
    page.render()
    assert len(looked_up) >= 25 * len(env.globals)


def test_an_importer_with_globals_the_imported_template_lacks_still_gets_them():
    env = casework()
    env.loader = ChoiceLoader([DictLoader({"uses.html": "{% macro shout() %}{{ extra }}!{% endmacro %}"}), env.loader])
    page = env.from_string('{% from "uses.html" import shout %}{{ shout() }}', globals={"extra": "hello"})
    assert page.render() == "hello!"


# Form fields: govuk-frontend-wtf draws each through a template; the HTML of one drawn is kept by
# its parameters (casework.pages.govuk.FIELDS).

def intake_app():
    from casework.service import installed
    from casework.settings import Settings
    from casework.web import create_app

    return create_app(installed()["intake"], settings=Settings(service="intake", database_url="sqlite://",
                                                                 broker_url="memory://"))


def a_form(**data):
    from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextArea, GovTextInput
    from wtforms import Form, RadioField, SelectField, StringField, SubmitField, TextAreaField

    class Note(Form):
        name = StringField("Name", widget=GovTextInput(), description="As on the tenancy")
        text = TextAreaField("Note", widget=GovTextArea())
        kind = RadioField("Kind", choices=[("a", "A"), ("b", "B <b>")], widget=GovRadioInput())
        officer = SelectField("Officer", choices=[(f"o-{n}", f"Officer {n}") for n in range(40)], widget=GovSelect())
        submit = SubmitField("Save", widget=GovSubmitInput())

    return Note(data=data)


def draw(form) -> str:
    return "".join(str(field(params={"classes": "govuk-!-width-full"})) if field.name == "officer" else str(field())
                   for field in form)


def counting_renders(monkeypatch) -> list:
    from casework.pages import govuk as module

    drawn = []
    original = module.render_template

    def counted(name, **context):
        drawn.append(name)
        return original(name, **context)

    monkeypatch.setattr(module, "render_template", counted)
    return drawn


def test_a_field_drawn_again_with_the_same_parameters_is_not_drawn_again(monkeypatch):
    app = intake_app()
    govuk.FIELDS.drawn.clear()
    drawn = counting_renders(monkeypatch)
    with app.test_request_context("/app/"):
        first = draw(a_form(name="Jo", kind="b"))
        assert len(drawn) == 5
        assert draw(a_form(name="Jo", kind="b")) == first
        assert len(drawn) == 5
        draw(a_form(name="Jay", kind="b"))  # one field's value differs: that field alone is drawn
        assert len(drawn) == 6


def test_a_kept_field_is_the_html_govuk_frontend_wtf_draws(monkeypatch):
    from govuk_frontend_wtf.gov_form_base import GovFormBase

    app = intake_app()
    with app.test_request_context("/app/"):
        form = a_form(name="Jo <Jay>", text="line 1\nline 2", kind="a", officer="o-7")
        form.name.errors = ["Enter a name"]
        draw(form)
        kept = draw(form)
        monkeypatch.setattr(GovFormBase, "render", lambda self, params: Markup(govuk.render_template(self.template, params=params)))
        assert kept == draw(form)


def test_parameters_that_could_draw_differently_are_kept_apart():
    keys = [govuk._key(value) for value in ({"checked": True}, {"checked": 1}, {"html": "<b>"}, {"html": Markup("<b>")},
                                            {"a": 1, "b": 2}, {"b": 2, "a": 1}, {"items": [1]}, {"items": (1,)})]
    assert len(set(keys)) == len(keys)


def test_a_field_with_parameters_of_other_kinds_is_drawn_each_time(monkeypatch):
    app = intake_app()
    drawn = counting_renders(monkeypatch)

    class Lazy:
        def __str__(self):
            return "Name"

    with app.test_request_context("/app/"):
        form = a_form()
        for _ in range(2):
            form.name(params={"label": {"text": Lazy()}})
    assert drawn == ["govuk_frontend_wtf/input.html"] * 2


def test_what_is_kept_stays_within_its_bounds(monkeypatch):
    monkeypatch.setattr(govuk, "KEPT_CHARACTERS", 1000)
    drawn, size = {}, 0
    for n in range(50):
        size = govuk._keep(drawn, size, n, "x" * 90, most=8)
        assert len(drawn) <= 8 and size == sum(map(len, drawn.values())) <= 1000
    size = govuk._keep(drawn, size, "big", "x" * 2000, most=8)
    assert "big" not in drawn and size == 0
