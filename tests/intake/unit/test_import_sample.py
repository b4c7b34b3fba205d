"""The sample feed beside the import layout (docs/imports.md) loads as the importer takes it, and
a bad row is named by its row and column (the layout's columns: tests/kernel/unit/test_service_shape.py)."""

from pathlib import Path

from casework import imports
from intake.domain.risk import REASON_CODES
from intake.imports import IMPORTERS

DOCS = Path(__file__).parents[3] / "services" / "intake" / "docs"


class Loaded(IMPORTERS["referrals"]):
    """The referrals importer with nothing in already and nothing written: only loading."""

    def existing(self, session, keys):
        return set()

    def prepare(self, session, records):
        self.loaded = records

    def write(self, session, record):
        pass

    def finish(self, session):
        pass


def test_the_sample_loads_and_a_row_with_another_source_or_a_bad_cell_is_named_by_row_and_column():
    text = (DOCS / "imports" / "referrals.csv").read_text()
    importer = Loaded()
    report = imports.run(None, importer, text.splitlines(keepends=True))
    assert (report.ok, report.records) == (True, 5), report.problems
    assert [household["person"]["name"] for _, household, _ in importer.loaded][:2] == ["Dana Hughes", "Chris Okafor"]
    lines = text.splitlines(keepends=True)
    lines[3] = lines[3].replace(",lift,", ",lift_2,").replace("rent_arrears;", "arrears;")
    report = imports.run(None, Loaded(), lines)
    assert report.problems == [
        imports.Problem(4, "source_system", "Differs from row 2: one source and reason for the whole file."),
        imports.Problem(4, "reasons", f"Must be one of: {', '.join(REASON_CODES)}."),
    ]
