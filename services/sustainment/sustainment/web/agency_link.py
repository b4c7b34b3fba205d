"""The agency's page at its secure link (``/agency-links/{token}``, sent by e-mail): a browser
opening the link reads the referral there and answers it; API clients still get JSON at the same
link (``sustainment.api.agency_links``). The token is the authority (no sign-in, no navigation to
officers' pages); both views call the same use cases as the API, so the read is audited as the
agency's and the answer recorded as the agency's."""

from __future__ import annotations

from flask import flash, redirect, request

from casework.db import utcnow
from casework.pages import link_page, render
from casework.web import db_session
from sustainment import rules
from sustainment.cases import agency_sending
from sustainment.schemas import AgencyResponse

from . import forms
from .blueprint import blueprint
from .common import Refused, keep_what_the_page_shows, refusals

#: The flash that the page shows as its success panel (not the layout's success banner).
ANSWERED = "answered"


@link_page
def referral(token: str, *, status: int = 200, form: forms.AgencyAnswerForm | None = None):
    """The referral as the agency needs it (``GET`` by a browser; the API answers everyone else)."""
    with refusals(None):
        found, case = agency_sending.read_by_agency(db_session(), token)
    answering = rules.agency_may_still_answer(found.status)
    return render("sustainment/agency_link.html", status, referral=found, case=case,
                  form=form or forms.AgencyAnswerForm(formdata=None), answering=answering,
                  words=forms.words)


@blueprint.post("/agency-links/<string:token>")
@link_page
def answer(token: str):
    form = forms.AgencyAnswerForm()
    data = forms.checked(form, AgencyResponse()) if form.validate() else None
    if data is None:
        return _refused(token, 422, form)
    try:
        with refusals(form):
            agency_sending.answer_by_agency(db_session(), token, status=data["status"], note=data["note"],
                                            outcome=data["outcome"], now=utcnow())
    except Refused as refusal:
        return _refused(token, refusal.status, form)
    flash(f"Your answer is recorded: {forms.words(data['status']).lower()}", ANSWERED)
    return redirect(request.path, 303)


def _refused(token: str, status: int, form: forms.AgencyAnswerForm):
    keep_what_the_page_shows()
    return referral(token, status=status, form=form)
