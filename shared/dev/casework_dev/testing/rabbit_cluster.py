"""A RabbitMQ cluster of three nodes on loopback, from the installed ``rabbitmq-server``, for one test.

Each node has a name of its own (``cw<run>a@localhost``, never the machine's ``rabbit@…``), its own
AMQP and distribution ports and its own data and log folders under ``root``; the nodes share an
Erlang cookie (``$HOME/.erlang.cookie``, ``HOME`` being ``root/home`` for the nodes and for
``rabbitmqctl``) and an ``epmd`` the cluster starts on a port of its own, so the machine's broker
and its ``epmd`` are never touched. The nodes boot at once; then the others stop their broker
(``stop_app``), ``rabbitmqctl join_cluster`` the first and start it again, at once too. (A bare
Erlang node could join before its first boot, but RabbitMQ 3.10 starts distribution only as the
broker boots.) Then a definitions file is imported, so the queues are the quorum queues
production has. ``close()`` stops every process it started and deletes ``root``.

    with RabbitCluster(tmp_path, config=[...], definitions=Path("deploy/rabbitmq/definitions.json")) as cluster:
        cluster.start()
        cluster.url        # amqp://guest:guest@127.0.0.1:<a>//;amqp://…:<b>//;amqp://…:<c>//
        cluster.leaders()  # {"notifications.events": "cw1234abb@localhost", …}
        cluster.crash(node); cluster.restart(node); cluster.stop(node)

Anything that keeps it from starting raises ``ClusterCannotStart`` with the node's log: a test
using it fails. (``NotInstalled``, its kind for a missing ``rabbitmq-server``, lets a test skip
outside CI, as ``casework_dev.testing.unavailable`` does.)
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from casework_dev.processes import free_ports

#: Debian's /usr/sbin wrappers run the tools as the ``rabbitmq`` user when called by root, who could
#: not read this cluster's folders; the scripts they wrap run as whoever calls them.
SCRIPTS = Path("/usr/lib/rabbitmq/bin")
LOOPBACK_ONLY = "-kernel inet_dist_use_interface {127,0,0,1}"


class ClusterCannotStart(RuntimeError):
    """A node did not start or join, or a tool the cluster needs is missing."""


class NotInstalled(ClusterCannotStart):
    """rabbitmq-server (or Erlang's epmd) is not installed on this machine."""


def _tool(name: str) -> str:
    found = SCRIPTS / name if (SCRIPTS / name).exists() else shutil.which(name)
    if not found:
        raise NotInstalled(f"{name} is not installed (Debian: apt-get install rabbitmq-server)")
    return str(found)


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@dataclass
class RabbitNode:
    """One node of the cluster: its name, ports, folder and process."""

    name: str
    amqp_port: int
    dist_port: int
    home: Path
    popen: subprocess.Popen | None = None

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    @property
    def log(self) -> Path:
        return self.home / "log" / f"{self.name}.log"

    def log_tail(self, lines: int = 30) -> str:
        text = ""
        for path in (self.home / "out.log", self.log):
            with contextlib.suppress(OSError):
                text += f"--- {path.name}\n" + "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) + "\n"
        return text


class RabbitCluster:
    """``size`` RabbitMQ nodes clustered on loopback, with ``definitions`` imported."""

    def __init__(self, root: Path, *, size: int = 3, config: list[Path] | None = None, leave_out: tuple[str, ...] = (),
                 definitions: Path | None = None, user: str = "guest", password: str = "guest") -> None:
        self.root = Path(root)
        self.run = uuid.uuid4().hex[:6]
        self.config = list(config or [])
        # Settings of ``config`` the installed broker does not know (it refuses to boot over one).
        self.leave_out = ("listeners.", "disk_free_limit.", *leave_out)
        self.definitions = definitions
        self.user, self.password = user, password
        self.cookie_home = self.root / "home"
        ports = free_ports(2 * size + 1)
        self.epmd_port = ports.pop()
        self.nodes = [RabbitNode(f"cw{self.run}{chr(ord('a') + i)}@localhost", ports[2 * i], ports[2 * i + 1],
                                 self.root / chr(ord("a") + i)) for i in range(size)]
        self._epmd: subprocess.Popen | None = None

    # -- what a test uses ------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Every node's address, as the services' ``CASEWORK_BROKER_URL`` takes it."""
        return ";".join(self.node_url(node) for node in self.nodes)

    def node_url(self, node: RabbitNode) -> str:
        return f"amqp://{self.user}:{self.password}@127.0.0.1:{node.amqp_port}//"

    def node(self, name: str) -> RabbitNode:
        return next(node for node in self.nodes if node.name == name)

    def ctl(self, *args: str, node: RabbitNode | None = None, timeout: float = 60, tool: str = "rabbitmqctl") -> str:
        """Run ``rabbitmqctl`` (or ``rabbitmq-queues``) against ``node`` (the first running one)."""
        node = node or next((n for n in self.nodes if n.running), self.nodes[0])
        done = subprocess.run([_tool(tool), "-n", node.name, "-q", *args], env=self._environment(), text=True,
                              capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            raise ClusterCannotStart(f"{tool} -n {node.name} {' '.join(args)}: {done.stdout}{done.stderr}"
                                     f"\n{node.log_tail()}")
        return done.stdout

    def leaders(self) -> dict[str, str]:
        """Each quorum queue's leader: queue name → node name."""
        listed = json.loads(self.ctl("list_queues", "name", "type", "leader", "--formatter", "json") or "[]")
        return {q["name"]: q["leader"] for q in listed if q.get("type") == "quorum"}

    def connections(self) -> dict[str, int]:
        """Client connections on each running node (node name → count), asked of one node."""
        listed = self.ctl("eval", "[{N, length(rpc:call(N, rabbit_networking, local_connections, []))}"
                                  " || N <- rabbit_nodes:all_running()].")
        return {name: int(count) for name, count in re.findall(r"\{'?([^',{}]+)'?,\s*(\d+)\}", listed)}

    def crash(self, node: RabbitNode) -> None:
        """SIGKILL the node (a lost machine): its connections drop, its queues elect new leaders."""
        self._signal(node, signal.SIGKILL)
        node.popen.wait(10)

    def stop(self, node: RabbitNode) -> None:
        """Stop the node cleanly (``rabbitmqctl stop``), as for maintenance."""
        self.ctl("stop", node=node, timeout=60)
        try:
            node.popen.wait(30)
        except subprocess.TimeoutExpired:
            self._signal(node, signal.SIGKILL)
            node.popen.wait(10)

    def restart(self, node: RabbitNode, timeout: float = 60) -> None:
        """Start a node that was a member again: it rejoins the cluster by itself."""
        self._launch(node)
        self._await_broker(node, timeout)

    # -- starting and stopping -----------------------------------------------------------

    def start(self, timeout: float = 90) -> RabbitCluster:
        self._prepare()
        self._start_epmd()
        first, *others = self.nodes
        for node in self.nodes:
            self._launch(node)
        with ThreadPoolExecutor(len(self.nodes)) as pool:
            # Each joins the first as soon as both are up, the others at the same time.
            list(pool.map(lambda node: self._await_broker(node, timeout) if node is first
                          else self._join(node, first, timeout), self.nodes))
        if self.definitions is not None:
            target = self.root / "definitions.json"
            shutil.copyfile(self.definitions, target)
            self.ctl("import_definitions", str(target), node=first)
        return self

    def close(self) -> None:
        """Kill every node and the epmd it started, then delete the folders. (No clean stop: the
        data goes with the folders, and nodes stopping together wait on one another for seconds.)"""
        for node in self.nodes:
            self._signal(node, signal.SIGKILL)
        for node in self.nodes:
            if node.popen is not None:
                node.popen.wait(30)
        if self._epmd is not None:
            self._epmd.kill()
            self._epmd.wait(10)
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> RabbitCluster:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- inside --------------------------------------------------------------------------

    def _prepare(self) -> None:
        self.cookie_home.mkdir(parents=True, exist_ok=True)
        cookie = self.cookie_home / ".erlang.cookie"
        cookie.write_text(uuid.uuid4().hex.upper())
        cookie.chmod(0o400)
        (self.root / "enabled_plugins").write_text("[].\n")  # no management plugin: no port beyond AMQP's
        (self.root / "rabbitmq-env.conf").write_text("")  # not the machine's /etc/rabbitmq/rabbitmq-env.conf
        production = "\n".join(line for path in self.config for line in path.read_text().splitlines()
                               if not line.strip().startswith(self.leave_out))
        for node in self.nodes:
            (node.home / "log").mkdir(parents=True, exist_ok=True)
            # The production settings, then what this machine needs: the node's own listener, and
            # room to publish on a disk smaller than a production broker's.
            (node.home / "rabbitmq.conf").write_text(
                f"{production}\nlisteners.tcp.1 = 127.0.0.1:{node.amqp_port}\ndisk_free_limit.absolute = 50MB\n")

    def _environment(self, node: RabbitNode | None = None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("RABBITMQ_", "ERL_"))}
        env |= {"HOME": str(self.cookie_home), "ERL_EPMD_PORT": str(self.epmd_port),
                "RABBITMQ_CONF_ENV_FILE": str(self.root / "rabbitmq-env.conf"),
                "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.root / "enabled_plugins")}
        if node is not None:
            env |= {
                "RABBITMQ_NODENAME": node.name, "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
                "RABBITMQ_NODE_PORT": str(node.amqp_port), "RABBITMQ_DIST_PORT": str(node.dist_port),
                "RABBITMQ_MNESIA_BASE": str(node.home / "mnesia"), "RABBITMQ_LOG_BASE": str(node.home / "log"),
                "RABBITMQ_CONFIG_FILE": str(node.home / "rabbitmq.conf"),
                "RABBITMQ_ADVANCED_CONFIG_FILE": str(node.home / "advanced.config"),
                "RABBITMQ_PLUGINS_EXPAND_DIR": str(node.home / "plugins"),
                "RABBITMQ_PID_FILE": str(node.home / "pid"),
                "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": LOOPBACK_ONLY,
            }
        return env

    def _start_epmd(self) -> None:
        epmd = shutil.which("epmd")
        if epmd is None:
            raise NotInstalled("epmd (Erlang) is not installed")
        self._epmd = subprocess.Popen([epmd, "-port", str(self.epmd_port), "-address", "127.0.0.1"],
                                      stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 10
        while not _answers(self.epmd_port):
            if time.monotonic() > deadline or self._epmd.poll() is not None:
                raise ClusterCannotStart(f"epmd did not start on port {self.epmd_port}")
            time.sleep(0.05)

    def _launch(self, node: RabbitNode) -> None:
        env = self._environment(node)
        with open(node.home / "out.log", "ab") as out:
            node.popen = subprocess.Popen([_tool("rabbitmq-server")], env=env, stdout=out, stderr=subprocess.STDOUT,
                                          stdin=subprocess.DEVNULL, cwd=node.home, start_new_session=True)

    def _await_broker(self, node: RabbitNode, timeout: float) -> None:
        """Until the node's broker is up and takes AMQP connections."""
        deadline = time.monotonic() + timeout
        while not _answers(node.amqp_port):
            if not node.running:
                raise ClusterCannotStart(f"{node.name} exited ({node.popen.returncode})\n{node.log_tail()}")
            if time.monotonic() > deadline:
                raise ClusterCannotStart(f"{node.name} did not start in {timeout:.0f}s\n{node.log_tail()}")
            time.sleep(0.1)

    def _join(self, node: RabbitNode, first: RabbitNode, timeout: float) -> None:
        """Join ``first``'s cluster (once both are up), then start the node's broker again."""
        self._await_broker(node, timeout)
        self._await_broker(first, timeout)
        self.ctl("stop_app", node=node, timeout=timeout)
        self.ctl("join_cluster", first.name, node=node, timeout=timeout)
        self.ctl("start_app", node=node, timeout=timeout)
        self._await_broker(node, timeout)

    def _signal(self, node: RabbitNode, signum: int) -> None:
        if node.running:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(node.popen.pid, signum)
