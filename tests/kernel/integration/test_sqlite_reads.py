"""On SQLite a request that only reads takes no lock: a GET begins ``DEFERRED`` and answers while
a writer holds the database's one write lock (the retention sweep's batch held it for minutes);
its audit entries are written after its read in a short writing transaction of their own; a GET
that writes after all is begun again as a writer; writers still queue and never fail as locked."""

import sqlite3
import threading
import time
import uuid

from sqlalchemy import event, func, select

from casework.audit import AuditEntry
from casework.db import Database
from casework.web import create_app
from casework_dev.testing import bearer, test_settings
from sample.service import SERVICE, Note, create_tables

OFFICER = bearer("o", "intake_officer")


class OnSQLite:
    def __init__(self, tmp_path):
        self.path = tmp_path / "sample.db"
        settings = test_settings("sample", database_url=f"sqlite:///{self.path}", broker_url="memory://",
                                 namespace=f"r{uuid.uuid4().hex[:8]}")
        create_tables(settings.database_url)
        self.db = Database(settings.database_url)
        self.app = create_app(SERVICE, settings=settings, db=self.db)
        self.client = self.app.test_client()

    def note(self, text="a note") -> dict:
        r = self.client.post("/notes", json={"text": text}, headers=OFFICER)
        assert r.status_code == 201, r.json
        return r.json

    def other_connection(self, timeout: float = 1.0) -> sqlite3.Connection:
        """Another process's connection, as the timers' worker or the retention sweep would have."""
        return sqlite3.connect(self.path, isolation_level=None, timeout=timeout, check_same_thread=False)

    def another_writer_commits(self) -> None:
        """Another connection changes every note and commits (at once, unless a writer holds the lock)."""
        writer = self.other_connection()
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE notes SET text = 'changed meanwhile'")
        writer.execute("COMMIT")
        writer.close()

    def reads_of(self, note_id) -> int:
        with self.db.transaction() as session:
            return session.scalar(select(func.count()).select_from(AuditEntry).where(
                AuditEntry.action == "read", AuditEntry.record_id == str(note_id)))

    def close(self):
        self.db.dispose()


def _after_first(db: Database, table: str, do) -> None:
    """Run ``do`` once, just after the first statement that reads ``table``."""
    done = []

    @event.listens_for(db.engine, "after_cursor_execute")
    def _after(conn, cursor, statement, *_):
        if not done and statement.lstrip().upper().startswith("SELECT") and f"FROM {table}" in statement:
            done.append(True)
            do()


def test_a_list_answers_while_a_writer_holds_the_write_lock(tmp_path):
    app = OnSQLite(tmp_path)
    app.note()
    writer = app.other_connection()
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE notes SET text = 'being changed'")
        started = time.monotonic()
        r = app.client.get("/notes", headers=OFFICER)
        took = time.monotonic() - started
        assert r.status_code == 200 and r.json[0]["text"] == "a note"  # the last committed state
        assert took < 5, f"the GET waited {took:.1f} s for the writer's lock"
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        app.close()


def test_an_audited_read_records_its_entry_when_a_writer_commits_between_its_read_and_its_end(tmp_path):
    app = OnSQLite(tmp_path)
    note = app.note()
    _after_first(app.db, "notes", app.another_writer_commits)
    try:
        r = app.client.get(f"/notes/{note['id']}", headers=OFFICER)
        assert r.status_code == 200, r.json
        assert r.json["text"] == "a note"  # what the read saw
        assert app.reads_of(note["id"]) == 1
    finally:
        app.close()


def test_an_audited_read_waits_for_a_writer_to_record_its_entry(tmp_path):
    app = OnSQLite(tmp_path)
    note = app.note()
    writer = app.other_connection()
    writer.execute("BEGIN IMMEDIATE")
    threading.Timer(0.5, lambda: (writer.execute("COMMIT"), writer.close())).start()
    try:
        r = app.client.get(f"/notes/{note['id']}", headers=OFFICER)
        assert r.status_code == 200 and app.reads_of(note["id"]) == 1
    finally:
        app.close()


def test_a_get_that_writes_is_begun_again_as_a_writer(tmp_path):
    app = OnSQLite(tmp_path)
    note = app.note()
    _after_first(app.db, "notes", app.another_writer_commits)
    try:
        r = app.client.get(f"/notes/{note['id']}/opened", headers=OFFICER)
        assert r.status_code == 200, r.json
        assert r.json["text"] == "changed meanwhile" and r.json["version"] == 2  # read again, as a writer
        with app.db.transaction() as session:
            assert session.get(Note, uuid.UUID(r.json["id"])).version == 2
    finally:
        app.close()


def test_writers_and_audited_readers_at_once_never_find_the_database_locked(tmp_path):
    app = OnSQLite(tmp_path)
    notes = [app.note(f"note {i}")["id"] for i in range(4)]
    answers: list[int] = []

    def write():
        client = app.app.test_client()
        for i in range(10):
            answers.append(client.post("/notes", json={"text": f"more {i}"}, headers=OFFICER).status_code)
            answers.append(client.put(f"/notes/{notes[i % 4]}", json={"text": f"edit {i}"},
                                      headers=OFFICER).status_code)

    def read():
        client = app.app.test_client()
        for i in range(10):
            answers.append(client.get(f"/notes/{notes[i % 4]}", headers=OFFICER).status_code)
            answers.append(client.get("/notes", headers=OFFICER).status_code)
            answers.append(client.get(f"/notes/{notes[i % 4]}/opened", headers=OFFICER).status_code)

    threads = [threading.Thread(target=write) for _ in range(3)] + [threading.Thread(target=read) for _ in range(3)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(set(answers)) == [200, 201] and len(answers) == 3 * 20 + 3 * 30
        assert sum(app.reads_of(n) for n in notes) == 3 * 10
    finally:
        app.close()
