"""How errors are answered: validation messages flattened to field paths a client can show next
to its inputs; database errors by whose they are (ours: 500; the database away: 503)."""

import sqlite3

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from casework.web.errors import flatten_errors, handle_database_error


def test_nested_body_errors_become_dotted_paths():
    messages = {"json": {"person": {"date_of_birth": ["Not a valid date."]}, "reasons": {1: ["Must be one of: …"]}}}
    assert flatten_errors(messages) == {
        "person.date_of_birth": ["Not a valid date."],
        "reasons.1": ["Must be one of: …"],
    }


def test_schema_level_errors_belong_to_their_parent():
    assert flatten_errors({"json": {"consent": {"_schema": ["Consent or an exemption is required."]}}}) == {
        "consent": ["Consent or an exemption is required."]
    }


def test_query_errors_name_the_parameter():
    assert flatten_errors({"query": {"page_size": ["Must be at most 100."]}}) == {"page_size": ["Must be at most 100."]}


def _sqlite_error(url: str, statement: str, **connect_args) -> OperationalError:
    engine = create_engine(url, connect_args=connect_args)
    with pytest.raises(OperationalError) as raised, engine.begin() as conn:
        conn.execute(text(statement))
    engine.dispose()
    return raised.value


def _answer(error):
    with Flask(__name__).test_request_context():
        return handle_database_error(error)


def test_a_mistake_in_the_sql_on_sqlite_is_our_fault_not_the_database_away():
    error = _sqlite_error("sqlite://", "SELECT 1 FROM a JOIN LATERAL (SELECT 1) b ON true")
    assert _answer(error).status_code == 500


def test_a_locked_sqlite_database_is_unavailable_for_now(tmp_path):
    path = tmp_path / "locked.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        error = _sqlite_error(f"sqlite:///{path}", "INSERT INTO t VALUES (1)", timeout=0)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    answer = _answer(error)
    assert answer.status_code == 503 and answer.headers["Retry-After"]
