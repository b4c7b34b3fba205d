"""Lettings' HTTP views only translate: every write lives in a use case (``lettings.letting``)."""

import re
from pathlib import Path

import pytest

import lettings.api

API = Path(lettings.api.__file__).parent
VIEWS = sorted(path for path in API.glob("*.py") if path.name not in ("__init__.py", "common.py"))
#: Rows, audit entries (of changes and of reads), timers and events: what only a use case writes.
SIDE_EFFECT = re.compile(r"outbox\.emit|[^_a-z]emit\(|audit\.|timers\.|session\.add")


@pytest.mark.parametrize("view", VIEWS, ids=lambda path: path.name)
def test_a_view_writes_no_side_effect_itself(view):
    assert not SIDE_EFFECT.findall(view.read_text())


@pytest.mark.parametrize("view", VIEWS, ids=lambda path: path.name)
def test_a_view_imports_no_other_view(view):
    others = {path.stem for path in VIEWS} - {view.stem}
    imported = set(re.findall(r"^from lettings\.api\.(\w+) import|^from \.(\w+) import", view.read_text(), re.M))
    assert not {name for pair in imported for name in pair if name} & others
