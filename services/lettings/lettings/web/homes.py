"""``/app/properties/…``: add a home, and a home's page (its details, its whole life of voids,
adverts, offers and tenancies; links to make it void or end its tenancy, each a page of its own,
and to advertise a void, or offer it directly, while it has no advert open and no live offer). Each view calls the use case the API calls."""

from __future__ import annotations

from flask import url_for

from casework.context import Principal
from casework.pages import officer_page, render
from casework.web import db_session
from casework.workdays import london_today
from lettings.access import OFFICERS
from lettings.letting import history, lookups, properties, tenancies
from lettings.models import LIVE_OFFER
from lettings.schemas.offers import TenancyEnd
from lettings.schemas.properties import PropertyCreate, VoidCreate

from .blueprint import blueprint
from .homes_common import Refused, done, helpers, keep_what_the_page_shows, refusals
from .homes_forms import EndTenancyForm, PropertyForm, VoidForm, checked


def _property_page(key: str):
    session = db_session()
    with refusals():
        prop = lookups.find_property(session, key)
    prop = history.with_history(session, prop, today=london_today())
    lives = prop.history
    current = next((t for t in lives["tenancies"] if t["end_date"] is None), None)
    void = prop.current_void
    this_void = [a for a in lives["adverts"] if void is not None and a["void_id"] == void.id]
    # Advertised (again) or offered directly, as the use cases allow: void, no advert open, no live offer.
    may_let = void is not None and not any(a["status"] == "open" for a in this_void) and \
        not any(o["status"] in LIVE_OFFER for o in lives["offers"])
    return render("lettings/homes/property.html", prop=prop, lives=lives, current=current, void=void,
                  may_let=may_let, advertised_before=bool(this_void), **helpers())


# Making a home void and ending its tenancy are pages of their own (GOV.UK's one thing a page):
# their date inputs, drawn on every reading of the home's page, were half of that page's time.

def _void_page(key: str, status: int = 200, form: VoidForm | None = None):
    with refusals():
        prop = lookups.find_property(db_session(), key)
    return render("lettings/homes/make_void.html", status, prop=prop,
                  form=form or VoidForm(formdata=None, prefix="void"), **helpers())


def _end_tenancy_page(key: str, status: int = 200, form: EndTenancyForm | None = None):
    session = db_session()
    with refusals():
        prop = lookups.find_property(session, key)
        if form is None:
            tenancy = lookups.current_tenancy(session, prop)
            form = EndTenancyForm(formdata=None, data={"tenancy": tenancy.reference}, prefix="end")
    return render("lettings/homes/end_tenancy.html", status, prop=prop, form=form, **helpers())


@blueprint.get("/app/properties/new")
@officer_page(*OFFICERS)
def new_property(me: Principal):
    return render("lettings/homes/new_property.html", form=PropertyForm(), **helpers())


@blueprint.post("/app/properties/new")
@officer_page(*OFFICERS)
def add_property(me: Principal):
    form = PropertyForm()
    data = checked(form, PropertyCreate())
    if data is None:
        return render("lettings/homes/new_property.html", 422, form=form, **helpers())
    prop = properties.add_property(db_session(), **data)
    return done(url_for("lettings_pages.property_page", key=prop.reference), f"Home {prop.reference} added")


@blueprint.get("/app/properties/<key>")
@officer_page(*OFFICERS)
def property_page(me: Principal, key: str):
    return _property_page(key)


@blueprint.get("/app/properties/<key>/void")
@officer_page(*OFFICERS)
def void_page(me: Principal, key: str):
    return _void_page(key)


@blueprint.post("/app/properties/<key>/void")
@officer_page(*OFFICERS)
def make_void(me: Principal, key: str):
    form = VoidForm(prefix="void")
    data = checked(form, VoidCreate())
    if data is None:
        return _void_page(key, 422, form)
    try:
        with refusals(form):
            prop = lookups.find_property(db_session(), key, lock=True)
            properties.record_void(db_session(), prop, **data)
    except Refused as refusal:
        keep_what_the_page_shows()
        return _void_page(key, refusal.status, form)
    return done(url_for("lettings_pages.property_page", key=prop.reference), f"Home {prop.reference} is void")


@blueprint.get("/app/properties/<key>/end-tenancy")
@officer_page(*OFFICERS)
def end_tenancy_page(me: Principal, key: str):
    return _end_tenancy_page(key)


@blueprint.post("/app/properties/<key>/end-tenancy")
@officer_page(*OFFICERS)
def end_tenancy(me: Principal, key: str):
    form = EndTenancyForm(prefix="end")
    data = checked(form, TenancyEnd())
    if data is None:
        return _end_tenancy_page(key, 422, form)
    try:
        with refusals(form):
            prop = lookups.find_property(db_session(), key)
            tenancy = lookups.find_tenancy(db_session(), form.tenancy.data or "", lock=True)
            if tenancy.property_id != prop.id:
                raise lookups.NotFound("No such tenancy for this home.")
            tenancies.end_tenancy(db_session(), tenancy, end_date=data["end_date"], reason=data["reason"])
    except Refused as refusal:
        keep_what_the_page_shows()
        return _end_tenancy_page(key, refusal.status, form)
    return done(url_for("lettings_pages.property_page", key=prop.reference), f"Tenancy {tenancy.reference} ended")
