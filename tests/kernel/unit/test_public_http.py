"""casework.public_http: a webhook's name is resolved once, and only a public address is
connected to. Real HTTP servers on loopback addresses; the name's DNS answers are the test's
(a rebinding attacker's resolver), and 127.0.0.2 stands in for a public address."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from casework import public_http

NAME = "partner.rebind.example"
PUBLIC, INTERNAL = "127.0.0.2", "127.0.0.1"


class Server:
    """An HTTP server on ``address`` that counts the connections it accepts and answers 204."""

    def __init__(self, address: str, port: int = 0) -> None:
        self.connections = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def setup(self):
                server.connections += 1
                super().setup()

            def do_GET(self):  # noqa: N802 - http.server's hook name
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer((address, port), Handler)
        self.port = self.httpd.server_port
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture
def servers():
    """A public and an internal server on the same port (the port a URL names), found by trying:
    a port free on one loopback address may be taken on the other."""
    for _ in range(20):
        public = Server(PUBLIC)
        try:
            internal = Server(INTERNAL, public.port)
            break
        except OSError:
            public.httpd.shutdown()
            public.httpd.server_close()
    else:
        pytest.fail("no port free on both loopback addresses after 20 tries")
    yield public, internal
    for server in (public, internal):
        server.httpd.shutdown()
        server.httpd.server_close()


@pytest.fixture
def resolver(monkeypatch):
    """Answers for NAME in turn (the last one from then on); other names as the system would."""
    answers: list[str] = []
    asked: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host != NAME:
            return real(host, port, *args, **kwargs)
        asked.append(host)
        address = answers.pop(0) if len(answers) > 1 else answers[0]
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port or 0))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(public_http, "private", lambda address: address != PUBLIC)
    return answers, asked


def test_a_public_address_is_connected_to_and_answers(servers, resolver):
    public, internal = servers
    answers, _ = resolver
    answers.append(PUBLIC)
    response = public_http.session().get(f"http://{NAME}:{public.port}/hooks", timeout=5)
    assert response.status_code == 204
    assert (public.connections, internal.connections) == (1, 0)


def test_a_name_that_answers_public_then_internal_is_resolved_once_and_never_reaches_inside(servers, resolver):
    public, internal = servers
    answers, asked = resolver
    answers.extend([PUBLIC, INTERNAL])
    assert public_http.session().get(f"http://{NAME}:{public.port}/hooks", timeout=5).status_code == 204
    assert len(asked) == 1
    assert internal.connections == 0


def test_a_name_that_resolves_to_an_internal_address_is_refused_before_connecting(servers, resolver):
    public, internal = servers
    answers, _ = resolver
    answers.append(INTERNAL)
    with pytest.raises(requests.ConnectionError) as refused:
        public_http.session().get(f"http://{NAME}:{public.port}/hooks", timeout=5)
    assert public_http.refused_as_private(refused.value)
    assert (public.connections, internal.connections) == (0, 0)


@pytest.mark.parametrize("address", ["10.0.0.1", "192.168.1.1", "169.254.169.254", "::1", "fd00::1", "0.0.0.0",
                                     "2130706433", "0x7f000001", "127.1"])
def test_internal_addresses_in_any_spelling_are_private(address):
    assert public_http.private(address)


def test_a_public_address_is_not_private():
    assert not public_http.private("93.184.216.34")


@pytest.mark.parametrize("address", [
    "100.64.0.1", "100.127.255.254",        # shared address space (RFC 6598): cloud metadata, carrier NAT
    "2002:a9fe:a9fe::1",                    # 6to4 carrying 169.254.169.254
    "2002:a00:1::",                         # 6to4 carrying 10.0.0.1
    "2002:7f00:1::",                        # 6to4 carrying 127.0.0.1
    "64:ff9b::a9fe:a9fe", "64:ff9b::10.0.0.1",  # NAT64 carrying metadata and a private address
    "64:ff9b:1::a00:1",                     # NAT64 for local use (RFC 8215)
    "2001:0:4136:e378:8000:63bf:f5ff:fffe",  # Teredo, client 10.0.0.1 (stored inverted)
    "::a00:1",                              # IPv4-compatible 10.0.0.1
    "::ffff:169.254.169.254",               # IPv4-mapped
    "224.0.0.1", "ff0e::1",                 # multicast
    "192.0.2.1", "2001:db8::1", "198.18.0.1",  # documentation and benchmarking ranges
])
def test_addresses_that_are_not_globally_routable_are_private(address):
    assert public_http.private(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946",
                                     "2002:5db8:d822::1", "64:ff9b::93.184.216.34"])
def test_public_addresses_in_any_wrapping_are_public(address):
    assert not public_http.private(address)
