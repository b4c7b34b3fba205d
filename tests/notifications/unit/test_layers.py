"""Notifications' HTTP views and inbox pages only translate: every write lives in a use case
(``notifications.directory``, ``tasks``, ``inbox``, ``subscriptions``), the same for both."""

import re
from pathlib import Path

import pytest

import notifications.api
import notifications.web

API = Path(notifications.api.__file__).parent
WEB = Path(notifications.web.__file__).parent
#: The modules that answer requests (helpers such as ``common.py`` and ``wording.py`` are not views).
VIEWS = sorted([path for path in API.glob("*.py") if path.name not in ("__init__.py", "common.py")]
               + [path for path in WEB.glob("*.py") if re.search(r"^@blueprint\.(get|post|route)\(", path.read_text(),
                                                                   re.M)])
#: Rows, audit entries, timers and events: what only a use case writes.
SIDE_EFFECT = re.compile(r"outbox\.emit|[^_a-z]emit\(|audit\.changed|timers\.|session\.add")


def test_the_inbox_pages_are_among_the_views_checked():
    assert {path.name for path in VIEWS} >= {"pages.py", "signin.py", "updates.py", "tasks.py", "officers.py"}


@pytest.mark.parametrize("view", VIEWS, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_a_view_writes_no_side_effect_itself(view):
    assert not SIDE_EFFECT.findall(view.read_text())


@pytest.mark.parametrize("view", VIEWS, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_a_view_imports_no_other_view(view):
    others = {(path.parent.name, path.stem) for path in VIEWS} - {(view.parent.name, view.stem)}
    package = f"notifications.{view.parent.name}"
    imported = {(view.parent.name, name) for name in re.findall(r"^from \.(\w+) import", view.read_text(), re.M)}
    imported |= {(view.parent.name, name) for name in
                 re.findall(rf"^from {re.escape(package)}\.(\w+) import", view.read_text(), re.M)}
    imported |= {(view.parent.name, name) for line in re.findall(r"^from \. import (.+)$", view.read_text(), re.M)
                 for name in re.split(r",\s*", line.split("#")[0].strip())}
    assert not imported & others
