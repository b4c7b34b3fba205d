"""Letting a void home: advertise it, bids placed for applicants, bidding closed, the shortlist
(ranked with band and dates, excluded with every reason), an offer to the top bidder or past them
with a reason, and the offer's page: accepted, refused (a reason from the council's list) or
withdrawn, the pre-tenancy checks with the residual income, sign-up, and the letters.

Each view calls one use case (``lettings.letting``), the one the API calls; reads are audited there."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, url_for

from casework.context import Principal
from casework.db import utcnow
from casework.pages import officer_page, render
from casework.web import db_session
from lettings.letting import advert_reads, adverts, bids, checks, letters, offers, sign_up
from lettings.policy import current as policy

from . import advert_forms as forms
from .advert_forms import LETTINGS_OFFICERS, Refused, keep_what_the_page_shows, problems, refusals
from .blueprint import blueprint

# -- the advert -----------------------------------------------------------------------------------


def _offer_form(view, form: forms.OfferForm | None = None) -> forms.OfferForm:
    form = form or forms.OfferForm(formdata=None, data={
        "applicant_id": str(view.next_bidder["applicant_id"]) if view.next_bidder else None})
    form.applicant_id.choices = [
        (str(b["applicant_id"]), f"{b['position']}. {b['reference']} (band {b['band']})")
        for b in view.ranked if b["offer"] is None]
    return form


def _advert_page(key: str, status: int = 200, **given: Any):
    with refusals(None):
        view = advert_reads.read_advert(db_session(), key, policy=policy(), now=utcnow())
    made = {"bid": given.get("bid") or forms.BidForm(formdata=None),
            "close": given.get("close") or forms.ButtonForm(formdata=None),
            "offer": _offer_form(view, given.get("offer"))}
    refused = next((f for f in made.values() if f.errors), None)
    return render("lettings/adverts/advert.html", status, view=view, advert=view.advert, forms=made,
                  problems=problems(refused), now=utcnow(), **forms.helpers())


def _advert_url(advert) -> str:
    return url_for("lettings_pages.advert", key=advert.reference)


@blueprint.get("/app/adverts/<key>")
@officer_page(*LETTINGS_OFFICERS)
def advert(me: Principal, key: str):
    return _advert_page(key)


@blueprint.post("/app/adverts/<key>/bids")
@officer_page(*LETTINGS_OFFICERS)
def place_bid(me: Principal, key: str):
    form = forms.BidForm()
    if form.validate():
        try:
            with refusals(form):
                found = advert_reads.find_advert(db_session(), key, lock=True)
                applicant = advert_reads.find_applicant(db_session(), form.applicant.data, field="applicant")
                bids.place_bid(db_session(), found, applicant_id=applicant.id, policy=policy(), now=utcnow())
            flash(f"Bid placed for {applicant.reference}", "success")
            return redirect(_advert_url(found) + "#bids", 303)
        except Refused as refusal:
            keep_what_the_page_shows()
            return _advert_page(key, refusal.status, bid=form)
    keep_what_the_page_shows()
    return _advert_page(key, 422, bid=form)


@blueprint.post("/app/adverts/<key>/close")
@officer_page(*LETTINGS_OFFICERS)
def close_bidding(me: Principal, key: str):
    form = forms.ButtonForm()
    try:
        with refusals(form):
            found = advert_reads.find_advert(db_session(), key, lock=True)
            adverts.close_bidding(db_session(), found, policy=policy(), now=utcnow())
        flash(f"Bidding closed on {found.reference}: the shortlist is final", "success")
        return redirect(_advert_url(found) + "#shortlist", 303)
    except Refused as refusal:
        keep_what_the_page_shows()
        return _advert_page(key, refusal.status, close=form)


@blueprint.post("/app/adverts/<key>/offers")
@officer_page(*LETTINGS_OFFICERS)
def make_offer(me: Principal, key: str):
    form = forms.OfferForm()
    with refusals(None):
        view = advert_reads.read_advert(db_session(), key, policy=policy(), now=utcnow())
    _offer_form(view, form)
    if form.validate():
        try:
            with refusals(form):
                found = advert_reads.find_advert(db_session(), key, lock=True)
                made = offers.offer_from_shortlist(
                    db_session(), found, applicant_id=advert_reads.as_id(form.applicant_id.data, "applicant_id"),
                    bypass_reason=(form.bypass_reason.data or "").strip() or None, respond_by=None, by=me.sub,
                    policy=policy(), now=utcnow())
            flash(f"Offer {made.reference} made to {made.applicant.reference}", "success")
            return redirect(url_for("lettings_pages.offer", key=made.reference), 303)
        except Refused as refusal:
            keep_what_the_page_shows()
            return _advert_page(key, refusal.status, offer=form)
    keep_what_the_page_shows()
    return _advert_page(key, 422, offer=form)


# -- advertising a void ---------------------------------------------------------------------------


def _advertise_page(key: str, form: forms.AdvertiseForm, status: int = 200):
    with refusals(None):
        prop = advert_reads.read_property_to_advertise(db_session(), key)
    return render("lettings/adverts/advertise.html", status, prop=prop, form=form, problems=problems(form),
                  **forms.helpers())


@blueprint.get("/app/properties/<key>/advertise")
@officer_page(*LETTINGS_OFFICERS)
def advertise_form(me: Principal, key: str):
    return _advertise_page(key, forms.AdvertiseForm(formdata=None))


@blueprint.post("/app/properties/<key>/advertise")
@officer_page(*LETTINGS_OFFICERS)
def advertise(me: Principal, key: str):
    form = forms.AdvertiseForm()
    if form.validate():
        try:
            with refusals(form):
                prop = advert_reads.find_property(db_session(), key, lock=True)
                made = adverts.advertise(db_session(), prop, closes_at=form.closes_at(), now=utcnow())
            flash(f"{prop.reference} advertised as {made.reference}", "success")
            return redirect(_advert_url(made), 303)
        except Refused as refusal:
            keep_what_the_page_shows()
            return _advertise_page(key, form, refusal.status)
    keep_what_the_page_shows()
    return _advertise_page(key, form, 422)


# -- the offer ------------------------------------------------------------------------------------


def _offer_page(key: str, status: int = 200, **given: Any):
    with refusals(None):
        view = advert_reads.read_offer(db_session(), key)
    made = {"accept": given.get("accept") or forms.ButtonForm(formdata=None),
            "refuse": given.get("refuse") or forms.RefuseForm.for_policy(policy(), formdata=None),
            "withdraw": given.get("withdraw") or forms.WithdrawForm(formdata=None),
            "checks": given.get("checks") or forms.ButtonForm(formdata=None),
            "sign_up": given.get("sign_up") or forms.SignUpForm(formdata=None)}
    refused = next((f for f in made.values() if f.errors), None)
    return render("lettings/adverts/offer.html", status, view=view, offer=view.offer, forms=made,
                  problems=problems(refused), refusal_reasons=dict(policy().refusal_reasons), **forms.helpers())


def _offer_url(offer, anchor: str = "") -> str:
    return url_for("lettings_pages.offer", key=offer.reference) + (f"#{anchor}" if anchor else "")


@blueprint.get("/app/offers/<key>")
@officer_page(*LETTINGS_OFFICERS)
def offer(me: Principal, key: str):
    return _offer_page(key)


@blueprint.post("/app/offers/<key>/accept")
@officer_page(*LETTINGS_OFFICERS)
def accept(me: Principal, key: str):
    form = forms.ButtonForm()
    try:
        with refusals(form):
            found = advert_reads.find_offer(db_session(), key, lock=True)
            offers.accept(db_session(), found, now=utcnow())
        flash(f"Offer {found.reference} accepted: run the pre-tenancy checks next", "success")
        return redirect(_offer_url(found, "checks"), 303)
    except Refused as refusal:
        keep_what_the_page_shows()
        return _offer_page(key, refusal.status, accept=form)


@blueprint.post("/app/offers/<key>/refuse")
@officer_page(*LETTINGS_OFFICERS)
def refuse(me: Principal, key: str):
    form = forms.RefuseForm.for_policy(policy())
    if form.validate():
        try:
            with refusals(form):
                found = advert_reads.find_offer(db_session(), key, lock=True)
                offers.refuse(db_session(), found, reason=form.reason.data.strip(), reason_code=form.reason_code.data,
                              reasonable=form.reasonable.data == "yes", policy=policy(), now=utcnow())
            flash(f"Refusal of {found.reference} recorded", "success")
            return redirect(_offer_url(found), 303)
        except Refused as refusal:
            keep_what_the_page_shows()
            return _offer_page(key, refusal.status, refuse=form)
    keep_what_the_page_shows()
    return _offer_page(key, 422, refuse=form)


@blueprint.post("/app/offers/<key>/withdraw")
@officer_page(*LETTINGS_OFFICERS)
def withdraw(me: Principal, key: str):
    form = forms.WithdrawForm()
    if form.validate():
        try:
            with refusals(form):
                found = advert_reads.find_offer(db_session(), key, lock=True)
                offers.withdraw(db_session(), found, reason=form.reason.data.strip(), policy=policy(), now=utcnow())
            flash(f"Offer {found.reference} withdrawn", "success")
            return redirect(_offer_url(found), 303)
        except Refused as refusal:
            keep_what_the_page_shows()
            return _offer_page(key, refusal.status, withdraw=form)
    keep_what_the_page_shows()
    return _offer_page(key, 422, withdraw=form)


@blueprint.post("/app/offers/<key>/checks")
@officer_page(*LETTINGS_OFFICERS)
def run_checks(me: Principal, key: str):
    form = forms.ButtonForm()
    try:
        with refusals(form):
            found = advert_reads.find_offer(db_session(), key, lock=True)
            check = checks.check_offer(db_session(), found, by=me.sub, policy=policy(), now=utcnow())
        flash(f"Pre-tenancy checks: {forms.words(check.result).lower()}", "success")
        return redirect(_offer_url(found, "checks"), 303)
    except Refused as refusal:
        keep_what_the_page_shows()
        return _offer_page(key, refusal.status, checks=form)


@blueprint.post("/app/offers/<key>/sign-up")
@officer_page(*LETTINGS_OFFICERS)
def sign_up_tenancy(me: Principal, key: str):
    form = forms.SignUpForm()
    if form.validate():
        try:
            with refusals(form):
                found = advert_reads.find_offer(db_session(), key, lock=True)
                tenancy = sign_up.sign_up(db_session(), found, tenancy_start=form.tenancy_start.data,
                                          tenancy_type=form.tenancy_type.data or None, support_needs=[],
                                          override_reason=(form.override_reason.data or "").strip() or None,
                                          by=me.sub, policy=policy(), now=utcnow())
            flash(f"Tenancy {tenancy.reference} signed up", "success")
            return redirect(_offer_url(found), 303)
        except Refused as refusal:
            keep_what_the_page_shows()
            return _offer_page(key, refusal.status, sign_up=form)
    keep_what_the_page_shows()
    return _offer_page(key, 422, sign_up=form)


@blueprint.get("/app/offers/<key>/letters/<kind>")
@officer_page(*LETTINGS_OFFICERS)
def letter(me: Principal, key: str, kind: str):
    if kind not in forms.LETTER_TITLES:
        with refusals(None):
            raise advert_reads.NotFound("No such letter.")
    with refusals(None):
        found = advert_reads.find_offer(db_session(), key)
        kept = letters.read_letter(db_session(), found, kind, policy=policy(), now=utcnow())
    return render("lettings/adverts/letter.html", offer=found, letter=kept, kind=kind, **forms.helpers())
