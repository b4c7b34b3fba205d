"""Records are found by id or by the reference officers quote, the same on PostgreSQL and SQLite."""

import uuid

import pytest
from sqlalchemy import Integer, String, Uuid, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from casework import records


class Base(DeclarativeBase):
    pass


class Letter(Base):
    """A record keeping its reference in a column."""

    __tablename__ = "records_letters"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    owner: Mapped[str] = mapped_column(String(20))


class File(Base):
    """A record whose reference is made from its number (``F-000045``)."""

    __tablename__ = "records_files"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    number: Mapped[int] = mapped_column(Integer, unique=True)


class Slot(Base):
    """A record whose key is text."""

    __tablename__ = "records_slots"
    code: Mapped[str] = mapped_column(String(20), primary_key=True)


FILE_REFERENCE = records.numbered("F", File.number)


@pytest.fixture
def db(any_database):
    Base.metadata.create_all(any_database.engine)
    with any_database.transaction() as session:
        session.add_all([Letter(id=LETTER_ID, reference="L-000123", owner="me"),
                         Letter(reference="L-000124", owner="someone else"),
                         File(id=FILE_ID, number=45), File(number=46), Slot(code="north")])
    return any_database


# Fixed ids: test ids must be the same in every collection (pytest-xdist's workers compare them).
LETTER_ID = uuid.UUID("0b7e0c2e-5a1f-4f5e-9a51-3c1f0d6f2a01")
FILE_ID = uuid.UUID("5d0c8c43-93a4-4d8e-b0f4-6e7c2b9e1a02")


def found(db, model, key, **kwargs):
    with db.transaction() as session:
        record = records.find(session, model, key, **kwargs)
        return None if record is None else getattr(record, "id", None) or record.code


@pytest.mark.parametrize("key", [LETTER_ID, str(LETTER_ID), "L-000123", " l-000123 "])
def test_a_record_is_found_by_its_id_or_its_reference(db, key):
    assert found(db, Letter, key, reference=Letter.reference) == LETTER_ID


@pytest.mark.parametrize("key", ["F-000045", "F-45", "f45", FILE_ID, str(FILE_ID)])
def test_a_numbered_reference_finds_its_record(db, key):
    assert found(db, File, key, reference=FILE_REFERENCE) == FILE_ID


@pytest.mark.parametrize("key", ["L-000999", "S-000045", "F-", "", "   ", "45", "7f3a9c1e-2b4d-4e6f-8a0b-1c2d3e4f5a6b",
                                 "x' OR '1'='1", "F-9999999999999"])
def test_anything_else_finds_nothing(db, key):
    assert found(db, Letter, key, reference=Letter.reference) is None
    assert found(db, File, key, reference=FILE_REFERENCE) is None


def test_without_references_only_the_id_finds_a_record(db):
    assert found(db, Letter, "L-000123") is None
    assert found(db, Letter, LETTER_ID) == LETTER_ID


def test_a_record_the_caller_may_not_see_is_not_found(db):
    mine = [Letter.owner == "me"]
    assert found(db, Letter, "L-000124", reference=Letter.reference, where=mine) is None
    assert found(db, Letter, "L-000123", reference=Letter.reference, where=mine, lock=True) == LETTER_ID


def test_a_text_key_is_found_as_itself(db):
    assert found(db, Slot, "north") == "north"
    assert found(db, Slot, "south") is None


def test_a_list_filtered_by_reference(db):
    with db.transaction() as session:
        assert session.scalars(select(Letter.reference).where(
            records.reference_is(Letter.reference, "l-000124"))).all() == ["L-000124"]
        assert session.scalars(select(File.number).where(records.reference_is(FILE_REFERENCE, "F-000046"))).all() == [46]
        assert session.scalars(select(File.number).where(records.reference_is(FILE_REFERENCE, "nonsense"))).all() == []


def test_get_or_404_takes_a_reference_where_the_model_has_them(db):
    from werkzeug.exceptions import HTTPException

    from casework.web import get_or_404

    with db.transaction() as session:
        assert get_or_404(session, Letter, "L-000123", reference=Letter.reference).id == LETTER_ID
        assert get_or_404(session, File, "F-000045", reference=FILE_REFERENCE, lock=True).id == FILE_ID
        assert get_or_404(session, Letter, LETTER_ID).id == LETTER_ID
        with pytest.raises(HTTPException) as missing:
            get_or_404(session, Letter, "L-000124", reference=Letter.reference, where=[Letter.owner == "me"],
                       detail="Not yours.")
        assert missing.value.code == 404
