"""Starting and stopping the real processes a benchmark measures (gunicorn, workers)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil

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


def start(args: list[str], env: dict[str, str], port: int | None = None) -> subprocess.Popen:
    proc = subprocess.Popen(args, env={**os.environ, **env}, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    if port is not None:
        wait_for_port(port)
    return proc


def gunicorn(service_conf: str, port: int, env: dict[str, str], app: list[str] | None = None) -> subprocess.Popen:
    """gunicorn with the service's own settings file, bound to a loopback port."""
    args = [str(BIN / "gunicorn"), "-c", str(ROOT / service_conf), *(app or [])]
    return start(args, {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}, port)


def rss_mb(proc: subprocess.Popen) -> dict[str, float]:
    """Resident memory of a process and its children (gunicorn's workers), in MB."""
    parent = psutil.Process(proc.pid)
    found = {"master" if parent.children() else "process": round(parent.memory_info().rss / 2**20, 1)}
    for i, child in enumerate(parent.children()):
        found[f"worker_{i}"] = round(child.memory_info().rss / 2**20, 1)
    return found


def cpu_seconds(system_processes: dict) -> dict[str, float]:
    """CPU used so far by each of a system's processes (``casework_dev.system.Process`` by name, with
    gunicorn's workers), PostgreSQL, RabbitMQ and this benchmark (the load generator), in seconds."""
    found: dict[str, float] = {}

    def used(process: psutil.Process) -> float:
        times = process.cpu_times()
        return times.user + times.system

    for name, process in system_processes.items():
        try:
            parent = psutil.Process(process.pid)
            found[name] = used(parent) + sum(used(child) for child in parent.children(recursive=True))
        except (psutil.Error, TypeError):
            continue
    for label, names in (("postgresql", ("postgres",)), ("rabbitmq", ("beam.smp", "erl_child_setup"))):
        total = 0.0
        for process in psutil.process_iter(["name"]):
            try:
                if process.info["name"] in names:
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
