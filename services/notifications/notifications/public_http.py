"""HTTP to public addresses only: a name is resolved once, every address it resolves to is
checked, and the connection is made to a checked address.

Checking a name and then letting the HTTP client resolve it again leaves a window: a name
whose DNS answers a public address the first time and an internal one the second (DNS
rebinding) would have a webhook delivered inside the council's network. Here the address
connected to is the address checked, so nothing reaches an internal address, not even a TCP
handshake. TLS still checks the certificate against the name in the URL.

Used for every webhook URL whose host the council has not listed as allowed. A proxy set in
the environment (``HTTPS_PROXY``) is used as before and resolves the name itself.
"""

from __future__ import annotations

import ipaddress
import socket

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection


def private(host: str) -> bool:
    """Whether ``host``, an address in any spelling the resolver accepts, is not a public one."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        # Numeric spellings the resolver also accepts ("2130706433", "0x7f000001", "127.1")
        # name an address too: read them as the C library would.
        try:
            address = ipaddress.ip_address(socket.inet_aton(host))
        except OSError:
            return False
    return address.is_private or address.is_loopback or address.is_link_local or address.is_reserved \
        or address.is_unspecified or address.is_multicast


class PrivateAddress(NewConnectionError):
    """The name resolves to a private, loopback, link-local or otherwise internal address."""


class _PublicOnly:
    """Mixed into urllib3's connections in place of their ``_new_conn``."""

    host: str
    port: int
    timeout: float | None
    source_address: tuple[str, int] | None
    socket_options: list | None

    def _new_conn(self) -> socket.socket:
        try:
            infos = socket.getaddrinfo(self.host, self.port, 0, socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise NameResolutionError(self.host, self, exc) from exc
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        if not addresses or any(private(address) for address in addresses):
            raise PrivateAddress(self, f"{self.host} resolves to a private address")
        failure: OSError | None = None
        for address in addresses:
            try:
                return connection.create_connection((address, self.port), self.timeout,
                                                    source_address=self.source_address,
                                                    socket_options=self.socket_options)
            except TimeoutError as exc:
                raise ConnectTimeoutError(self, f"Connection to {self.host} timed out.") from exc
            except OSError as exc:
                failure = exc
        raise NewConnectionError(self, f"Failed to establish a new connection: {failure}") from failure


class _PublicHTTPConnection(_PublicOnly, HTTPConnection):
    pass


class _PublicHTTPSConnection(_PublicOnly, HTTPSConnection):
    pass


class _PublicHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _PublicHTTPConnection


class _PublicHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _PublicHTTPSConnection


class _PublicAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _PublicHTTPConnectionPool,
                                                   "https": _PublicHTTPSConnectionPool}


def session() -> requests.Session:
    """A requests session that connects to public addresses only."""
    public = requests.Session()
    adapter = _PublicAdapter()
    public.mount("http://", adapter)
    public.mount("https://", adapter)
    return public


def refused_as_private(error: requests.RequestException) -> bool:
    """Whether ``error`` is a connection refused here for a private address."""
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(reason, PrivateAddress)
