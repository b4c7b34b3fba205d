"""The four services in one process against real PostgreSQL and RabbitMQ, sharing one broker
namespace so events flow between them, each api served over HTTP on a free port."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from werkzeug.serving import make_server

from casework_dev.testing import ServiceHarness

sys.path.insert(0, str(Path(__file__).resolve().parent))

ORDER = ("intake", "sustainment", "lettings", "notifications")


def _services():
    from intake.service import SERVICE as INTAKE
    from lettings.service import SERVICE as LETTINGS
    from notifications.service import SERVICE as NOTIFICATIONS
    from sustainment.service import SERVICE as SUSTAINMENT

    return {"intake": INTAKE, "sustainment": SUSTAINMENT, "lettings": LETTINGS, "notifications": NOTIFICATIONS}


@pytest.fixture(scope="module")
def system(postgres_url, broker_url):
    """``system.intake`` … ``system.notifications`` (harnesses with running workers) and ``system.urls``."""
    import uuid

    namespace = f"t{uuid.uuid4().hex[:10]}"
    shared = {"exchange": f"{namespace}.casework.events", "queue_prefix": f"{namespace}."}
    harnesses, servers = {}, []
    patch = pytest.MonkeyPatch()
    try:
        for name, service in _services().items():
            harnesses[name] = ServiceHarness(service, postgres_url, broker_url, **shared)
        urls = {}
        for name in ORDER:
            server = make_server("127.0.0.1", 0, harnesses[name].app, threaded=True)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers.append(server)
            urls[name] = f"http://127.0.0.1:{server.server_port}"
            patch.setenv(f"CASEWORK_{name.upper()}_PUBLIC_URL", urls[name])
        for name in ORDER:
            harnesses[name].worker()
        yield SimpleNamespace(urls=urls, **harnesses)
    finally:
        for server in servers:
            server.shutdown()
        for harness in harnesses.values():
            harness.close()
        patch.undo()

