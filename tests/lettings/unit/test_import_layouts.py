"""The import layouts officers read (docs/imports.md) and the samples beside them say what the
importers take: every column documented, every sample's header a layout's."""

import csv
from pathlib import Path

import pytest

from lettings.imports import IMPORTERS

DOCS = Path(__file__).parents[3] / "services" / "lettings" / "docs"


@pytest.mark.parametrize("kind", sorted(IMPORTERS))
def test_each_column_is_documented_and_the_sample_has_them_all(kind):
    columns = [column.name for column in IMPORTERS[kind].columns]
    documented = (DOCS / "imports.md").read_text()
    assert [name for name in columns if f"| `{name}` |" not in documented] == []
    with (DOCS / "imports" / f"{kind}.csv").open() as sample:
        assert next(csv.reader(sample)) == columns
