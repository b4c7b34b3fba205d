"""Starting and stopping the real processes a benchmark measures (gunicorn, workers)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

import psutil
from common import BROKER, POSTGRES

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listening on {port}")


def wait_for_answer(port: int, timeout: float = 180.0) -> None:
    """Until an HTTP answer comes back (any status: a worker has booted), not only the port open.
    On a loaded machine gunicorn's workers took longer to import the app than a 12 s run lasted,
    and a run measured nothing."""
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no HTTP answer on {port} after {timeout:.0f} s") from None
            time.sleep(0.2)


def start(args: list[str], env: dict[str, str], port: int | None = None, *, log: Path | None = None) -> subprocess.Popen:
    """A process in its own session; its output to ``log`` when given, else dropped."""
    output = open(log, "ab") if log is not None else subprocess.DEVNULL  # noqa: SIM115 - the child owns it
    try:
        proc = subprocess.Popen(args, env={**os.environ, **env}, cwd=ROOT, stdout=output,
                                stderr=subprocess.STDOUT, start_new_session=True)
    finally:
        if log is not None:
            output.close()
    if port is not None:
        wait_for_port(port)
    return proc


def gunicorn(service_conf: str, port: int, env: dict[str, str], app: list[str] | None = None, *,
             log: Path | None = None) -> subprocess.Popen:
    """gunicorn with the service's own settings file, bound to a loopback port."""
    from casework_dev.processes import gunicorn_has_control_socket

    args = [str(BIN / "gunicorn"), "-c", str(ROOT / service_conf), *(app or [])]
    if gunicorn_has_control_socket():  # one fixed path per user: two masters at once would fight over it
        args.append("--no-control-socket")
    proc = start(args, {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}, log=log)
    try:
        wait_for_port(port)
        wait_for_answer(port)
    except BaseException:
        stop(proc)
        raise
    return proc


def rss_mb(proc: subprocess.Popen) -> dict[str, float]:
    """Resident memory of a process and its children (gunicorn's workers), in MB."""
    parent = psutil.Process(proc.pid)
    found = {"master" if parent.children() else "process": round(parent.memory_info().rss / 2**20, 1)}
    for i, child in enumerate(parent.children()):
        found[f"worker_{i}"] = round(child.memory_info().rss / 2**20, 1)
    return found


#: A PostgreSQL backend's or autovacuum worker's title names its database:
#: ``postgres: 15/main: postgres cw_bench_x 127.0.0.1(5432) idle``, ``… autovacuum worker cw_bench_x``.
_BACKEND = re.compile(r"postgres: (?:\S+: )?(?:autovacuum worker (\S+)|\S+ (\S+) (?:\S+\(\d+\)|\[local\]))")


def serves(process: psutil.Process, databases: set[str] | None) -> bool:
    """Whether a PostgreSQL process works for these databases: its backends and autovacuum
    workers, and the server's own processes (WAL writer, checkpointer…) that serve every
    database; not the backends of other databases (the machine's server is shared)."""
    if databases is None:
        return True
    found = _BACKEND.match(" ".join(process.cmdline()))
    return found is None or (found.group(1) or found.group(2)) in databases


def listening(port: int) -> psutil.Process | None:
    """The process listening on a loopback TCP port (the machine's PostgreSQL or RabbitMQ, not the
    other servers of the same name that tests start and stop beside them)."""
    for conn in psutil.net_connections(kind="tcp"):
        if conn.status == psutil.CONN_LISTEN and conn.laddr.port == port and conn.pid:
            return psutil.Process(conn.pid)
    return None


def cpu_seconds(system_processes: dict, databases: Iterable[str] | None = None) -> dict[str, float]:
    """CPU used so far by each of a system's processes (``casework_dev.system.Process`` or a Popen by
    name, with gunicorn's workers), the PostgreSQL server at POSTGRES (its processes that serve
    ``databases`` when given), the RabbitMQ node at BROKER and this benchmark (the load
    generator), in seconds."""
    found: dict[str, float] = {}
    databases = set(databases) if databases is not None else None

    def used(process: psutil.Process) -> float:
        times = process.cpu_times()
        return times.user + times.system

    for name, process in system_processes.items():
        try:
            parent = psutil.Process(process.pid)
            found[name] = used(parent) + sum(used(child) for child in parent.children(recursive=True))
        except (psutil.Error, TypeError):
            continue
    for label, url in (("postgresql", POSTGRES), ("rabbitmq", BROKER)):
        server = listening(urlsplit(url).port or (5432 if label == "postgresql" else 5672))
        if server is None:
            continue
        total = 0.0
        for process in [server, *server.children(recursive=True)]:
            try:
                if label != "postgresql" or serves(process, databases):
                    total += used(process)
            except psutil.Error:
                continue
        found[label] = total
    found["load_generator"] = used(psutil.Process())
    return found


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
