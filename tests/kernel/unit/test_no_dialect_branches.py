"""No service module asks which database it is on (DESIGN §8, "Embedded is the same system"):
every difference between PostgreSQL and SQLite lives in the kernel (``casework.numbering``,
``casework.portable``, ``casework.db``). Migrations may build each database's schema its own way."""

import re
from pathlib import Path

import pytest

SERVICES = Path(__file__).resolve().parents[3] / "services"

#: What asking looks like: the dialect's name, a backend flag, a dialect-only import.
ASKING = re.compile(
    r"\.dialect\b"                                    # session.get_bind().dialect, engine.dialect.name
    r"|\bis_(sqlite|postgres|postgresql)\b"           # Database.is_sqlite
    r"|\bsqlalchemy\.dialects\b"                      # from sqlalchemy.dialects.postgresql import JSONB
    r"|[\"'](postgresql|sqlite)[\"']\s*(\]|:|==|!=)"  # {"postgresql": …}[name], name == "sqlite"
    r"|(==|!=|\bin)\s*[\(\[\{]?\s*[\"'](postgresql|sqlite)[\"']"
    r"|startswith\(\s*[\"'](postgresql|sqlite)"              # url.startswith("sqlite")
    r"|\bget_backend_name\b|\bdrivername\b"
)


def service_modules():
    for package in sorted(path for path in SERVICES.glob("*/*") if (path / "__init__.py").exists()):
        yield from sorted(package.rglob("*.py"))


def offences(text: str) -> list[str]:
    return [f"{number}: {line.strip()}" for number, line in enumerate(text.splitlines(), 1) if ASKING.search(line)]


@pytest.mark.parametrize("line", [
    'if session.get_bind().dialect.name == "postgresql":',
    "if db.is_sqlite:",
    "from sqlalchemy.dialects.postgresql import JSONB",
    "from sqlalchemy.dialects import postgresql",
    '_BIDDERS = {"postgresql": a, "sqlite": b}',
    'if name != "sqlite":',
    'if engine.url.get_backend_name() in ("postgresql", "mysql"):',
    'embedded = settings.database_url.startswith("sqlite")',
])
def test_the_check_sees_a_service_asking(line):
    assert offences(line)


def test_the_check_lets_dialect_options_and_prose_be():
    assert not offences('Index("uq_x", "a", postgresql_where=text("b IS NULL"), sqlite_where=text("b IS NULL"))')
    assert not offences("# the embedded SQLite file and PostgreSQL read the same")


def test_the_services_have_modules_to_check():
    assert {path.parts[len(SERVICES.parts)] for path in service_modules()} == {
        "intake", "lettings", "notifications", "sustainment"}


@pytest.mark.parametrize("module", list(service_modules()), ids=lambda path: str(path.relative_to(SERVICES)))
def test_no_service_module_branches_on_the_database(module):
    assert offences(module.read_text()) == [], "ask the kernel (casework.numbering, casework.portable) instead"
