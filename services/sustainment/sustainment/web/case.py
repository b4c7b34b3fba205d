"""``/app/cases/{id or S-reference}``: everything case work needs on one page (GOV.UK tabs, which
without JavaScript are sections of the page), read as ``GET /cases/{id}`` reads it; restricted
details shown to another officer only on a reason (break glass)."""

from __future__ import annotations

from casework.context import Principal
from casework.pages import officer_page

from . import forms
from .blueprint import blueprint
from .common import CASEWORKERS, case_page, refused_page


@blueprint.get("/app/cases/<key>")
@officer_page(*CASEWORKERS)
def case(me: Principal, key: str):
    return case_page(key)


@blueprint.post("/app/cases/<key>/restricted")
@officer_page(*CASEWORKERS)
def break_glass(me: Principal, key: str):
    """The case with its restricted details, on the reason the officer gives (audited, and the
    team's manager told): the page itself, not a redirect, so the reason is asked for each time."""
    form = forms.BreakGlassForm(prefix="break_glass")
    if not form.validate():
        return refused_page(key, 422, break_glass=form)
    return case_page(key, break_glass_reason=form.reason.data)
