"""Database URLs naming one server or several, in each form libpq and SQLAlchemy document."""

import pytest
from psycopg.conninfo import conninfo_to_dict

from casework.database_url import conninfo, database_name, engine_url, with_database

SEVERAL = [
    "postgresql://casework:s%40cret@db1:5433,db2:5434/intake?target_session_attrs=read-write",   # libpq's URI
    "postgresql://casework:s%40cret@/intake?host=db1,db2&port=5433,5434&target_session_attrs=read-write",
    "postgresql://casework:s%40cret@/intake?host=db1:5433&host=db2:5434&target_session_attrs=read-write",
]


@pytest.mark.parametrize("url", SEVERAL)
def test_every_form_of_several_hosts_reaches_psycopg_as_the_same_servers(url):
    params = conninfo_to_dict(conninfo(url))
    assert (params["host"], params["port"]) == ("db1,db2", "5433,5434")
    assert (params["dbname"], params["user"], params["password"]) == ("intake", "casework", "s@cret")
    assert params["target_session_attrs"] == "read-write"


@pytest.mark.parametrize("url", SEVERAL)
def test_every_form_of_several_hosts_is_a_url_sqlalchemy_can_use(url):
    parsed = engine_url(url)
    assert parsed.drivername == "postgresql+psycopg"
    assert parsed.database == "intake"
    assert parsed.query["target_session_attrs"] == "read-write"


@pytest.mark.parametrize("url", SEVERAL)
def test_another_database_on_the_same_servers_keeps_the_form_given(url):
    admin = with_database(url, "postgres")
    assert database_name(admin) == "postgres"
    assert admin.replace("/postgres", "/intake", 1) == url
    assert conninfo_to_dict(conninfo(admin))["host"] == "db1,db2"


def test_a_url_with_no_host_before_its_path_keeps_its_slashes():
    assert with_database("postgresql:///intake?host=db1:5433&host=db2:5434", "postgres") \
        == "postgresql:///postgres?host=db1:5433&host=db2:5434"


def test_one_server_is_unchanged_but_for_the_driver():
    url = engine_url("postgresql://postgres@127.0.0.1:5432/postgres")
    assert url.render_as_string(hide_password=False) == "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    assert engine_url("postgres://u@h/db").drivername == "postgresql+psycopg"


def test_a_default_port_and_an_ipv6_address_in_the_host_list():
    params = conninfo_to_dict(conninfo("postgresql://u@[::1]:5433,db2/intake"))
    assert (params["host"], params["port"]) == ("::1,db2", "5433,")


def test_hosts_named_twice_over_are_refused():
    with pytest.raises(ValueError, match="either before the path or in host="):
        engine_url("postgresql://u@db1:1,db2:2/intake?host=db3")


def test_sqlite_urls_pass_through():
    assert engine_url("sqlite:///data/intake.db").database == "data/intake.db"
