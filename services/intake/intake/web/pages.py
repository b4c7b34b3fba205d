"""The referral pages and their form posts: each works without JavaScript (post, then redirect)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from marshmallow import ValidationError

from casework.context import Principal
from casework.db import utcnow
from casework.pages import officer_page, render
from casework.web import abort, db_session
from intake import access, batches, policy, referrals, sensitivity
from intake.domain.triage import IllegalChange
from intake.schemas import Referral as ReferralDocument
from intake.schemas import ReferralCreate, TriageDecision

from . import wording
from .blueprint import blueprint
from .forms import BreakGlassForm, FilterForm, NewReferralForm, TriageForm, refuse

#: Who sees the triage queue and a referral's page: every officer who reads referrals (front-line
#: officers only those they raised). The queue is intake's home page, where the service navigation
#: leads: sustainment officers, who read every referral, see it too.
PAGE_READERS = (*access.FRONT_LINE, *access.OFFICER_READERS)
QUEUE_READERS = PAGE_READERS
#: Who raises a referral on the form (a referring system uses the API).
RAISERS = tuple(role for role in access.CREATORS if role != "referrer")
PER_PAGE = 25
NOT_FOUND = "There is no such referral, or it is not one you may see."


@blueprint.get("/app/referrals", endpoint="queue")
@officer_page(*QUEUE_READERS)
def queue(me: Principal):
    """The triage queue; with ``batch_id``, one batch's referrals, the highest risk first."""
    form = FilterForm(formdata=request.args)
    page = request.args.get("page", default=1, type=int) or 1
    if not form.validate():
        return render("intake/queue.html", 422, form=form, found=None, wording=wording, sees_all=access.sees_all(me),
                      may_raise=me.has_any(*RAISERS), filters={}, batch=None, now=utcnow())
    filters = form.query()
    batch = None
    if "batch_id" in filters:
        batch = batches.find(db_session(), filters["batch_id"], me)
        if batch is None:
            abort(404, "There is no such batch, or it is not one you may see.")
    found = referrals.triage_queue_page(db_session(), filters, me, utcnow(), page=page, per_page=PER_PAGE)
    return render("intake/queue.html", form=form, found=found, wording=wording, sees_all=access.sees_all(me),
                  may_raise=me.has_any(*RAISERS), filters=filters, batch=batch, now=utcnow())


@blueprint.get("/app/referrals/batches", endpoint="batches")
@officer_page(*QUEUE_READERS)
def batch_list(me: Principal):
    """Batches from data feeds, newest first, with their counts; each links to its referrals."""
    page = request.args.get("page", default=1, type=int) or 1
    found = referrals.page_of(db_session(), batches.newest_first(me), page=page, per_page=PER_PAGE)
    return render("intake/batches.html", found=found, wording=wording)


def _referral_page(me: Principal, key: str, *, status: int = 200, form=None, triage_form: TriageForm | None = None,
                   glass_form: BreakGlassForm | None = None, break_glass_reason: str | None = None):
    """The referral page: an audited read (as the API's), the audit trail for team leaders."""
    session = db_session()
    found = referrals.read(session, key, me, break_glass_reason=break_glass_reason)
    if found is None:
        abort(404, NOT_FOUND)
    trail = None
    if me.has_any(*access.AUDITORS):
        trail = referrals.page_of(session, referrals.audit_trail(session, found),
                                  page=request.args.get("trail_page", default=1, type=int) or 1, per_page=PER_PAGE)
    return render("intake/referral.html", status, referral=ReferralDocument().as_document(found), trail=trail,
                  form=form, triage_form=triage_form or TriageForm(), glass_form=glass_form or BreakGlassForm(),
                  may_triage=me.has_any(*access.TRIAGERS), sees_all=access.sees_all(me),
                  broke_glass=break_glass_reason is not None, may_break_glass=not sensitivity.may_see(),
                  wording=wording)


@blueprint.get("/app/referrals/<key>", endpoint="referral")
@officer_page(*PAGE_READERS)
def referral_page(me: Principal, key: str):
    return _referral_page(me, key)


@blueprint.post("/app/referrals/<key>/break-glass", endpoint="break_glass")
@officer_page(*PAGE_READERS)
def break_glass(me: Principal, key: str):
    form = BreakGlassForm()
    if not form.validate():
        return _referral_page(me, key, status=422, form=form, glass_form=form)
    return _referral_page(me, key, break_glass_reason=form.break_glass_reason.data.strip())


@blueprint.post("/app/referrals/<key>/triage", endpoint="triage")
@officer_page(*access.TRIAGERS)
def triage(me: Principal, key: str):
    form = TriageForm()
    if not form.validate():
        return _referral_page(me, key, status=422, form=form, triage_form=form)
    try:
        decision = TriageDecision().load(form.decision())
    except ValidationError as refused:
        refuse(form, refused)
        return _referral_page(me, key, status=422, form=form, triage_form=form)
    try:
        done = referrals.triage_named(db_session(), key, decision, principal=me, policy=policy.current(), now=utcnow())
    except IllegalChange as refused:
        flash(str(refused), "error")
        return _referral_page(me, key, status=409, form=form, triage_form=form)
    if done is None:
        abort(404, NOT_FOUND)
    flash(f"Referral {done.reference} {wording.OUTCOME_DONE[decision['outcome']]}.", "success")
    return redirect(url_for("referral_pages.referral", key=done.reference), 303)


@blueprint.get("/app/referrals/new", endpoint="new")
@officer_page(*RAISERS)
def new_referral(me: Principal):
    return render("intake/new.html", form=NewReferralForm().for_officer(me.roles), me=me)


@blueprint.post("/app/referrals/new", endpoint="raise")
@officer_page(*RAISERS)
def raise_referral(me: Principal):
    form = NewReferralForm()
    if not form.validate():
        return render("intake/new.html", 422, form=form, me=me)
    try:
        data = ReferralCreate().load(form.referral(me.name or me.sub))
    except ValidationError as refused:
        refuse(form, refused)
        return render("intake/new.html", 422, form=form, me=me)
    made = referrals.receive(db_session(), data, principal=me, policy=policy.current(), now=utcnow())
    flash(f"Referral {made.reference} raised: the intake team will triage it.", "success")
    return redirect(url_for("referral_pages.referral", key=made.reference), 303)
