"""Every service has the shape shared/README.md describes: events declared once in its events.py,
and handlers that are exactly what the catalogue names it a consumer of."""

import ast
from pathlib import Path

import pytest

from casework.contracts import catalogue
from casework.service import installed

ROOT = Path(__file__).resolve().parents[3]
SERVICES = sorted(installed())


def emit_sites(package: Path):
    for path in sorted(package.rglob("*.py")):
        if path.name == "events.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "emit" \
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "outbox":
                yield path.relative_to(ROOT), node


@pytest.mark.parametrize("name", SERVICES)
def test_every_emit_names_its_type_from_the_services_events_module(name):
    package = ROOT / "services" / name / name
    written_inline = [f"{path}:{node.lineno}" for path, node in emit_sites(package)
                      if len(node.args) > 1 and isinstance(node.args[1], ast.Constant | ast.JoinedStr)]
    assert written_inline == [], "declare the type in events.py and emit events.<TYPE>"


@pytest.mark.parametrize("name", SERVICES)
def test_a_service_handles_exactly_what_the_catalogue_names_it_a_consumer_of(name):
    assert sorted(installed()[name].handlers) == sorted(c.type for c in catalogue.consumed_by(name))
