"""Human references officers quote: ``P-000123`` (property), ``A-`` (applicant), ``ADV-`` (advert),
``O-`` (offer), ``T-`` (tenancy), all numbered from one counter."""

from sqlalchemy.orm import Session

from lettings.models import REFERENCES


def next_reference(session: Session, prefix: str) -> str:
    return REFERENCES.next_reference(session, prefix)


def next_references(session: Session, prefix: str, count: int) -> list[str]:
    """``count`` references at once (an import numbers a batch of records in one statement)."""
    return REFERENCES.next_references(session, prefix, count)
