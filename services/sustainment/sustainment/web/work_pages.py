"""The visit and agency-referral forms on pages of their own (GOV.UK: one thing per page), as the
plan's is: ``/app/cases/{key}/visits/new`` (schedule a visit), ``/app/cases/{key}/visits/made``
(record a visit already made) and ``/app/cases/{key}/agency-referrals/new`` (refer to an agency,
chosen from the directory). Each posts to the case work form it always did (``changes``); a
refused one is its own page again with its errors.

The case page drew them all on every reading of the case: some twenty fields, the directory's
agencies as options among them, were two fifths of its server time (bench/NOTES.md, sustainment)."""

from __future__ import annotations

from casework.context import Principal
from casework.pages import officer_page

from .blueprint import blueprint
from .common import CASEWORKERS, form_page


@blueprint.get("/app/cases/<key>/visits/new")
@officer_page(*CASEWORKERS)
def new_visit(me: Principal, key: str):
    return form_page(key, "schedule")


@blueprint.get("/app/cases/<key>/visits/made")
@officer_page(*CASEWORKERS)
def visit_made(me: Principal, key: str):
    return form_page(key, "made")


@blueprint.get("/app/cases/<key>/agency-referrals/new")
@officer_page(*CASEWORKERS)
def new_agency_referral(me: Principal, key: str):
    return form_page(key, "agency")
