"""What the lettings views share: the record a path names (or a 404), and a use case's refusals as problems."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from casework.web import abort, db_session
from lettings.letting import Invalid, NotAllowed, NotFound
from lettings.models import Advert, Applicant, Offer, Property


def get_property(property_id: uuid.UUID) -> Property:
    prop = db_session().get(Property, property_id)
    if prop is None:
        abort(404, "No such property.")
    return prop


def get_applicant(applicant_id: uuid.UUID) -> Applicant:
    applicant = db_session().get(Applicant, applicant_id)
    if applicant is None:
        abort(404, "No such applicant.")
    return applicant


def get_advert(advert_id: uuid.UUID, *, lock: bool = False) -> Advert:
    advert = db_session().get(Advert, advert_id, with_for_update=lock)
    if advert is None:
        abort(404, "No such advert.")
    return advert


def get_offer(offer_id: uuid.UUID, *, lock: bool = False) -> Offer:
    offer = db_session().get(Offer, offer_id, with_for_update=lock)
    if offer is None:
        abort(404, "No such offer.")
    return offer


@contextmanager
def refusals() -> Iterator[None]:
    """A use case's refusal as a problem: 409 when the state does not allow it, 422 naming the
    field with every reason, 404 for a record the body names that does not exist."""
    try:
        yield
    except NotAllowed as exc:
        abort(409, str(exc))
    except Invalid as exc:
        abort(422, exc.detail, errors={exc.field: exc.messages})
    except NotFound as exc:
        abort(404, str(exc))
