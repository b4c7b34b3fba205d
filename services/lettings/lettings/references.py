"""Human references officers quote: ``P-000123`` (property), ``A-`` (applicant), ``ADV-`` (advert),
``O-`` (offer), ``T-`` (tenancy)."""

from sqlalchemy import text
from sqlalchemy.orm import Session

from lettings.models import REFERENCE_SEQUENCE


def next_reference(session: Session, prefix: str) -> str:
    if session.get_bind().dialect.name == "postgresql":
        number = session.execute(REFERENCE_SEQUENCE.next_value()).scalar_one()
    else:
        # Embedded mode (SQLite): the migration made a counting table in the sequence's place.
        number = session.execute(text(f"INSERT INTO {REFERENCE_SEQUENCE.name} DEFAULT VALUES")).lastrowid
    return f"{prefix}-{number:06d}"
