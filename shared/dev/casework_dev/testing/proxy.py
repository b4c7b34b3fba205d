"""A cuttable TCP proxy, to take a server away from one test's clients only."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit, urlunsplit

from casework.bus.connection import broker_addresses


class TcpProxy:
    """A local TCP proxy in front of a server, which a test can cut and restore.

    ``cut()`` closes every connection through it and refuses new ones, as a broker or
    database going away does; ``restore()`` lets connections through again. Only this
    test's clients are affected, not other users of the same server.
    """

    def __init__(self, target_host: str, target_port: int, *others: tuple[str, int]) -> None:
        import threading

        # Several targets (a broker cluster's nodes): each connection goes to the first that answers,
        # as through a load balancer in front of the cluster.
        self.targets = [(target_host, target_port), *others]
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.open = True
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._stopped = False
        threading.Thread(target=self._accept, daemon=True, name="tcp-proxy").start()

    @classmethod
    def for_broker(cls, broker_url: str, default_port: int = 5672) -> TcpProxy:
        """A proxy in front of every node a broker URL names (one, or a ``;``-separated list)."""
        nodes = [urlsplit(address) for address in broker_addresses(broker_url)]
        first, *others = [(node.hostname or "127.0.0.1", node.port or default_port) for node in nodes]
        return cls(*first, *others)

    def url_for(self, url: str) -> str:
        """``url`` (its first address, for a list) with its host and port replaced by the proxy's."""
        parts = urlsplit(broker_addresses(url)[0] if ";" in url else url)
        netloc = parts.netloc.rsplit("@", 1)
        userinfo = netloc[0] + "@" if len(netloc) == 2 else ""
        return urlunsplit((parts.scheme, f"{userinfo}127.0.0.1:{self.port}", parts.path, parts.query, parts.fragment))

    def _accept(self) -> None:
        import threading

        while not self._stopped:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.open:
                client.close()
                continue
            upstream = self._connect_upstream()
            if upstream is None:
                client.close()
                continue
            with self._lock:
                self._sockets.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _connect_upstream(self) -> socket.socket | None:
        for target in self.targets:
            try:
                upstream = socket.create_connection(target, timeout=5)
            except OSError:
                continue
            upstream.settimeout(None)
            return upstream
        return None

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            with self._lock:
                self._sockets.discard(source)
                self._sockets.discard(sink)

    def cut(self) -> None:
        self.open = False
        with self._lock:
            sockets = list(self._sockets)
        for s in sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def restore(self) -> None:
        self.open = True

    def close(self) -> None:
        self._stopped = True
        self.cut()
        self.listener.close()
