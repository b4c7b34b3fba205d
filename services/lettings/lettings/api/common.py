"""What the lettings views share: the record a path names (or a 404), and a use case's refusals as problems."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select

from casework.web import abort, db_session, get_or_404
from lettings.letting import Invalid, NotAllowed, NotFound
from lettings.models import Advert, Applicant, Offer, Property, Tenancy


def get_property(property_id: uuid.UUID) -> Property:
    return get_or_404(db_session(), Property, property_id, detail="No such property.")


def get_applicant(applicant_id: uuid.UUID) -> Applicant:
    return get_or_404(db_session(), Applicant, applicant_id, detail="No such applicant.")


def get_advert(advert_id: uuid.UUID, *, lock: bool = False) -> Advert:
    return get_or_404(db_session(), Advert, advert_id, lock=lock, detail="No such advert.")


def get_offer(offer_id: uuid.UUID, *, lock: bool = False) -> Offer:
    return get_or_404(db_session(), Offer, offer_id, lock=lock, detail="No such offer.")


def get_tenancy(reference: str, *, lock: bool = False) -> Tenancy:
    statement = select(Tenancy).where(Tenancy.reference == reference)
    tenancy = db_session().scalar(statement.with_for_update(of=Tenancy) if lock else statement)
    if tenancy is None:
        abort(404, "No such tenancy.")
    return tenancy


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
