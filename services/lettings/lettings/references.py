"""Human references officers quote: ``P-000123`` (property), ``A-`` (applicant), ``ADV-`` (advert),
``O-`` (offer), ``T-`` (tenancy), all numbered from one counter."""

from sqlalchemy.orm import Session

from lettings.models import REFERENCES


def next_reference(session: Session, prefix: str) -> str:
    return REFERENCES.next_reference(session, prefix)
