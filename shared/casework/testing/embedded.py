"""The whole system as `make run` runs it, for end-to-end tests: ``casework run`` in a subprocess."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
from pathlib import Path

from .servers import TEST_SECRET, wait_until


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_offset() -> int:
    """A port offset that moves every installed service's standard port to a free one."""
    from casework.service import installed

    ports = [service.port for service in installed().values()]
    # Below the ephemeral range (32768+), where outgoing connections would take ports too.
    return next(o for o in (random.randrange(2000, 20000, 10) for _ in range(50)) if all(_free(p + o) for p in ports))


class EmbeddedSystem:
    """``casework run`` in a subprocess: every service on its SQLite file under ``directory``
    and the in-process broker, on the standard ports moved by ``offset`` (by default one that
    finds them free).

    It offers what a journey needs of ``casework.system.System``: ``urls()``, ``jwt_secret``
    and ``logs()``; ``stop()`` sends Ctrl-C and returns the exit code.
    """

    def __init__(self, directory: Path, *, jwt_secret: str = TEST_SECRET, offset: int | None = None,
                 env: dict[str, str] | None = None) -> None:
        from casework.service import installed

        self.directory = Path(directory)
        self.data_dir = self.directory / "data"
        self.log_path = self.directory / "casework-run.log"
        self.jwt_secret = jwt_secret
        self.ports = {name: service.port for name, service in installed().items()}
        self.env = {"CASEWORK_RETRY_DELAYS": "1,2", "CASEWORK_RELAY_POLL_SECONDS": "0.2",
                    "CASEWORK_TIMER_POLL_SECONDS": "0.2", **(env or {})}
        self.chosen_offset = offset
        self.offset = offset or 0
        self.process: subprocess.Popen | None = None

    def urls(self) -> dict[str, str]:
        """Every service's base URL, by name."""
        return {name: f"http://127.0.0.1:{port + self.offset}" for name, port in self.ports.items()}

    def start(self, timeout: float = 60) -> EmbeddedSystem:
        """Start ``casework run`` and wait until it says it is ready (its directory seeded)."""
        self.offset = free_offset() if self.chosen_offset is None else self.chosen_offset
        # Nothing from the caller's CASEWORK_* settings (their database or broker, say).
        env = {k: v for k, v in os.environ.items() if not k.startswith("CASEWORK_")}
        env |= {"CASEWORK_JWT_SECRET": self.jwt_secret, "PYTHONUNBUFFERED": "1", **self.env}
        before = self.log_path.stat().st_size if self.log_path.exists() else 0  # a restart appends
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "casework.cli", "run", "--data-dir", str(self.data_dir),
                 "--port-offset", str(self.offset)], env=env, stdout=log, stderr=subprocess.STDOUT)
        # The welcome is printed once the directory is seeded: ready to use, not merely listening.
        wait_until(lambda: self.process.poll() is not None or b"Press Ctrl-C" in self.log_path.read_bytes()[before:],
                   timeout=timeout, interval=0.2, message="casework run to be ready")
        if self.process.poll() is not None:
            raise RuntimeError(f"casework run exited with {self.process.returncode}:\n{self.logs(60)}")
        return self

    def stop(self, timeout: float = 20) -> int | None:
        """Ctrl-C, as a person stops it; the exit code (None if it had to be killed)."""
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return None

    def logs(self, lines: int = 30) -> str:
        """The end of ``casework run``'s output (for a failing test's report)."""
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""
        return "--- casework run\n" + "\n".join(text.splitlines()[-lines:])

    def __enter__(self) -> EmbeddedSystem:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
