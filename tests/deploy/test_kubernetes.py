"""deploy/: every Kubernetes manifest valid by the Kubernetes JSON schemas (kubernetes-validate,
offline), each service deployable alone, and the broker definitions the same topology the workers
declare."""

import json
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from casework.bus import definitions
from casework.database_url import engine_url
from casework.service import installed

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy/k8s"
KUBERNETES_VERSION = "1.30.0"
SERVICES = installed()


def documents(path: Path) -> list[dict]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def manifests() -> list[Path]:
    return sorted(p for p in K8S.rglob("*.yaml") if p.name != "kustomization.yaml")


def resources(name: str) -> dict[str, dict]:
    """The objects a service's kustomization deploys, by kind (one each)."""
    kustomization = yaml.safe_load((K8S / name / "kustomization.yaml").read_text())
    found: dict[str, dict] = {}
    for file in kustomization["resources"]:
        for doc in documents(K8S / name / file):
            assert doc["kind"] + doc["metadata"]["name"] not in found
            found[f"{doc['kind']}/{doc['metadata']['name']}"] = doc
    return found


@pytest.mark.parametrize("path", manifests(), ids=lambda p: str(p.relative_to(K8S)))
def test_every_manifest_is_valid_kubernetes(path):
    for doc in documents(path):
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


@pytest.mark.parametrize("name", list(SERVICES))
def test_each_service_deploys_alone_with_everything_it_needs(name):
    objects = resources(name)
    assert set(objects) == {
        f"ConfigMap/casework-{name}", f"Job/casework-{name}-migrate", f"Deployment/casework-{name}-api",
        f"Service/casework-{name}", f"HorizontalPodAutoscaler/casework-{name}-api",
        f"PodDisruptionBudget/casework-{name}-api", f"Deployment/casework-{name}-worker"}
    kustomization = yaml.safe_load((K8S / name / "kustomization.yaml").read_text())
    assert "secret.template.yaml" not in kustomization["resources"]  # no credential in git
    secret = documents(K8S / name / "secret.template.yaml")[0]
    assert secret["kind"] == "Secret" and secret["metadata"]["name"] == f"casework-{name}"
    assert {"CASEWORK_DATABASE_URL", "CASEWORK_BROKER_URL"} <= set(secret["stringData"])
    assert secret["stringData"]["CASEWORK_DATABASE_URL"].split("?")[0].endswith(f"/{name}")
    # Every pod reads the service's ConfigMap and Secret, and runs the service's one image.
    for kind in (f"Job/casework-{name}-migrate", f"Deployment/casework-{name}-api",
                 f"Deployment/casework-{name}-worker"):
        pod = objects[kind]["spec"]["template"]["spec"]
        [container] = pod["containers"]
        assert container["image"] == f"casework-{name}"
        assert [e.get("configMapRef", e.get("secretRef"))["name"] for e in container["envFrom"]] == \
            [f"casework-{name}"] * 2
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert {"cpu", "memory"} <= set(container["resources"]["requests"]) and container["resources"]["limits"]
    assert objects[f"Job/casework-{name}-migrate"]["spec"]["template"]["spec"]["containers"][0]["command"] == [
        "casework", "migrate", "--service", name]


@pytest.mark.parametrize("name", list(SERVICES))
def test_the_api_is_probed_served_and_autoscaled(name):
    objects = resources(name)
    api = objects[f"Deployment/casework-{name}-api"]
    [container] = api["spec"]["template"]["spec"]["containers"]
    port = {p["name"]: p["containerPort"] for p in container["ports"]}["http"]
    assert port == SERVICES[name].port
    assert {"name": "GUNICORN_BIND", "value": f"0.0.0.0:{port}"} in container["env"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    labels = api["spec"]["template"]["metadata"]["labels"]
    assert api["spec"]["selector"]["matchLabels"].items() <= labels.items()
    service = objects[f"Service/casework-{name}"]
    assert service["spec"]["selector"].items() <= labels.items()
    assert service["spec"]["ports"][0]["targetPort"] == "http"
    hpa = objects[f"HorizontalPodAutoscaler/casework-{name}-api"]
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                             "name": f"casework-{name}-api"}
    assert 1 < hpa["spec"]["minReplicas"] < hpa["spec"]["maxReplicas"]


@pytest.mark.parametrize("name", list(SERVICES))
def test_the_worker_runs_apart_and_is_probed_on_its_health_port(name):
    objects = resources(name)
    worker = objects[f"Deployment/casework-{name}-worker"]
    [container] = worker["spec"]["template"]["spec"]["containers"]
    assert container["command"] == ["python", "-m", f"{name}.worker"]
    health = objects[f"ConfigMap/casework-{name}"]["data"]["CASEWORK_WORKER_HEALTH_PORT"]
    assert {p["name"]: p["containerPort"] for p in container["ports"]}["health"] == int(health)
    # The worker listens on loopback unless told; the kubelet probes the pod IP.
    assert objects[f"ConfigMap/casework-{name}"]["data"]["CASEWORK_WORKER_HEALTH_HOST"] == "0.0.0.0"
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "health"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "health"}
    # Long enough for the message in hand to finish after SIGTERM.
    assert worker["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] >= 30


def test_notifications_links_to_every_service():
    data = resources("notifications")["ConfigMap/casework-notifications"]["data"]
    assert {f"CASEWORK_{s.upper()}_PUBLIC_URL" for s in SERVICES} <= set(data)


def test_the_whole_system_and_the_broker_topology_are_kustomizations_too():
    whole = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    assert set(SERVICES) <= set(whole["resources"]) and "../rabbitmq" in whole["resources"]
    rabbit = yaml.safe_load((ROOT / "deploy/rabbitmq/kustomization.yaml").read_text())
    for file in rabbit["configMapGenerator"][0]["files"]:
        assert (ROOT / "deploy/rabbitmq" / file).exists()
    assert (ROOT / "deploy/README.md").exists()


def test_the_broker_definitions_are_the_topology_the_workers_declare():
    # A queue declared with other arguments than the broker holds is refused (PRECONDITION_FAILED),
    # and a binding wider than the handlers would park events nobody handles.
    assert (ROOT / "deploy/rabbitmq/definitions.json").read_text() == definitions.text(list(SERVICES.values())), \
        "deploy/rabbitmq/definitions.json is stale: run `casework definitions`"
    document = json.loads((ROOT / "deploy/rabbitmq/definitions.json").read_text())
    queues = {q["name"]: q for q in document["queues"]}
    events = {e["name"]: e for e in document["exchanges"]}["casework.events"]
    assert events["type"] == "topic" and events["arguments"] == {"alternate-exchange": "casework.events.unrouted"}
    for name, service in SERVICES.items():
        if service.consumes:
            assert queues[f"{name}.events"]["arguments"]["x-queue-type"] == "quorum"
            assert queues[f"{name}.events"]["arguments"]["x-dead-letter-routing-key"] == f"{name}.events.dead"


def test_the_broker_policies_dead_letter_safely_on_a_cluster():
    policies = {p["name"]: p for p in json.loads((ROOT / "deploy/rabbitmq/definitions.json").read_text())["policies"]}
    service_queues = policies["casework-service-queues"]
    assert service_queues["apply-to"] == "queues"  # every queue it matches is a quorum queue
    assert service_queues["definition"]["dead-letter-strategy"] == "at-least-once"
    assert service_queues["definition"]["overflow"] == "reject-publish"  # at-least-once needs it
    assert policies["casework-parking-queues"]["apply-to"] == "queues"


@pytest.mark.parametrize("name", list(SERVICES))
def test_a_database_failover_keeps_the_api_serving_and_sends_writes_only_to_the_primary(name):
    # tests/reliability/test_database_failover.py: the api answers 503 problem details while the
    # database is away and reconnects by itself, so Kubernetes need neither restart it nor take it out.
    api = resources(name)[f"Deployment/casework-{name}-api"]
    [container] = api["spec"]["template"]["spec"]["containers"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"  # which asks nothing of the database
    readiness = container["readinessProbe"]
    assert readiness["periodSeconds"] * readiness["failureThreshold"] >= 120
    url = engine_url(documents(K8S / name / "secret.template.yaml")[0]["stringData"]["CASEWORK_DATABASE_URL"])
    assert url.query["target_session_attrs"] == "read-write"
    assert int(url.query["connect_timeout"]) <= 10


def _settings(text: str) -> dict[str, str]:
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return dict(tuple(part.strip() for part in line.split("=", 1)) for line in lines if line)


def test_the_operator_cluster_has_three_nodes_and_the_broker_settings_of_rabbitmq_conf_and_cluster_conf():
    cluster = documents(ROOT / "deploy/rabbitmq/rabbitmqcluster.yaml")[0]
    assert cluster["kind"] == "RabbitmqCluster" and cluster["spec"]["replicas"] == 3
    wanted = _settings((ROOT / "deploy/rabbitmq/rabbitmq.conf").read_text())
    wanted |= _settings((ROOT / "deploy/rabbitmq/cluster.conf").read_text())
    assert _settings(cluster["spec"]["rabbitmq"]["additionalConfig"]) == wanted


@pytest.mark.parametrize("name", list(SERVICES))
def test_each_service_is_given_every_node_of_the_broker_cluster(name):
    from casework.bus.connection import broker_addresses

    secret = documents(K8S / name / "secret.template.yaml")[0]
    nodes = broker_addresses(secret["stringData"]["CASEWORK_BROKER_URL"])
    cluster = documents(ROOT / "deploy/rabbitmq/rabbitmqcluster.yaml")[0]
    assert len(nodes) == cluster["spec"]["replicas"]
    assert all(node.startswith(f"amqps://{name}:") for node in nodes)
