"""Database URLs as the services accept them, read in one place.

A PostgreSQL URL may name one server or several (a primary and its standbys), in any of the
forms libpq and SQLAlchemy document; the services connect to whichever answers as asked
(``target_session_attrs=read-write``: the primary)::

    postgresql://user@db1:5432,db2:5432/intake?target_session_attrs=read-write     libpq's URI
    postgresql://user@/intake?host=db1,db2&port=5432,5432&target_session_attrs=…   libpq's keywords
    postgresql://user@/intake?host=db1:5432&host=db2:5432&target_session_attrs=…   SQLAlchemy's

``engine_url`` turns any of them into the URL SQLAlchemy's psycopg dialect is given,
``conninfo`` into what ``psycopg.connect`` takes, and ``with_database`` names another database
on the same servers (an admin connection to ``postgres``, a test's database) in the form given.
"""

from __future__ import annotations

from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit

from sqlalchemy.engine import URL, make_url

_SCHEMES = {"postgresql": "postgresql+psycopg", "postgres": "postgresql+psycopg"}


def engine_url(url: str) -> URL:
    """The SQLAlchemy URL for a database URL: PostgreSQL's through psycopg 3, several hosts
    in the netloc (libpq's URI) moved to ``host=``/``port=`` query parameters, which SQLAlchemy
    reads (its own parser takes ``h1:5432,h2:5432`` for one host with a bad port)."""
    parts = urlsplit(url)
    if parts.scheme not in _SCHEMES and not parts.scheme.startswith("postgresql+"):
        return make_url(url)
    userinfo, _, hosts = parts.netloc.rpartition("@")
    if "," in hosts:
        if any(key in ("host", "port") for key, _ in parse_qsl(parts.query)):
            raise ValueError("a database URL names its hosts either before the path or in host=, not both")
        names, ports = zip(*(_host_and_port(host) for host in hosts.split(",")), strict=True)
        query = parts.query + ("&" if parts.query else "") + urlencode({"host": ",".join(names),
                                                                          "port": ",".join(ports)}, safe=",")
        parts = parts._replace(netloc=f"{userinfo}@" if userinfo else "", query=query)
    return make_url(_joined(parts._replace(scheme=_SCHEMES.get(parts.scheme, parts.scheme))))


def conninfo(url: str) -> str:
    """What ``psycopg.connect`` takes for a database URL in any of the forms above."""
    from psycopg.conninfo import make_conninfo
    from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg

    _, params = PGDialect_psycopg().create_connect_args(engine_url(url))
    return make_conninfo("", **params)


def with_database(url: str, name: str) -> str:
    """``url`` naming database ``name`` on the same server or servers, in the same form."""
    return _joined(urlsplit(url)._replace(path=f"/{name}"))


def database_name(url: str) -> str:
    """The database a URL names."""
    return urlsplit(url).path.lstrip("/")


def _joined(parts: SplitResult) -> str:
    # urlunsplit would drop the "//" of a URL with no host before its path ("postgresql:///intake?host=…").
    return f"{parts.scheme}://{parts.netloc}{parts.path}" + (f"?{parts.query}" if parts.query else "") \
        + (f"#{parts.fragment}" if parts.fragment else "")


def _host_and_port(host: str) -> tuple[str, str]:
    # "db1:5432", "db1" (the default port), "[::1]:5432".
    if host.startswith("["):
        name, _, rest = host[1:].partition("]")
        return name, rest.lstrip(":")
    name, _, port = host.partition(":")
    return name, port
