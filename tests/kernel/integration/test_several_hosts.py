"""A database URL naming several servers (a primary and its standbys): every place that reads one.

The URL names a port nobody listens on first and the test server second, with
``target_session_attrs=read-write``, as a service is given a failed primary and the promoted
standby: each connection goes on to the server that answers as a primary.
"""

import psycopg
import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.engine import make_url

from casework import cli
from casework.database_url import conninfo, database_name
from casework.db import Database, create_database, drop_database, ensure_database
from casework_dev.processes import free_port


@pytest.fixture(scope="module")
def several_hosts(postgres_url) -> str:
    live = make_url(postgres_url)
    return (f"postgresql://{live.username}@/postgres?host=127.0.0.1:{free_port()}&host={live.host}:{live.port or 5432}"
            "&target_session_attrs=read-write&connect_timeout=3")


@pytest.fixture
def database(several_hosts):
    url = create_database(several_hosts, prefix="cw_hosts")
    yield url
    drop_database(url)
    with psycopg.connect(conninfo(several_hosts), autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM pg_database WHERE datname = %s", (database_name(url),)).fetchone()[0] == 0


def test_a_database_is_created_and_reached_through_a_url_naming_several_servers(database):
    db = Database(database)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT current_database()")).scalar() in database
        assert conn.execute(text("SELECT NOT pg_is_in_recovery()")).scalar()
        # The URL's own connect_timeout is kept (the default is 5 s).
        assert conn.connection.driver_connection.info.get_parameters()["connect_timeout"] == "3"
    db.dispose()


@pytest.mark.parametrize("form", ["libpq URI", "libpq keywords", "SQLAlchemy"])
def test_each_form_of_several_hosts_reaches_the_server_that_takes_writes(postgres_url, form):
    live, dead = make_url(postgres_url), free_port()
    host, port, user = live.host, live.port or 5432, live.username
    url = {"libpq URI": f"postgresql://{user}@127.0.0.1:{dead},{host}:{port}/postgres?target_session_attrs=read-write",
           "libpq keywords": f"postgresql://{user}@/postgres?host=127.0.0.1,{host}&port={dead},{port}"
                             "&target_session_attrs=read-write",
           "SQLAlchemy": f"postgresql://{user}@/postgres?host=127.0.0.1:{dead}&host={host}:{port}"
                         "&target_session_attrs=read-write"}[form]
    db = Database(url)
    with db.engine.connect() as conn:
        assert conn.connection.driver_connection.info.port == port
    db.dispose()
    with psycopg.connect(conninfo(url)) as conn:
        assert conn.info.port == port


def test_an_existing_database_is_found_again_through_such_a_url(database, several_hosts):
    assert ensure_database(several_hosts, database_name(database)) == database


def test_casework_migrate_brings_such_a_database_to_head(database):
    result = CliRunner().invoke(cli.main, ["migrate", "--service", "notifications"],
                                env={"CASEWORK_NOTIFICATIONS_DATABASE_URL": database})
    assert result.exit_code == 0, result.output
    with psycopg.connect(conninfo(database)) as conn:
        assert conn.execute("SELECT count(*) FROM alembic_version").fetchone()[0] == 1
