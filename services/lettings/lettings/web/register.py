"""``/app/applicants``: the register searched (by name, reference, band and status), an applicant's
page (household and bedroom need, band and its dated history, needs, income, support needs, status,
bids and offers), and the forms to register an applicant, record a change of circumstances (a
page of its own) and suspend, reinstate or cancel an application. Each view calls the use case the API calls."""

from __future__ import annotations

import marshmallow as ma
from flask import request, url_for

from casework.context import Principal
from casework.db import utcnow
from casework.pages import officer_page, render
from casework.web import db_session
from lettings.access import OFFICERS
from lettings.letting import applicant_changes, lookups, register, statuses
from lettings.policy import current as current_policy
from lettings.schemas.applicant_changes import ApplicantChange
from lettings.schemas.applicants import ApplicantCreate
from lettings.schemas.statuses import ApplicantStatusChange

from .blueprint import blueprint
from .homes_common import Refused, done, helpers, keep_what_the_page_shows, refusals
from .homes_forms import ChangeForm, RegisterForm, StatusForm, checked, place

STATUSES = ("active", "suspended", "housed", "cancelled")


def _applicant_page(key: str, status: int = 200, *, status_form: StatusForm | None = None):
    session = db_session()
    with refusals():
        applicant = lookups.find_applicant(session, key)
    found = lookups.applicant_file(session, applicant)
    return render("lettings/homes/applicant.html", status, applicant=applicant, file=found,
                  status_form=status_form or StatusForm(formdata=None, prefix="status"), form=status_form,
                  **helpers())


def _change_page(key: str, status: int = 200, *, change: ChangeForm | None = None, stale: bool = False):
    """The change of circumstances on a page of its own (GOV.UK's one thing a page): its 36 fields
    drawn on every reading of the applicant's page were most of that page's time."""
    session = db_session()
    with refusals():
        applicant = lookups.find_applicant(session, key)
    version = lookups.applicant_to_change(session, applicant)
    if stale or change is None:  # stale: the record as it stands now, to change again
        change = ChangeForm.for_applicant(applicant, version)
    return render("lettings/homes/change.html", status, applicant=applicant, change_form=change, stale=stale,
                  **helpers())


@blueprint.get("/app/applicants")
@officer_page(*OFFICERS)
def applicants(me: Principal):
    args = request.args
    page = int(args["page"]) if args.get("page", "").isdigit() else 1
    band = args.get("band", "") if args.get("band", "") in current_policy().bands else ""
    status = args.get("status", "") if args.get("status", "") in STATUSES else ""
    query = {"name": args.get("name", "").strip()[:200], "reference": args.get("reference", "").strip()[:40],
             "band": band, "status": status}
    found = lookups.search_applicants(db_session(), page=page, **{k: v or None for k, v in query.items()})
    return render("lettings/homes/applicants.html", found=found, query=query, bands=current_policy().bands,
                  statuses=STATUSES, **helpers())


@blueprint.get("/app/applicants/new")
@officer_page(*OFFICERS)
def new_applicant(me: Principal):
    return render("lettings/homes/new_applicant.html", form=RegisterForm(), **helpers())


@blueprint.post("/app/applicants/new")
@officer_page(*OFFICERS)
def register_applicant(me: Principal):
    form = RegisterForm()
    data = checked(form, ApplicantCreate())
    if data is None:
        return render("lettings/homes/new_applicant.html", 422, form=form, **helpers())
    try:
        with refusals(form):
            applicant = register.register_applicant(db_session(), application=data, by=me.sub, now=utcnow())
    except Refused as refusal:
        keep_what_the_page_shows()
        return render("lettings/homes/new_applicant.html", refusal.status, form=form, **helpers())
    return done(url_for("lettings_pages.applicant_page", key=applicant.reference),
                f"Applicant {applicant.reference} registered")


@blueprint.get("/app/applicants/<key>")
@officer_page(*OFFICERS)
def applicant_page(me: Principal, key: str):
    return _applicant_page(key)


@blueprint.get("/app/applicants/<key>/changes")
@officer_page(*OFFICERS)
def change_page(me: Principal, key: str):
    return _change_page(key)


@blueprint.post("/app/applicants/<key>/changes")
@officer_page(*OFFICERS)
def record_change(me: Principal, key: str):
    form = ChangeForm(prefix="")
    session = db_session()
    with refusals():
        applicant = lookups.find_applicant(session, key, lock=True)
    if form.version.data != lookups.version_of(applicant):
        # The banner says so over the record as it stands now (a fresh form): nothing is changed.
        keep_what_the_page_shows()
        return _change_page(key, 409, change=form, stale=True)
    if not form.validate():
        return _change_page(key, 422, change=form)
    try:
        data = ApplicantChange().load(form.payload_against(applicant))
    except ma.ValidationError as exc:  # each refusal on its field
        place(form, exc.normalized_messages())
        return _change_page(key, 422, change=form)
    need = applicant.bedroom_need
    try:
        with refusals(form):
            applicant_changes.change_applicant(session, applicant, changes=data, by=me.sub, now=utcnow())
    except Refused as refusal:
        keep_what_the_page_shows()
        return _change_page(key, refusal.status, change=form)
    moved = "" if applicant.bedroom_need == need else \
        f": the household now needs {applicant.bedroom_need} bedroom{'' if applicant.bedroom_need == 1 else 's'}"
    return done(url_for("lettings_pages.applicant_page", key=applicant.reference),
                f"Change of circumstances recorded{moved}")


@blueprint.post("/app/applicants/<key>/status")
@officer_page(*OFFICERS)
def change_status(me: Principal, key: str):
    form = StatusForm(prefix="status")
    data = checked(form, ApplicantStatusChange())
    if data is None:
        return _applicant_page(key, 422, status_form=form)
    session = db_session()
    try:
        with refusals(form):
            applicant = lookups.find_applicant(session, key, lock=True)
            statuses.change_status(session, applicant, status=data["status"], reason=data["reason"],
                                   until=data["until"], policy=current_policy(), now=utcnow())
    except Refused as refusal:
        keep_what_the_page_shows()
        return _applicant_page(key, refusal.status, status_form=form)
    return done(url_for("lettings_pages.applicant_page", key=applicant.reference),
                f"Application {words_status(data['status'])}")


def words_status(status: str) -> str:
    return {"suspended": "suspended", "active": "reinstated", "cancelled": "cancelled"}[status]
