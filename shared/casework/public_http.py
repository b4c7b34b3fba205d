"""HTTP to public addresses only: a name is resolved once, every address it resolves to is
checked, and the connection is made to a checked address.

Checking a name and then letting the HTTP client resolve it again leaves a window: a name
whose DNS answers a public address the first time and an internal one the second (DNS
rebinding) would have a webhook delivered inside the council's network. Here the address
connected to is the address checked, so nothing reaches an internal address, not even a TCP
handshake. TLS still checks the certificate against the name in the URL.

Used for every webhook URL whose host the council has not listed as allowed (notifications'
subscriptions, sustainment's agencies). A proxy set in the environment (``HTTPS_PROXY``) is used
as before and resolves the name itself.

A webhook URL must be https (not to a private, loopback or link-local address) or http to a host in
``CASEWORK_WEBHOOK_ALLOWED_HTTP_HOSTS`` (default: none; a developer sets ``127.0.0.1,localhost``),
which also allows those hosts over https (``url_problem``).
"""

from __future__ import annotations

import ipaddress
import os
import socket
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection


def private(host: str) -> bool:
    """Whether ``host``, an address in any spelling the resolver accepts, is not a public one.

    Public means globally routable: ``is_global`` (which leaves out the shared address space
    100.64.0.0/10 that cloud metadata services live in, besides the private ranges), not
    multicast, and, for an IPv6 address that carries an IPv4 one (6to4, NAT64, Teredo, mapped
    or compatible), that IPv4 address public too: 2002:a9fe:a9fe:: reaches 169.254.169.254
    through any 6to4 relay. A name (not an address) is not judged here.
    """
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        # Numeric spellings the resolver also accepts ("2130706433", "0x7f000001", "127.1")
        # name an address too: read them as the C library would.
        try:
            address = ipaddress.ip_address(socket.inet_aton(host))
        except OSError:
            return False
    return not _globally_routable(address)


#: IPv6 prefixes that carry an IPv4 address in their last 32 bits: NAT64's well-known prefix
#: (RFC 6052) and the deprecated IPv4-compatible addresses.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_COMPATIBLE = ipaddress.IPv6Network("::/96")
#: Not global, though Python 3.11's ``is_global`` says it is: NAT64 for local use (RFC 8215).
_LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")


def _globally_routable(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if not address.is_global or address.is_multicast:
        return False
    if isinstance(address, ipaddress.IPv4Address):
        return True
    if address in _LOCAL_NAT64:
        return False
    return all(_globally_routable(inner) for inner in _carried(address))


def _carried(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries, for 6to4, Teredo, NAT64, mapped and compatible forms."""
    carried: list[ipaddress.IPv4Address] = []
    if address.ipv4_mapped is not None:
        carried.append(address.ipv4_mapped)
    if address.sixtofour is not None:
        carried.append(address.sixtofour)
    if address.teredo is not None:
        carried.extend(address.teredo)  # the Teredo server and the client behind its NAT
    if address in _NAT64 or address in _COMPATIBLE:
        carried.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return carried


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


def allowed_http_hosts() -> set[str]:
    """The hosts the council lists as reachable however they resolve (``CASEWORK_WEBHOOK_ALLOWED_HTTP_HOSTS``)."""
    raw = os.environ.get("CASEWORK_WEBHOOK_ALLOWED_HTTP_HOSTS", "")
    return {host.strip().lower() for host in raw.split(",") if host.strip()}


def url_problem(url: str, allowed: set[str]) -> str | None:
    """Why a URL may not receive webhooks, or None when it may."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host or parts.scheme not in ("https", "http"):
        return "Use an https:// URL."
    if host in allowed:
        return None
    if parts.scheme == "http":
        return "Use https:// (plain http is allowed only to the hosts the council lists)."
    if host == "localhost" or private(host):
        return "The URL may not point at a private, loopback or link-local address."
    return None


def post(url: str, **kwargs) -> requests.Response:
    """POST to ``url``: directly to a host the council lists, else through a public-only session."""
    host = (urlsplit(url).hostname or "").lower()
    return (requests.post if host in allowed_http_hosts() else _PUBLIC.post)(url, **kwargs)


_PUBLIC = session()
