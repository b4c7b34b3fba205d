"""The offer's sign-up pack page: send the pack for e-signature (the alternative to signing up in
person on the offer's page), see how sending and signing went, send a pack that could not be sent
again, and, with the embedded provider, record the tenant's signature or refusal. Each view calls
the use case the API calls (``lettings.letting.sign_up_packs``)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, url_for
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField

from casework.context import Principal
from casework.db import utcnow
from casework.pages import officer_page, render
from casework.web import db_session
from lettings import esign
from lettings.letting import advert_reads, sign_up_packs
from lettings.policy import current as policy

from . import advert_forms as forms
from .advert_forms import LETTINGS_OFFICERS, Refused, keep_what_the_page_shows, problems, refusals
from .blueprint import blueprint

PACK_TAG = {"sending": "govuk-tag--yellow", "sent": "govuk-tag--blue", "signed": "govuk-tag--green",
            "declined": "govuk-tag--red", "failed": "govuk-tag--red", "voiding": "govuk-tag--grey",
            "voided": "govuk-tag--grey", "not_voided": "govuk-tag--red"}


class SignUpPackForm(forms.SignUpForm):
    submit = SubmitField("Send the sign-up pack", widget=GovSubmitInput())


def _page(key: str, status: int = 200, **given: Any):
    with refusals(None):
        offer = advert_reads.find_offer(db_session(), key)
    made = {"send": given.get("send") or SignUpPackForm(formdata=None),
            "button": given.get("button") or forms.ButtonForm(formdata=None)}
    refused = next((f for f in made.values() if f.errors), None)
    return render("lettings/adverts/sign_up_pack.html", status, offer=offer, forms=made, problems=problems(refused),
                  pack=sign_up_packs.latest(db_session(), offer), pack_tag=PACK_TAG,
                  embedded=isinstance(esign.configured(), esign.Embedded), **forms.helpers())


def _url(offer) -> str:
    return url_for("lettings_pages.sign_up_pack", key=offer.reference)


@blueprint.get("/app/offers/<key>/sign-up-pack")
@officer_page(*LETTINGS_OFFICERS)
def sign_up_pack(me: Principal, key: str):
    return _page(key)


@blueprint.post("/app/offers/<key>/sign-up-pack")
@officer_page(*LETTINGS_OFFICERS)
def send_sign_up_pack(me: Principal, key: str):
    form = SignUpPackForm()
    if form.validate():
        try:
            with refusals(form):
                found = advert_reads.find_offer(db_session(), key, lock=True)
                sign_up_packs.send_pack(db_session(), found, tenancy_start=form.tenancy_start.data,
                                        tenancy_type=form.tenancy_type.data or None, support_needs=[],
                                        override_reason=(form.override_reason.data or "").strip() or None,
                                        by=me.sub, policy=policy(), now=utcnow())
            flash(f"Sign-up pack for {found.reference} is being sent for signature", "success")
            return redirect(_url(found), 303)
        except Refused as refusal:
            keep_what_the_page_shows()
            return _page(key, refusal.status, send=form)
    keep_what_the_page_shows()
    return _page(key, 422, send=form)


def _button(key: str, act, done: str):
    form = forms.ButtonForm()
    try:
        with refusals(form):
            found = advert_reads.find_offer(db_session(), key, lock=True)
            act(found)
        flash(done, "success")
        return redirect(_url(found), 303)
    except Refused as refusal:
        keep_what_the_page_shows()
        return _page(key, refusal.status, button=form)


@blueprint.post("/app/offers/<key>/sign-up-pack/send-again")
@officer_page(*LETTINGS_OFFICERS)
def send_sign_up_pack_again(me: Principal, key: str):
    return _button(key, lambda offer: sign_up_packs.send_again(db_session(), offer, now=utcnow()),
                   "The sign-up pack is being sent again")


@blueprint.post("/app/offers/<key>/sign-up-pack/signature")
@officer_page(*LETTINGS_OFFICERS)
def record_signature(me: Principal, key: str):
    return _button(key, lambda offer: sign_up_packs.record_embedded(db_session(), offer, signed=True, policy=policy(),
                                                                   now=utcnow()),
                   "The tenant's signature is recorded: the tenancy has started")


@blueprint.post("/app/offers/<key>/sign-up-pack/refusal")
@officer_page(*LETTINGS_OFFICERS)
def record_refusal_to_sign(me: Principal, key: str):
    return _button(key, lambda offer: sign_up_packs.record_embedded(db_session(), offer, signed=False,
                                                                   policy=policy(), now=utcnow()),
                   "The tenant's refusal to sign is recorded")
