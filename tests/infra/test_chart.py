"""The Helm chart's rules, checked on what `helm template` renders for each scenario (helm/ratusz/ci/): exactly one
beat that never overlaps itself, the migrations as a hook before everything else with a deadline and kept logs,
probes on /healthz and /readyz with the platform's Host, locked-down security contexts on every container, config
checksums that roll the pods, and a values schema that refuses unknown keys and wrong types.

helm comes from `.tools/` (infra/chart/tools.py installs it on first use, as `make check-chart` does)."""

import subprocess

import pytest
import yaml

from infra.chart.check import CHART, scenarios
from infra.chart.tools import HELM, ensure_tools

SCENARIOS = scenarios()


@pytest.fixture(scope="session")
def helm():
    ensure_tools()
    return str(HELM)


def render(helm, scenario: str, *sets: str) -> subprocess.CompletedProcess:
    command = [helm, "template", "ratusz", str(CHART), "-f", str(CHART / "ci" / f"{scenario}-values.yaml")]
    for value in sets:
        command += ["--set", value]
    return subprocess.run(command, capture_output=True, text=True)


def manifests(helm, scenario: str, *sets: str) -> list[dict]:
    result = render(helm, scenario, *sets)
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def of_kind(docs, kind):
    return [doc for doc in docs if doc["kind"] == kind]


def named(docs, kind, suffix):
    [doc] = [doc for doc in of_kind(docs, kind) if doc["metadata"]["name"] == f"ratusz{suffix}"]
    return doc


def pod_specs(docs):
    """Every pod template: the Deployments' and the Job's."""
    return [(doc["metadata"]["name"], doc["spec"]["template"]["spec"]) for doc in of_kind(docs, "Deployment")] + [
        (doc["metadata"]["name"], doc["spec"]["template"]["spec"]) for doc in of_kind(docs, "Job")
    ]


def test_every_scenario_is_present():
    assert set(SCENARIOS) >= {"minimal", "production", "existing-secrets"}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_exactly_one_beat_that_is_stopped_before_another_starts(helm, scenario):
    docs = manifests(helm, scenario)
    beats = [doc for doc in of_kind(docs, "Deployment") if doc["metadata"]["name"].endswith("-beat")]
    assert len(beats) == 1
    [beat] = beats
    assert beat["spec"]["replicas"] == 1 and beat["spec"]["strategy"] == {"type": "Recreate"}
    [container] = beat["spec"]["template"]["spec"]["containers"]
    assert container["command"][:4] == ["celery", "-A", "platform_core", "beat"]
    # No autoscaler or budget ever targets the beat, and no other process runs the scheduler.
    assert all(
        not hpa["spec"]["scaleTargetRef"]["name"].endswith("-beat") for hpa in of_kind(docs, "HorizontalPodAutoscaler")
    )
    others = [doc for doc in of_kind(docs, "Deployment") if doc is not beat]
    assert all(
        "beat" not in c["command"] and "--beat" not in c["command"]
        for d in others
        for c in d["spec"]["template"]["spec"]["containers"]
    )


def test_the_beat_cannot_be_scaled_by_values(helm):
    result = render(helm, "minimal", "beat.replicas=2")
    assert result.returncode != 0 and "additional properties 'replicas' not allowed" in result.stderr


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_migrations_run_as_a_hook_before_the_release_with_a_deadline_and_kept_logs(helm, scenario):
    docs = manifests(helm, scenario)
    job = named(docs, "Job", "-migrate")
    annotations = job["metadata"]["annotations"]
    assert annotations["helm.sh/hook"] == "pre-install,pre-upgrade"
    # Deleted only when the next release makes a new one: the finished Job and its pod's logs stay until then.
    assert annotations["helm.sh/hook-delete-policy"] == "before-hook-creation"
    assert job["spec"]["activeDeadlineSeconds"] >= 60 and "ttlSecondsAfterFinished" not in job["spec"]
    [container] = job["spec"]["template"]["spec"]["containers"]
    assert container["command"][:2] == ["django-admin", "migrate_units"]
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"

    # What the Job reads exists before it: hook copies of the config (and of the Secret, unless it is external),
    # of a lower weight.
    hooks = [doc for doc in docs if doc["metadata"].get("annotations", {}).get("helm.sh/hook")]
    weights = {doc["metadata"]["name"]: int(doc["metadata"]["annotations"]["helm.sh/hook-weight"]) for doc in hooks}
    env_sources = [source.get("configMapRef", source.get("secretRef"))["name"] for source in container["envFrom"]]
    for name in env_sources:
        if name in weights:
            assert weights[name] < weights[job["metadata"]["name"]]
        else:  # only an existing Secret, made outside the chart
            assert name == "ratusz-env" and scenario == "existing-secrets"
    assert all(doc["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade" for doc in hooks), (
        "only the migration and its inputs are hooks"
    )
    # The Job does not use the release's service account, which does not exist yet at installation.
    assert "serviceAccountName" not in job["spec"]["template"]["spec"]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_web_probes_ask_healthz_and_readyz_with_the_platform_host(helm, scenario):
    docs = manifests(helm, scenario)
    domain = yaml.safe_load((CHART / "ci" / f"{scenario}-values.yaml").read_text())["platformDomain"]
    [container] = named(docs, "Deployment", "-web")["spec"]["template"]["spec"]["containers"]
    paths = {}
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        get = container[probe]["httpGet"]
        assert get["port"] == "http" and get["httpHeaders"] == [{"name": "Host", "value": domain}]
        paths[probe] = get["path"]
    assert paths == {"startupProbe": "/healthz", "livenessProbe": "/healthz", "readinessProbe": "/readyz"}
    # A readiness check may take up to 2 s per dependency (platform_core/health.py): the timeout leaves room.
    assert container["readinessProbe"]["timeoutSeconds"] > 6


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_container_is_locked_down(helm, scenario):
    docs = manifests(helm, scenario)
    specs = pod_specs(docs)
    assert {name.rsplit("-", 1)[1] for name, _ in specs} == {"web", "worker", "beat", "migrate"}
    for name, spec in specs:
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert spec["automountServiceAccountToken"] is False, name
        containers = spec["containers"] + spec.get("initContainers", [])
        for container in containers:
            context = container["securityContext"]
            assert context["runAsNonRoot"] is True and context["runAsUser"] != 0, name
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["readOnlyRootFilesystem"] is True, name
            assert context["capabilities"] == {"drop": ["ALL"]}, name
            assert context["seccompProfile"] == {"type": "RuntimeDefault"}, name
            assert container["resources"]["requests"] and container["resources"]["limits"]["memory"], name
            # The only writable place is /tmp, an emptyDir.
            mounts = {mount["mountPath"]: mount["name"] for mount in container["volumeMounts"]}
            assert mounts["/tmp"] == "tmp", name
        volumes = {volume["name"]: volume for volume in spec["volumes"]}
        assert "emptyDir" in volumes["tmp"], name


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_changed_config_rolls_the_pods(helm, scenario):
    def checksums(*sets):
        docs = manifests(helm, scenario, *sets)
        return {
            doc["metadata"]["name"]: doc["spec"]["template"]["metadata"]["annotations"]["checksum/config"]
            for doc in of_kind(docs, "Deployment")
        }

    before, after = checksums(), checksums("config.logLevel=DEBUG")
    assert before.keys() == after.keys() and all(before[name] != after[name] for name in before)


def test_a_changed_secret_rolls_the_pods_and_an_existing_secret_is_not_made(helm):
    def secret_checksums(*sets):
        return {
            doc["spec"]["template"]["metadata"]["annotations"]["checksum/secret"]
            for doc in of_kind(manifests(helm, "minimal", *sets), "Deployment")
        }

    assert secret_checksums() != secret_checksums("secrets.SENTRY_DSN=https://key@sentry.example.pl/1")
    docs = manifests(helm, "existing-secrets")
    assert of_kind(docs, "Secret") == []
    for _name, spec in pod_specs(docs):
        assert {"secretRef": {"name": "ratusz-env"}} in spec["containers"][0]["envFrom"]


def test_giving_both_an_existing_secret_and_secrets_is_refused(helm):
    result = render(helm, "existing-secrets", "secrets.SECRET_KEY=x")
    assert result.returncode != 0 and "either existingSecret or secrets" in result.stderr


def test_ingress_serves_the_platform_its_wildcard_and_custom_domains_with_certificates(helm):
    docs = manifests(helm, "production")
    [ingress] = of_kind(docs, "Ingress")
    hosts = [rule["host"] for rule in ingress["spec"]["rules"]]
    assert hosts == [
        "e-urzad.kujawsko-pomorskie.pl",
        "*.e-urzad.kujawsko-pomorskie.pl",
        "e-urzad.torun.pl",
        "bip.bydgoszcz.pl",
    ]
    assert ingress["metadata"]["annotations"]["cert-manager.io/cluster-issuer"] == "letsencrypt-dns01"
    tls_hosts = [host for entry in ingress["spec"]["tls"] for host in entry["hosts"]]
    assert tls_hosts == hosts and len({entry["secretName"] for entry in ingress["spec"]["tls"]}) == 3
    config = named(docs, "ConfigMap", "-config")["data"]
    assert config["ALLOWED_HOSTS"] == (
        "e-urzad.kujawsko-pomorskie.pl,.e-urzad.kujawsko-pomorskie.pl,e-urzad.torun.pl,bip.bydgoszcz.pl"
    )


def test_autoscalers_and_budgets_for_web_and_worker_only(helm):
    docs = manifests(helm, "production")
    targets = {hpa["spec"]["scaleTargetRef"]["name"] for hpa in of_kind(docs, "HorizontalPodAutoscaler")}
    assert targets == {"ratusz-web", "ratusz-worker"}
    budgets = {pdb["metadata"]["name"]: pdb["spec"]["minAvailable"] for pdb in of_kind(docs, "PodDisruptionBudget")}
    assert budgets == {"ratusz-web": 1, "ratusz-worker": 1}
    # An autoscaled Deployment leaves its replicas to the autoscaler.
    assert "replicas" not in named(docs, "Deployment", "-web")["spec"]
    # With a single pod a budget of one would block every node drain: none is made.
    minimal = manifests(helm, "minimal")
    assert {pdb["metadata"]["name"] for pdb in of_kind(minimal, "PodDisruptionBudget")} == set()


def test_network_policies_allow_egress_only_to_the_named_services(helm):
    docs = manifests(helm, "production")
    policies = {doc["metadata"]["name"].rsplit("-", 1)[1]: doc["spec"] for doc in of_kind(docs, "NetworkPolicy")}
    assert set(policies) == {"web", "worker", "beat", "migrate"}
    for spec in policies.values():
        assert spec["policyTypes"] == ["Ingress", "Egress"]
        # Every egress rule names where it goes: no rule without `to` (which would mean anywhere).
        assert all(rule["to"] for rule in spec["egress"])
    web_ports = sorted(port["port"] for rule in policies["web"]["egress"] for port in rule["ports"])
    assert web_ports == [53, 53, 443, 443, 443, 443, 587, 6380, 6432]
    beat_ports = sorted(port["port"] for rule in policies["beat"]["egress"] for port in rule["ports"])
    assert beat_ports == [53, 53, 443, 6380]  # DNS, Sentry, Redis: beat reaches no database, no Keycloak
    assert policies["beat"]["ingress"] == [] and policies["migrate"]["ingress"] == []
    assert [port["port"] for port in policies["web"]["ingress"][0]["ports"]] == ["http"]


def test_network_policies_without_the_database_are_refused(helm):
    result = render(helm, "existing-secrets", "networkPolicy.postgresql.to=null")
    assert result.returncode != 0


@pytest.mark.parametrize(
    "setting, message",
    [
        ("unknownKey=1", "additional properties 'unknownKey' not allowed"),
        ("web.replicaz=2", "additional properties 'replicaz' not allowed"),
        ("web.replicas=two", "got string, want integer"),
        ("storage.backend=nfs", "storage/backend"),
        ("web.autoscaling.targetCPUUtilizationPercentage=150", "maximum"),
        ("customDomains[0]=Not A Domain", "customDomains/0"),
    ],
)
def test_the_values_schema_refuses_unknown_keys_and_wrong_types(helm, setting, message):
    result = render(helm, "minimal", setting)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize("missing", ["platformDomain", "keycloak.serverUrl", "upoKeys.existingSecret"])
def test_what_production_needs_is_required(helm, missing):
    result = render(helm, "minimal", f"{missing}=")
    assert result.returncode != 0 and "required" in result.stderr
