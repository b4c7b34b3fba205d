"""casework.imports: a CSV file read record by record, every problem named by row and column,
nothing written after the first problem, records in already left alone."""

import io

import marshmallow as ma

from casework import imports
from casework.imports import Column, Importer, Problem, RowInvalid


class Homes(ma.Schema):
    address = ma.fields.String(required=True)
    bedrooms = ma.fields.Integer(required=True)


class HomeImporter(Importer):
    kind = "homes"
    columns = (Column("housing_ref", "", True), Column("address", "", True), Column("bedrooms", "", True),
               Column("garden", "", kind="yes_no"), Column("tags", "", kind="list"))

    def __init__(self, already=()):
        self.already, self.written, self.finished = set(already), [], 0

    def load(self, session, rows):
        number, cells = rows[0]
        try:
            return cells["housing_ref"], {**Homes().load(imports.values(cells, self.columns[1:3])),
                                          **imports.values(cells, self.columns[3:])}
        except ma.ValidationError as exc:
            raise RowInvalid(imports.problems_from(exc, number)) from exc

    def existing(self, session, keys):
        return self.already & set(keys)

    def write(self, session, record):
        self.written.append(record)

    def finish(self, session):
        self.finished += 1


class Households(HomeImporter):
    grouped = True
    columns = (Column("housing_ref", "", True), Column("name", "", True))

    def load(self, session, rows):
        return [cells["name"] for _, cells in rows]


def run(importer, text, **kwargs):
    return imports.run(None, importer, io.StringIO(text), **kwargs)


def test_a_good_file_is_written_record_by_record_with_its_cells_typed():
    importer = HomeImporter()
    report = run(importer, "housing_ref,address,bedrooms,garden,tags\nH1,1 High St,2,Y,a; b\nH2,2 High St,3,,\n")
    assert (report.ok, report.rows, report.records, report.imported) == (True, 2, 2, 2)
    assert importer.written == [("H1", {"address": "1 High St", "bedrooms": 2, "garden": True, "tags": ["a", "b"]}),
                                ("H2", {"address": "2 High St", "bedrooms": 3})]
    assert importer.finished == 1  # once, after the last record


def test_after_the_first_problem_nothing_more_is_written_but_every_problem_is_reported():
    importer = HomeImporter()
    report = run(importer, "housing_ref,address,bedrooms\nH1,1 High St,2\nH2,,two\nH3,3 High St,1\nH1,4 High St,1\n",
                 batch=1)
    assert not report.ok and report.imported == 0
    assert [w[0] for w in importer.written] == ["H1"]  # the caller rolls it back
    assert importer.finished == 0
    assert report.problems == [Problem(3, "address", "Missing data for required field."),
                               Problem(3, "bedrooms", "Not a valid integer."),
                               Problem(5, "housing_ref", "H1 is on row 2 already: each record once.")]


def test_records_in_already_are_counted_and_left_alone():
    importer = HomeImporter(already={"H1"})
    report = run(importer, "housing_ref,address,bedrooms\nH1,1 High St,2\nH2,2 High St,1\n")
    assert (report.imported, report.already_imported, [w[0] for w in importer.written]) == (1, 1, ["H2"])


def test_the_header_must_name_the_layouts_columns():
    report = run(HomeImporter(), "housing_ref,address,colour,colour\nH1,x,red,red\n")
    assert report.problems == [Problem(1, "bedrooms", "This column is missing from the header."),
                               Problem(1, "colour", "Not a column of the homes layout."),
                               Problem(1, "colour", "Not a column of the homes layout."),
                               Problem(1, "colour", "This column is named twice.")]
    assert report.rows == 0


def test_a_row_longer_than_the_header_is_a_problem():
    report = run(HomeImporter(), "housing_ref,address,bedrooms\nH1,1 High St,2,surplus\n")
    assert report.problems == [Problem(2, "_row", "This row has more cells than the header has columns.")]


def test_consecutive_rows_with_one_key_make_one_record_and_progress_counts_rows():
    importer, seen = Households(), []
    report = run(importer, "housing_ref,name\nA1,Sam\nA1,Ravi\nA2,Jo\n", progress=seen.append)
    assert importer.written == [["Sam", "Ravi"], ["Jo"]]
    assert (report.rows, report.records, seen) == (3, 2, [2, 1])
    split = run(Households(), "housing_ref,name\nA1,Sam\nA2,Jo\nA1,Ravi\n")
    assert split.problems == [Problem(4, "housing_ref", "A1 is on row 2 already: each record once.")]


def test_a_report_keeps_the_first_problems_and_counts_them_all(monkeypatch):
    monkeypatch.setattr(imports, "MAX_PROBLEMS", 2)
    report = run(HomeImporter(), "housing_ref,address,bedrooms\n" + "H,,1\n" * 3)
    assert report.problem_count == 5 and len(report.problems) == 2
    assert report.as_dict()["ok"] is False


def test_rows_are_counted_for_a_progress_bar_without_moving_the_file():
    data = io.BytesIO(b"h\n1\n2\n3\n")
    data.read(0)
    assert imports.count_rows(data) == 3 and data.tell() == 0
