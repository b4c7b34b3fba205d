"""Races on purpose: calls started together, each in its own thread."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any


def at_once(*calls: Callable[[], Any], timeout: float = 30.0) -> list[Any]:
    """Run ``calls`` each in its own thread, released together by a barrier; their results in order.

    A call that raises re-raises here. Each call should use its own client (and so its own
    request, database session and connection), so the race is between real transactions.
    """
    barrier = threading.Barrier(len(calls), timeout=timeout)

    def run(call: Callable[[], Any]) -> Any:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(run, call) for call in calls]
        return [future.result(timeout=timeout) for future in futures]
