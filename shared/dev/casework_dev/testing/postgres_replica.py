"""A PostgreSQL primary and its streaming standby, started by a test on loopback, to fail over.

Each server has its own port and data directory under a temporary folder; the machine's own
server is not touched. The standby is made with ``pg_basebackup -R`` and replicates
synchronously (``synchronous_standby_names = '*'``), as a managed PostgreSQL with high
availability does: a commit the primary acknowledged is on the standby too, so failing over
loses nothing a caller was told was saved. PostgreSQL refuses to run as root: when the test
runs as root the servers run as the ``postgres`` user, who owns the folder::

    with ReplicatedPostgres() as pair:
        url = pair.url("postgres")          # both servers, target_session_attrs=read-write
        pair.stop_primary()                 # pg_ctl stop -m immediate: as if the machine died
        pair.promote_standby()              # pg_ctl promote: the standby takes writes
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

from ..processes import free_ports


def _server_programs() -> Path:
    # CASEWORK_POSTGRES_BIN, else Debian's PostgreSQL 15, else the newest version Debian installed.
    if os.environ.get("CASEWORK_POSTGRES_BIN"):
        return Path(os.environ["CASEWORK_POSTGRES_BIN"])
    debian = Path("/usr/lib/postgresql")
    found = sorted((p for p in debian.glob("*/bin") if p.parent.name.isdigit()), key=lambda p: int(p.parent.name))
    preferred = debian / "15" / "bin"
    return preferred if preferred.exists() or not found else found[-1]


#: Where the server programs are (initdb, pg_ctl, pg_basebackup).
BIN = _server_programs()

# Small and quick to start: tests write little. fsync stays on, as in production.
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "max_connections": "200",
    "shared_buffers": "16MB",
    "wal_level": "replica",
    "max_wal_senders": "4",
    "hot_standby": "on",
    "synchronous_standby_names": "'*'",
    "wal_sender_timeout": "5s",
    "wal_receiver_status_interval": "1s",
    "log_min_messages": "warning",
}


class CannotStart(RuntimeError):
    """The servers could not be made or started (no PostgreSQL programs, no ``postgres`` user, …)."""


class Server:
    """One PostgreSQL server: its data directory, port and log."""

    def __init__(self, name: str, root: Path, port: int, as_user: list[str]) -> None:
        self.name = name
        self.data = root / name
        self.port = port
        self.log = root / f"{name}.log"
        self._as_user = as_user

    def run(self, program: str, *args: str, timeout: float = 60) -> str:
        try:
            done = subprocess.run([*self._as_user, str(BIN / program), *args], capture_output=True, text=True,
                                  timeout=timeout, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise CannotStart(f"{program} {' '.join(args)}: {exc}") from exc
        if done.returncode != 0:
            raise CannotStart(f"{program} {' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
                              f"\n{self.log_tail()}")
        return done.stdout

    def configure(self, **settings: str) -> None:
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())

    def start(self) -> None:
        self.run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data), "-l", str(self.log))

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "stop", "-w", "-m", mode, "-D", str(self.data))

    @property
    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def query(self, sql: str) -> list[tuple]:
        with psycopg.connect(self.url(), autocommit=True, connect_timeout=3) as conn:
            return conn.execute(sql).fetchall()

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


class ReplicatedPostgres:
    """A primary and a synchronous streaming standby on loopback, in a temporary folder."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="casework-pg-pair-"))
        as_user: list[str] = []
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise CannotStart("running as root, and there is no postgres user to run PostgreSQL as") from exc
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
            as_user = ["runuser", "-u", "postgres", "--"]
        primary_port, standby_port = free_ports(2)
        self.primary = Server("primary", self.root, primary_port, as_user)
        self.standby = Server("standby", self.root, standby_port, as_user)
        self.promoted_at: float | None = None

    def start(self) -> ReplicatedPostgres:
        """initdb the primary and start it; copy it with pg_basebackup -R and start the standby;
        wait until the standby streams synchronously."""
        if not (BIN / "initdb").exists():
            raise CannotStart(f"no PostgreSQL server programs in {BIN} (set CASEWORK_POSTGRES_BIN)")
        primary, standby = self.primary, self.standby
        primary.run("initdb", "-D", str(primary.data), "-U", "postgres", "--auth=trust", "--no-sync",
                    "--encoding=UTF8", "--locale=C")
        primary.configure(port=str(primary.port), unix_socket_directories=f"'{self.root}'", **SETTINGS)
        primary.start()
        standby.run("pg_basebackup", "-D", str(standby.data), "-h", "127.0.0.1", "-p", str(primary.port),
                    "-U", "postgres", "-R", "-X", "stream", "-c", "fast", "--no-sync")
        # The standby's own port; and once promoted it has no standby of its own to wait for.
        standby.configure(port=str(standby.port), synchronous_standby_names="''")
        standby.start()
        self._wait_for_streaming()
        return self

    def _wait_for_streaming(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.primary.query("SELECT 1 FROM pg_stat_replication WHERE state = 'streaming' "
                                  "AND sync_state = 'sync'"):
                return
            time.sleep(0.1)
        raise CannotStart(f"the standby did not stream within {timeout}s:\n{self.standby.log_tail()}")

    def url(self, database: str = "postgres", *, connect_timeout: int = 2) -> str:
        """Both servers in one URL, primary first: a connection goes to whichever takes writes."""
        return (f"postgresql://postgres@/{database}?host=127.0.0.1:{self.primary.port}"
                f"&host=127.0.0.1:{self.standby.port}&target_session_attrs=read-write"
                f"&connect_timeout={connect_timeout}")

    def stop_primary(self) -> float:
        """Stop the primary at once, with no shutdown checkpoint (as if its machine died); returns when."""
        self.primary.stop("immediate")
        return time.monotonic()

    def promote_standby(self) -> float:
        """Promote the standby and wait until it takes writes; returns when it did."""
        self.standby.run("pg_ctl", "promote", "-w", "-t", "60", "-D", str(self.standby.data))
        self.promoted_at = time.monotonic()
        return self.promoted_at

    def close(self) -> None:
        """Stop both servers and remove their folder."""
        for server in (self.primary, self.standby):
            if server.running:
                try:
                    server.stop("immediate")
                except CannotStart:
                    pass
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> ReplicatedPostgres:
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(self, *exc) -> None:
        self.close()
