"""The worker's probe port: on loopback unless the deployment says otherwise."""

import json
import urllib.request
from types import SimpleNamespace

from casework.settings import Settings
from casework.worker import serve_health


def test_the_worker_health_port_listens_on_loopback_unless_told(monkeypatch):
    for name in ("CASEWORK_WORKER_HEALTH_HOST", "CASEWORK_INTAKE_WORKER_HEALTH_HOST"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_env("intake", default_port=8001)
    assert settings.worker_health_host == "127.0.0.1"
    server = serve_health(SimpleNamespace(alive=True), 0, settings.worker_health_host)
    try:
        host, port = server.server_address[:2]
        assert host == "127.0.0.1"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            assert json.load(response) == {"alive": True}
    finally:
        server.shutdown()
        server.server_close()


def test_a_deployment_can_open_it_to_the_pod_network(monkeypatch):
    monkeypatch.setenv("CASEWORK_WORKER_HEALTH_HOST", "0.0.0.0")
    assert Settings.from_env("intake", default_port=8001).worker_health_host == "0.0.0.0"
