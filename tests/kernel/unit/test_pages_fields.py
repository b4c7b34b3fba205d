"""The kernel's field macros (``casework/fields.html``) write what govuk-frontend-wtf's widgets write
for the same field, with and without errors: the same elements, classes, ids, values and
aria-describedby, so the error summary's links and the page's accessibility hold either way."""

import datetime as dt
import re

import pytest
from flask import Flask, render_template_string
from govuk_frontend_wtf.main import WTFormsHelpers
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from werkzeug.datastructures import MultiDict
from wtforms import Form, SelectField, StringField

from casework.pages import formats
from casework.pages.forms import date_field


class Row(Form):
    title = StringField("Action", widget=GovTextInput())
    owner = SelectField("Who does it", widget=GovSelect(),
                        choices=[("", "Choose who does it"), ("tenant", "Tenant"), ("officer", "Officer & team")])
    due = date_field("Due by")


WIDGETS = ('{{ row.title(params={"label": {"text": "Action"}}) }}{{ row.owner(params={"label": {"text": "Who does it"}}) }}'
           '{{ row.due(params={"fieldset": {"legend": {"text": "Due by", "classes": "govuk-fieldset__legend--s"}}}) }}')
MACROS = ('{% from "casework/fields.html" import text_input, select, date_input %}'
          '{{ text_input(row.title, "Action") }}{{ select(row.owner, "Who does it") }}{{ date_input(row.due, "Due by") }}')


@pytest.fixture(scope="module")
def app():
    app = Flask(__name__)
    app.jinja_loader = ChoiceLoader([PackageLoader("casework.pages"), PrefixLoader({
        "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
        "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf")})])
    WTFormsHelpers(app)
    app.add_template_filter(formats.kept_as_written, "indent")
    with app.app_context():
        yield app


def markup(page: str) -> str:
    """The markup without the layout's whitespace (the design system's macros indent theirs), and
    without an empty date part's ``value=""`` (which one writes and the other leaves out)."""
    page = re.sub(r"\s+", " ", page)
    page = re.sub(r"\s*(<|>)\s*", r"\1", page)
    return page.replace(' value=""', "")


@pytest.mark.parametrize("posted, data", [
    (None, {"title": "Ring the <tenant>", "owner": "officer", "due": dt.date(2027, 3, 1)}),
    (None, {}),
    (MultiDict([("title", "x" * 5), ("owner", ""), ("due", "31"), ("due", ""), ("due", "2027")]), None),
])
def test_the_macros_write_what_the_widgets_write(app, posted, data):
    row = Row(formdata=posted, data=data)
    if posted is not None:
        row.validate()
        row.owner.errors = ["Choose who does the action"]

    by_widgets = render_template_string(WIDGETS, row=row)
    by_macros = render_template_string(MACROS, row=row)

    assert markup(by_macros) == markup(by_widgets)
    if posted is not None:
        assert 'aria-describedby="owner-error"' in by_macros and 'id="due-error"' in by_macros
        assert 'id="due-day"' in by_macros and 'value="31"' in by_macros
    elif data:
        assert "Ring the &lt;tenant&gt;" in by_macros and '<option value="officer" selected>' in by_macros


@pytest.mark.parametrize("design_system, ours", [
    ('{{ govukTag({"text": "Overdue <soon>", "classes": "govuk-tag--red"}) }}', '{{ tag("Overdue <soon>", "govuk-tag--red") }}'),
    ('{{ govukTag({"text": "Open"}) }}', '{{ tag("Open") }}'),
    ('{% set label %}Mark as read<span class="govuk-visually-hidden">: a & b</span>{% endset %}'
     '{{ govukButton({"html": label, "classes": "govuk-button--secondary"}) }}',
     '{% set label %}Mark as read<span class="govuk-visually-hidden">: a & b</span>{% endset %}'
     '{{ button(label, "govuk-button--secondary") }}'),
])
def test_the_row_tag_and_button_write_what_the_design_systems_macros_write(app, design_system, ours):
    imports = ('{% from "govuk_frontend_jinja/components/tag/macro.html" import govukTag %}'
               '{% from "govuk_frontend_jinja/components/button/macro.html" import govukButton %}'
               '{% from "casework/rows.html" import tag, button %}')
    assert (markup(render_template_string(imports + ours))
            == markup(render_template_string(imports + design_system)))


@pytest.mark.parametrize("first_cell_is_header", [True, False])
def test_the_row_table_writes_what_govuk_table_writes(app, first_cell_is_header):
    rows = [["January 2026", 1200, "55.5%"], ["February <2026>", 3, "No figure"]]
    ours = render_template_string(
        '{% from "casework/rows.html" import table %}'
        '{{ table("By month", ["Month", "Referrals", "Share"], rows, numeric=(1, 2), first_cell_is_header=header) }}',
        rows=rows, header=first_cell_is_header)
    theirs = render_template_string(
        '{% from "govuk_frontend_jinja/components/table/macro.html" import govukTable %}'
        '{{ govukTable({"caption": "By month", "captionClasses": "govuk-table__caption--s", "firstCellIsHeader": header,'
        ' "head": [{"text": "Month"}, {"text": "Referrals", "format": "numeric"}, {"text": "Share", "format": "numeric"}],'
        ' "rows": cells}) }}',
        header=first_cell_is_header,
        cells=[[{"text": r[0]}, {"text": r[1], "format": "numeric"}, {"text": r[2], "format": "numeric"}] for r in rows])
    assert markup(ours) == markup(theirs)


def test_the_row_table_takes_the_tables_id_as_govuk_table_does(app):
    ours = render_template_string('{% from "casework/rows.html" import table %}'
                                  '{{ table("Queue", ["Reference"], [["R-1"]], id="triage-queue") }}')
    theirs = render_template_string(
        '{% from "govuk_frontend_jinja/components/table/macro.html" import govukTable %}'
        '{{ govukTable({"caption": "Queue", "captionClasses": "govuk-table__caption--s", "attributes": {"id": "triage-queue"},'
        ' "head": [{"text": "Reference"}], "rows": [[{"text": "R-1"}]]}) }}')
    assert markup(ours) == markup(theirs)
    assert '<table class="govuk-table" id="triage-queue">' in ours
