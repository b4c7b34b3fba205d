"""Bulk imports of records from the council's other systems (a housing management system's CSV
extract, a partner's data feed): read the file, validate each record row by row, report every
problem by row, field and message, and write all of it or none of it.

A service describes each kind of record it takes as an ``Importer`` (its CSV columns, how a
record is loaded and validated – with the same marshmallow schema as its API –, which records are
in already, and the use case that writes one), and lists them in ``Service.importers``. The
``casework import`` command and a service's ``POST /imports/{kind}`` both call ``run``:

* **Nothing half-imported.** ``run`` writes in the caller's transaction and stops writing at the
  first problem, reading on only to report the rest; the caller commits when the report is
  ``ok`` and rolls back otherwise, so a file goes in whole or not at all.
* **Rerunnable without duplicates.** Each record carries the other system's own reference (its
  ``key`` column, ``housing_ref``): a record whose reference is in already is counted
  ``already_imported`` and left as it is, so the same extract can be sent again.
* **Rows.** Row 1 is the header; the first record is row 2, as a spreadsheet numbers them.
  A record may span several consecutive rows with the same key (a household, a row a person).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import marshmallow as ma
from sqlalchemy.orm import Session

#: A row as read: its number in the file and its cells by column name.
Row = tuple[int, dict[str, str]]

#: At most this many problems are kept in a report (the count goes on).
MAX_PROBLEMS = 1000

_YES = {"true", "yes", "y"}
_NO = {"false", "no", "n"}


@dataclass(frozen=True)
class Column:
    """One column of a CSV layout. ``kind``: ``text`` (given to the schema as it is), ``yes_no``
    (true/false, yes/no or y/n, any case) or ``list`` (codes separated by ``;``)."""

    name: str
    description: str
    required: bool = False
    kind: str = "text"


@dataclass(frozen=True)
class Problem:
    """What is wrong with a file: the row (1 is the header), the column, and why."""

    row: int
    field: str
    message: str


class RowInvalid(Exception):
    """A record cannot be imported: each problem names its row and column."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"row {p.row}, {p.field}: {p.message}" for p in problems))
        self.problems = problems


class Importer:
    """One kind of record a service imports. A fresh one is made for each file (``load`` may
    remember what it has seen in the file, e.g. one tenancy per home)."""

    kind: str = ""
    #: The column with the other system's own reference: a record's key for reruns.
    key: str = "housing_ref"
    columns: tuple[Column, ...] = ()
    #: Several consecutive rows with the same key make one record.
    grouped: bool = False

    def load(self, session: Session, rows: list[Row]) -> Any:
        """The record validated and ready to write, or ``RowInvalid``."""
        raise NotImplementedError

    def existing(self, session: Session, keys: list[str]) -> set[str]:
        """Which of ``keys`` are imported already."""
        raise NotImplementedError

    def prepare(self, session: Session, records: list[Any]) -> None:
        """Before a batch of records is written: what can be done for all at once (numbering them)."""

    def write(self, session: Session, record: Any) -> None:
        """Write one record with its service's use case (rows, audit, events together)."""
        raise NotImplementedError

    def finish(self, session: Session) -> None:
        """After the last record of a file with no problem: what is done once for the whole file
        (the batch the records make, closed with its counts). Not called when nothing is kept."""


@dataclass
class Report:
    """What an import did: rows and records read, imported (0 unless ``ok``: nothing was kept),
    already imported (left as they were) and every problem (the first ``MAX_PROBLEMS``)."""

    kind: str
    rows: int = 0
    records: int = 0
    imported: int = 0
    already_imported: int = 0
    problem_count: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def add(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.problem_count += 1
            if len(self.problems) < MAX_PROBLEMS:
                self.problems.append(problem)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "ok": self.ok, "rows": self.rows, "records": self.records,
                "imported": self.imported, "already_imported": self.already_imported,
                "problem_count": self.problem_count,
                "problems": [{"row": p.row, "field": p.field, "message": p.message} for p in self.problems]}


# -- reading a row -----------------------------------------------------------------------------


def values(cells: dict[str, str], columns: Iterable[Column]) -> dict[str, Any]:
    """A row's cells as the JSON values an API schema loads: blank cells left out (the schema's
    default applies, or it says the field is missing), yes/no as booleans, lists split on ``;``."""
    found: dict[str, Any] = {}
    for column in columns:
        text = (cells.get(column.name) or "").strip()
        if not text:
            continue
        if column.kind == "yes_no":
            word = text.lower()
            found[column.name] = True if word in _YES else False if word in _NO else text
        elif column.kind == "list":
            found[column.name] = [part.strip() for part in text.split(";") if part.strip()]
        else:
            found[column.name] = text
    return found


#: Where a field's error goes: its path in the schema (``["needs", "wheelchair"]``) → the row and
#: column to name (``(5, "needs_wheelchair")``).
Locate = Callable[[list[str]], tuple[int, str]]


def problems_from(error: ma.ValidationError, row: int, columns: dict[str, str] | Locate | None = None) -> list[Problem]:
    """A schema's errors as problems, each named by its row and column: ``columns`` maps a field's
    dotted path (``needs.wheelchair``) to its column (``needs_wheelchair``) on ``row``, or is a
    ``Locate`` for a record over several rows; by default the path on ``row``."""
    found: list[Problem] = []

    def walk(messages: Any, path: list[str]) -> None:
        if isinstance(messages, dict):
            for name, inner in messages.items():
                walk(inner, path if name == "_schema" else [*path, str(name)])
        elif isinstance(messages, list | tuple):
            for message in messages:
                walk(message, path)
        else:
            if callable(columns):
                found.append(Problem(*columns(path), str(messages)))
                return
            dotted = ".".join(path) or "_row"
            found.append(Problem(row, (columns or {}).get(dotted, dotted), str(messages)))

    walk(error.messages, [])
    return found


# -- reading a file ----------------------------------------------------------------------------


def count_rows(stream: IO[bytes]) -> int:
    """Roughly how many rows follow the header (its lines, less one): for a progress bar. Reads
    the file to its end and back."""
    start = stream.tell()
    lines = sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b""))
    stream.seek(start)
    return max(lines - 1, 0)


def _header_problems(header: list[str] | None, importer: Importer) -> list[Problem]:
    if not header:
        return [Problem(1, "_header", "The file is empty: it needs a header row naming its columns.")]
    known = {c.name for c in importer.columns}
    problems = [Problem(1, c.name, "This column is missing from the header.")
                for c in importer.columns if c.required and c.name not in header]
    problems += [Problem(1, name or "(blank)", f"Not a column of the {importer.kind} layout.")
                 for name in header if name not in known]
    problems += [Problem(1, name, "This column is named twice.") for name in sorted(set(header)) if header.count(name) > 1]
    return problems


def _records(reader: csv.DictReader, importer: Importer) -> Iterator[list[Row]]:
    """Each record's rows: one row, or for a grouped importer the consecutive rows with one key."""
    group: list[Row] = []
    for number, cells in enumerate(reader, start=2):
        if not importer.grouped:
            yield [(number, cells)]
            continue
        if group and (cells.get(importer.key) or "").strip() != (group[0][1].get(importer.key) or "").strip():
            yield group
            group = []
        group.append((number, cells))
    if group:
        yield group


def run(session: Session, importer: Importer, lines: Iterable[str], *, progress: Callable[[int], None] | None = None,
        batch: int = 500) -> Report:
    """Import the CSV ``lines`` (an open text file, or a list of lines) in the caller's transaction.

    Each record is validated by ``importer.load``; records are written ``batch`` at a time, those
    already in left out. From the first problem on nothing more is written: the caller rolls the
    transaction back unless ``report.ok``. ``progress`` is told how many rows each record took.
    """
    report = Report(kind=importer.kind)
    reader = csv.DictReader(lines, restkey="_extra")
    try:
        header = reader.fieldnames
    except csv.Error as exc:
        report.add([Problem(1, "_header", f"The header cannot be read as CSV: {exc}.")])
        return report
    report.add(_header_problems(list(header) if header else None, importer))
    if not report.ok:
        return report
    seen: dict[str, int] = {}
    pending: list[tuple[str, Any]] = []
    records = _records(reader, importer)
    while True:
        try:
            rows = next(records)
        except StopIteration:
            break
        except csv.Error as exc:
            report.add([Problem(reader.line_num, "_row", f"The row cannot be read as CSV: {exc}.")])
            break
        report.rows += len(rows)
        report.records += 1
        if progress:
            progress(len(rows))
        pending.append(_load(session, importer, rows, seen, report))
        if len(pending) >= batch:
            _write(session, importer, pending, report)
            pending = []
    _write(session, importer, pending, report)
    if report.ok:
        importer.finish(session)
    else:
        report.imported = 0
    return report


def _load(session: Session, importer: Importer, rows: list[Row], seen: dict[str, int],
          report: Report) -> tuple[str, Any]:
    first, cells = rows[0]
    problems = [Problem(number, "_row", "This row has more cells than the header has columns.")
                for number, row_cells in rows if row_cells.get("_extra")]
    key = (cells.get(importer.key) or "").strip()
    if not key:
        problems.append(Problem(first, importer.key, "Missing data for required field."))
    elif key in seen:
        problems.append(Problem(first, importer.key, f"{key} is on row {seen[key]} already: each record once."))
    else:
        seen[key] = first
    record = None
    try:
        record = importer.load(session, rows)
    except RowInvalid as exc:
        problems += exc.problems
    problems = list(dict.fromkeys(problems))  # the key's own check and the schema's may say the same
    report.add(problems)
    return key, (record if not problems else None)


def _write(session: Session, importer: Importer, pending: list[tuple[str, Any]], report: Report) -> None:
    keys = [key for key, record in pending if record is not None]
    existing = importer.existing(session, keys) if keys else set()
    report.already_imported += sum(1 for key, record in pending if record is not None and key in existing)
    if not report.ok:  # after a problem, only read on to report the rest
        return
    new = [record for key, record in pending if record is not None and key not in existing]
    importer.prepare(session, new)
    for record in new:
        importer.write(session, record)
        report.imported += 1
