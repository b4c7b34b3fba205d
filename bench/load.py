"""A bounded, self-stopping HTTP load generator for loopback servers (threads + http.client).

Closed loop: ``clients`` threads each keep one connection open and send the next request as
soon as the last is answered, for ``seconds``. Or open loop at a fixed ``rate``: requests are
started on a schedule whatever the answers, and latency counts from the scheduled time (so a
server that falls behind shows it, rather than the generator slowing down to suit it).
"""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Result:
    seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0

    def figures(self) -> dict:
        lat = sorted(self.latencies)
        ok = sum(n for s, n in self.statuses.items() if s < 400)

        def pct(p: float) -> float | None:
            return round(lat[min(len(lat) - 1, int(len(lat) * p))] * 1000, 2) if lat else None

        return {"requests": len(lat), "ok": ok, "errors": self.errors, "statuses": self.statuses,
                "throughput_per_s": round(ok / self.seconds, 1), "p50_ms": pct(0.50), "p95_ms": pct(0.95),
                "p99_ms": pct(0.99), "mean_ms": round(statistics.fmean(lat) * 1000, 2) if lat else None}


def _connection(port: int) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", port, timeout=30)


def closed_loop(port: int, make: Callable[[int], tuple[str, str, bytes, dict]], *, clients: int,
                seconds: float, warmup: float = 1.0) -> Result:
    """As many requests as ``clients`` keep-alive connections can make in ``seconds``."""
    result = Result(seconds=seconds)
    lock = threading.Lock()
    start = time.monotonic() + warmup
    stop = start + seconds

    def client(n: int) -> None:
        conn, i = _connection(port), 0
        while True:
            now = time.monotonic()
            if now >= stop:
                break
            method, path, body, headers = make(n * 1_000_000 + i)
            i += 1
            t0 = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = _connection(port)
                status = None
            elapsed = time.perf_counter() - t0
            if now < start:
                continue
            with lock:
                if status is None:
                    result.errors += 1
                else:
                    result.latencies.append(elapsed)
                    result.statuses[status] = result.statuses.get(status, 0) + 1
        conn.close()

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + warmup + 60)
    return result


def open_loop(port: int, make: Callable[[int], tuple[str, str, bytes, dict]], *, rate: float, seconds: float,
              workers: int = 48, on_answer: Callable[[int, int, bytes, float], None] | None = None) -> Result:
    """Requests started at a fixed ``rate`` for ``seconds``; latency counts from the scheduled start.

    ``on_answer(n, status, body, scheduled_at_wall)`` sees each answer (e.g. to note the id made).
    """
    import queue

    result = Result(seconds=seconds)
    lock = threading.Lock()
    due: queue.Queue = queue.Queue()
    total = int(rate * seconds)
    start = time.monotonic() + 0.2
    wall_offset = time.time() - time.monotonic()

    def worker() -> None:
        conn = _connection(port)
        while True:
            n = due.get()
            if n is None:
                break
            scheduled = start + n / rate
            delay = scheduled - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            method, path, body, headers = make(n)
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = _connection(port)
                status, payload = None, b""
            elapsed = time.monotonic() - scheduled
            with lock:
                if status is None:
                    result.errors += 1
                else:
                    result.latencies.append(elapsed)
                    result.statuses[status] = result.statuses.get(status, 0) + 1
            if status is not None and on_answer is not None:
                on_answer(n, status, payload, scheduled + wall_offset)
        conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(workers)]
    for t in threads:
        t.start()
    for n in range(total):
        due.put(n)
    for _ in threads:
        due.put(None)
    for t in threads:
        t.join(seconds + 120)
    return result
