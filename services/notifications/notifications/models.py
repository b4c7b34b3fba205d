"""The notifications service's tables."""

from casework.db import naming_metadata
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    metadata = naming_metadata()
