"""Letting a void home: advertise it, bids placed for applicants, bidding closed, the shortlist
(ranked with band and dates, excluded with every reason), an offer to the top bidder or past them
with a reason, and the offer's page: accepted, refused (a reason from the council's list) or
withdrawn, a refusal's review, the pre-tenancy checks with the residual income, sign-up, and the
letters; and a void home offered directly (a direct match) when nobody is left to offer it to.

Each view calls one use case (``lettings.letting``), the one the API calls; reads are audited there."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import flash, redirect, request, url_for

from casework.context import Principal
from casework.db import utcnow
from casework.pages import officer_page, render
from casework.web import db_session
from lettings.letting import advert_reads, adverts, bids, checks, letters, offers, sign_up, statuses
from lettings.policy import current as policy

from . import advert_forms as forms
from .advert_forms import LETTINGS_OFFICERS, Refused, keep_what_the_page_shows, problems, refusals
from .blueprint import blueprint

# -- the advert -----------------------------------------------------------------------------------


#: Bidders a page of the shortlist shows, ranked and excluded alike. An officer offers from the top
#: of it and pages on to pass over someone; an advert with 2,000 bids written out whole was most
#: of the page's time (2,000 rows, each with three dates, and as many radios).
SHORTLIST_PAGE = 50


@dataclass
class ShortlistPage:
    """One page of the ranked or the excluded bidders: its rows, which page it is, of how many."""

    rows: list[dict[str, Any]]
    page: int
    pages: int
    total: int

    def numbers(self) -> list[int | None]:
        """The pages to link to: the first, the last and those beside this one (None: a gap)."""
        near = {1, self.pages, *range(self.page - 1, self.page + 2)}
        shown: list[int | None] = []
        for n in sorted(x for x in near if 1 <= x <= self.pages):
            if shown and n - (shown[-1] or 0) > 1:
                shown.append(None)
            shown.append(n)
        return shown


def shortlist_page(rows: list[dict[str, Any]], asked: str | None) -> ShortlistPage:
    """Page ``asked`` (a number as typed in the address; the first when it is not one, the last
    when past it) of ``rows``."""
    pages = max(1, -(-len(rows) // SHORTLIST_PAGE))
    page = min(max(1, int(asked)), pages) if asked and asked.isdigit() else 1
    return ShortlistPage(rows[(page - 1) * SHORTLIST_PAGE:page * SHORTLIST_PAGE], page, pages, len(rows))


def _offer_form(view, form: forms.OfferForm | None = None, bidders: list[dict[str, Any]] | None = None
                ) -> forms.OfferForm:
    """The offer form; its choice of bidder among ``bidders`` (every ranked bidder not yet offered
    the home when not given: what a posted form is checked against)."""
    form = form or forms.OfferForm(formdata=None, data={
        "applicant_id": str(view.next_bidder["applicant_id"]) if view.next_bidder else None})
    form.applicant_id.choices = [
        (str(b["applicant_id"]), f"{b['position']}. {b['reference']} (band {b['band']})")
        for b in (view.ranked if bidders is None else bidders) if b["offer"] is None]
    return form


def _advert_page(key: str, status: int = 200, **given: Any):
    with refusals(None):
        view = advert_reads.read_advert(db_session(), key, policy=policy(), now=utcnow())
    ranked = shortlist_page(view.ranked, request.args.get("page"))
    excluded = shortlist_page(view.excluded, request.args.get("excluded"))
    made = {"bid": given.get("bid") or forms.BidForm(formdata=None),
            "close": given.get("close") or forms.ButtonForm(formdata=None),
            # The radios offer the bidders on the page shown (checked against them all when posted).
            "offer": _offer_form(view, given.get("offer"), ranked.rows)}
    refused = next((f for f in made.values() if f.errors), None)
    return render("lettings/adverts/advert.html", status, view=view, advert=view.advert, forms=made,
                  ranked=ranked, excluded=excluded, problems=problems(refused), now=utcnow(), **forms.helpers())


def _advert_url(advert) -> str:
    return url_for("lettings_pages.advert", key=advert.reference)


def _answer(form, page: Callable[..., Any], key: str, given: str, work: Callable[[], tuple[str, str]]):
    """One form posted: checked, then ``work`` (the use case) run with its refusals put on the
    form; done, a success banner on the page it names (``work`` gives the words and the address),
    else ``page`` drawn again with the form (as ``given``) and its errors (422, or 409 when the
    record's state does not allow it)."""
    status = 422
    if form.validate():
        try:
            with refusals(form):
                message, url = work()
            flash(message, "success")
            return redirect(url, 303)
        except Refused as refusal:
            status = refusal.status
    keep_what_the_page_shows()
    return page(key, status, **{given: form})


@blueprint.get("/app/adverts/<key>")
@officer_page(*LETTINGS_OFFICERS)
def advert(me: Principal, key: str):
    return _advert_page(key)


@blueprint.post("/app/adverts/<key>/bids")
@officer_page(*LETTINGS_OFFICERS)
def place_bid(me: Principal, key: str):
    form = forms.BidForm()

    def work():
        found = advert_reads.find_advert(db_session(), key, lock=True)
        applicant = advert_reads.find_applicant(db_session(), form.applicant.data, field="applicant")
        bids.place_bid(db_session(), found, applicant_id=applicant.id, policy=policy(), now=utcnow())
        return f"Bid placed for {applicant.reference}", _advert_url(found) + "#bids"
    return _answer(form, _advert_page, key, "bid", work)


@blueprint.post("/app/adverts/<key>/close")
@officer_page(*LETTINGS_OFFICERS)
def close_bidding(me: Principal, key: str):
    def work():
        found = advert_reads.find_advert(db_session(), key, lock=True)
        adverts.close_bidding(db_session(), found, policy=policy(), now=utcnow())
        return f"Bidding closed on {found.reference}: the shortlist is final", _advert_url(found) + "#shortlist"
    return _answer(forms.ButtonForm(), _advert_page, key, "close", work)


@blueprint.post("/app/adverts/<key>/offers")
@officer_page(*LETTINGS_OFFICERS)
def make_offer(me: Principal, key: str):
    with refusals(None):
        form = _offer_form(advert_reads.read_advert(db_session(), key, policy=policy(), now=utcnow()),
                           forms.OfferForm())

    def work():
        found = advert_reads.find_advert(db_session(), key, lock=True)
        made = offers.offer_from_shortlist(
            db_session(), found, applicant_id=advert_reads.as_id(form.applicant_id.data, "applicant_id"),
            bypass_reason=(form.bypass_reason.data or "").strip() or None, respond_by=None, by=me.sub,
            policy=policy(), now=utcnow())
        return f"Offer {made.reference} made to {made.applicant.reference}", _offer_url(made)
    return _answer(form, _advert_page, key, "offer", work)


# -- a void home advertised, or offered directly ----------------------------------------------------


def _home_page(template: str):
    def page(key: str, status: int = 200, form=None):
        with refusals(None):
            home = advert_reads.read_home_to_let(db_session(), key)
        return render(template, status, home=home, form=form, problems=problems(form),
                      **forms.helpers())
    return page


_advertise_page = _home_page("lettings/adverts/advertise.html")
_direct_offer_page = _home_page("lettings/adverts/offer_directly.html")


@blueprint.get("/app/properties/<key>/advertise")
@officer_page(*LETTINGS_OFFICERS)
def advertise_form(me: Principal, key: str):
    return _advertise_page(key, form=forms.AdvertiseForm(formdata=None))


@blueprint.post("/app/properties/<key>/advertise")
@officer_page(*LETTINGS_OFFICERS)
def advertise(me: Principal, key: str):
    form = forms.AdvertiseForm()

    def work():
        prop = advert_reads.find_property(db_session(), key, lock=True)
        made = adverts.advertise(db_session(), prop, closes_at=form.closes_at(), now=utcnow())
        return f"{prop.reference} advertised as {made.reference}", _advert_url(made)
    return _answer(form, _advertise_page, key, "form", work)


@blueprint.get("/app/properties/<key>/offer-directly")
@officer_page(*LETTINGS_OFFICERS)
def direct_offer_form(me: Principal, key: str):
    return _direct_offer_page(key, form=forms.DirectOfferForm(formdata=None))


@blueprint.post("/app/properties/<key>/offer-directly")
@officer_page(*LETTINGS_OFFICERS)
def offer_directly(me: Principal, key: str):
    form = forms.DirectOfferForm()

    def work():
        prop = advert_reads.find_property(db_session(), key, lock=True)
        applicant = advert_reads.find_applicant(db_session(), form.applicant.data, field="applicant")
        made = offers.match_directly(db_session(), prop, applicant, direct_match_reason=form.direct_match_reason.data.strip(),
                                     respond_by=None, by=me.sub, policy=policy(), now=utcnow())
        return f"Offer {made.reference} made to {applicant.reference} directly", _offer_url(made)
    return _answer(form, _direct_offer_page, key, "form", work)


# -- the offer ------------------------------------------------------------------------------------


def _offer_page(key: str, status: int = 200, **given: Any):
    with refusals(None):
        view = advert_reads.read_offer(db_session(), key)
    made = {"accept": given.get("accept") or forms.ButtonForm(formdata=None),
            "refuse": given.get("refuse") or forms.RefuseForm.for_policy(policy(), formdata=None),
            "review": given.get("review") or forms.ReviewForm(formdata=None),
            "withdraw": given.get("withdraw") or forms.WithdrawForm(formdata=None),
            "checks": given.get("checks") or forms.ButtonForm(formdata=None),
            "sign_up": given.get("sign_up") or forms.SignUpForm(formdata=None)}
    refused = next((f for f in made.values() if f.errors), None)
    return render("lettings/adverts/offer.html", status, view=view, offer=view.offer, forms=made,
                  problems=problems(refused), refusal_reasons=dict(policy().refusal_reasons),
                  may_review=statuses.why_no_review(view.offer, policy()) is None, **forms.helpers())


def _offer_url(offer, anchor: str = "") -> str:
    return url_for("lettings_pages.offer", key=offer.reference) + (f"#{anchor}" if anchor else "")


@blueprint.get("/app/offers/<key>")
@officer_page(*LETTINGS_OFFICERS)
def offer(me: Principal, key: str):
    return _offer_page(key)


@blueprint.post("/app/offers/<key>/accept")
@officer_page(*LETTINGS_OFFICERS)
def accept(me: Principal, key: str):
    def work():
        found = advert_reads.find_offer(db_session(), key, lock=True)
        offers.accept(db_session(), found, now=utcnow())
        return f"Offer {found.reference} accepted: run the pre-tenancy checks next", _offer_url(found, "checks")
    return _answer(forms.ButtonForm(), _offer_page, key, "accept", work)


@blueprint.post("/app/offers/<key>/refuse")
@officer_page(*LETTINGS_OFFICERS)
def refuse(me: Principal, key: str):
    form = forms.RefuseForm.for_policy(policy())

    def work():
        found = advert_reads.find_offer(db_session(), key, lock=True)
        offers.refuse(db_session(), found, reason=form.reason.data.strip(), reason_code=form.reason_code.data,
                      reasonable=form.reasonable.data == "yes", policy=policy(), now=utcnow())
        return f"Refusal of {found.reference} recorded", _offer_url(found)
    return _answer(form, _offer_page, key, "refuse", work)


@blueprint.post("/app/offers/<key>/refusal-review")
@officer_page(*LETTINGS_OFFICERS)
def review_refusal(me: Principal, key: str):
    form = forms.ReviewForm()

    def work():
        found = advert_reads.find_offer(db_session(), key, lock=True)
        was = found.applicant.status
        statuses.review_refusal(db_session(), found, reasonable=form.reasonable.data == "yes",
                                reason=form.reason.data.strip(), by=me.sub, policy=policy(), now=utcnow())
        moved = {("suspended", "active"): f": the suspension of {found.applicant.reference} is lifted",
                 ("active", "suspended"): f": {found.applicant.reference} is suspended"}
        return (f"Review of the refusal of {found.reference} recorded"
                f"{moved.get((was, found.applicant.status), '')}", _offer_url(found, "review"))
    return _answer(form, _offer_page, key, "review", work)


@blueprint.post("/app/offers/<key>/withdraw")
@officer_page(*LETTINGS_OFFICERS)
def withdraw(me: Principal, key: str):
    form = forms.WithdrawForm()

    def work():
        found = advert_reads.find_offer(db_session(), key, lock=True)
        offers.withdraw(db_session(), found, reason=form.reason.data.strip(), policy=policy(), now=utcnow())
        return f"Offer {found.reference} withdrawn", _offer_url(found)
    return _answer(form, _offer_page, key, "withdraw", work)


@blueprint.post("/app/offers/<key>/checks")
@officer_page(*LETTINGS_OFFICERS)
def run_checks(me: Principal, key: str):
    def work():
        found = advert_reads.find_offer(db_session(), key, lock=True)
        check = checks.check_offer(db_session(), found, by=me.sub, policy=policy(), now=utcnow())
        return f"Pre-tenancy checks: {forms.words(check.result).lower()}", _offer_url(found, "checks")
    return _answer(forms.ButtonForm(), _offer_page, key, "checks", work)


@blueprint.post("/app/offers/<key>/sign-up")
@officer_page(*LETTINGS_OFFICERS)
def sign_up_tenancy(me: Principal, key: str):
    form = forms.SignUpForm()

    def work():
        found = advert_reads.find_offer(db_session(), key, lock=True)
        tenancy = sign_up.sign_up(db_session(), found, tenancy_start=form.tenancy_start.data,
                                  tenancy_type=form.tenancy_type.data or None, support_needs=[],
                                  override_reason=(form.override_reason.data or "").strip() or None,
                                  by=me.sub, policy=policy(), now=utcnow())
        return f"Tenancy {tenancy.reference} signed up", _offer_url(found)
    return _answer(form, _offer_page, key, "sign_up", work)


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
