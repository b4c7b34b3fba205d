"""Every service has the shape shared/README.md describes: views (HTTP and pages) that only
translate, events declared once in its events.py, and handlers that are exactly what the catalogue
names it a consumer of."""

import ast
import csv
import re
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


#: Rows, audit entries, timers and events: what only a use case writes (issue 26's grep).
SIDE_EFFECT = re.compile(r"outbox\.emit|[^_a-z]emit\(|audit\.changed|timers\.|session\.add")


def views(name: str) -> list[Path]:
    """The modules that answer requests: every api module but its helpers, and each page module
    with routes of its own."""
    package = ROOT / "services" / name / name
    found = [path for path in (package / "api").glob("*.py") if path.name not in ("__init__.py", "common.py")]
    found += [path for path in (package / "web").glob("*.py")
              if re.search(r"^@(blueprint|blp|bp)\.(get|post|route)\(", path.read_text(), re.M)]
    return sorted(found)


VIEWS = [(name, path) for name in SERVICES for path in views(name)]


def _id(view) -> str:
    name, path = view
    return f"{name}/{path.parent.name}/{path.name}"


def test_every_service_has_views_to_check_including_the_inbox_pages():
    checked = {_id(view) for view in VIEWS}
    assert {name for name, _ in VIEWS} == set(SERVICES)
    assert {"notifications/web/pages.py", "notifications/web/updates.py"} <= checked


@pytest.mark.parametrize("view", VIEWS, ids=_id)
def test_a_view_writes_no_side_effect_itself(view):
    _, path = view
    assert SIDE_EFFECT.findall(path.read_text()) == [], "call a use case; it writes rows, audit, events and timers"


@pytest.mark.parametrize("view", VIEWS, ids=_id)
def test_a_view_imports_no_other_view(view):
    name, path = view
    text, folder = path.read_text(), path.parent.name
    others = {(p.parent.name, p.stem) for _, p in VIEWS if _ == name} - {(folder, path.stem)}
    imported = {(folder, module) for module in re.findall(r"^from \.(\w+) import", text, re.M)}
    imported |= {(folder, module) for module in
                 re.findall(rf"^from {name}\.{folder}\.(\w+) import", text, re.M)}
    imported |= {(folder, module.strip()) for line in re.findall(r"^from \. import (.+)$", text, re.M)
                 for module in line.split("#")[0].split(",")}
    assert not imported & others


def _app(name: str):
    from casework.settings import Settings
    from casework.web import create_app

    return create_app(installed()[name], settings=Settings(service=name, database_url="sqlite://",
                                                           broker_url="memory://"))


def _page_views(name: str):
    """Every ``/app/`` route of the service's app, with its view function."""
    app = _app(name)
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/app/") and rule.endpoint != "casework_pages.static" \
                and not rule.endpoint.endswith(".static"):
            yield rule, app.view_functions[rule.endpoint]


#: The kernel's sign-in and sign-out: the pages that let an officer in, so none needs one.
SIGNING_IN = {"casework_pages.sign_in", "casework_pages.sign_in_for_development", "casework_pages.sign_in_with_oidc",
              "casework_pages.oidc_callback", "casework_pages.sign_out"}


@pytest.mark.parametrize("name", SERVICES)
def test_every_page_says_which_roles_may_see_it(name):
    unguarded = [rule.rule for rule, view in _page_views(name)
                 if rule.endpoint not in SIGNING_IN and not getattr(view, "page_roles", None)]
    assert unguarded == [], "decorate each page view with casework.pages.officer_page(...roles)"


@pytest.mark.parametrize("name", SERVICES)
def test_every_service_serves_the_kernels_pages(name):
    endpoints = {rule.endpoint for rule, _ in _page_views(name)}
    assert {"casework_pages.home", "casework_pages.sign_in", "casework_pages.sign_out"} <= endpoints


@pytest.mark.parametrize("name", SERVICES)
def test_the_navigation_shows_a_service_to_exactly_the_roles_its_home_page_lets_in(name):
    from casework.pages import NAVIGATION
    from casework.pages.access import EXTENSION

    app = _app(name)
    home = app.view_functions[app.extensions[EXTENSION].home]
    shown_to = {service: roles for service, _, roles in NAVIGATION}[name]
    assert set(home.page_roles) == {*shown_to, "admin"}, "say the home page's roles in casework.pages.NAVIGATION"


def test_the_kernels_own_page_views_write_nothing_themselves():
    kernel_views = ROOT / "shared" / "casework" / "pages" / "views.py"
    assert SIDE_EFFECT.findall(kernel_views.read_text()) == []


@pytest.mark.parametrize(("name", "kind"), [(name, kind) for name in SERVICES for kind in sorted(installed()[name].importers)])
def test_each_import_column_is_documented_and_the_sample_has_them_all(name, kind):
    """The import layouts officers read (services/<name>/docs/imports.md) and the samples beside
    them say what the importers take: every column documented, every sample's header a layout's."""
    docs = ROOT / "services" / name / "docs"
    columns = [column.name for column in installed()[name].importers[kind].columns]
    documented = (docs / "imports.md").read_text()
    assert [column for column in columns if f"| `{column}` |" not in documented] == []
    with (docs / "imports" / f"{kind}.csv").open() as sample:
        assert next(csv.reader(sample)) == columns
