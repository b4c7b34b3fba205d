"""Human references officers quote: ``P-000123`` (property), ``A-`` (applicant), ``ADV-`` (advert),
``O-`` (offer), ``T-`` (tenancy)."""

from sqlalchemy.orm import Session

from lettings.models import REFERENCE_SEQUENCE


def next_reference(session: Session, prefix: str) -> str:
    number = session.execute(REFERENCE_SEQUENCE.next_value()).scalar_one()
    return f"{prefix}-{number:06d}"
