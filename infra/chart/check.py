"""`make check-chart`: the Dockerfile and the chart, checked without a cluster or a container builder.

1. hadolint on the Dockerfile;
2. for every scenario `helm/ratusz/ci/<name>-values.yaml`: `helm lint --strict`, `helm template`, and every
   rendered manifest validated (strictly: unknown fields are errors) against the API schemas of the oldest
   Kubernetes the chart supports and of a current release.

The chart's unit tests (tests/infra/test_chart.py) run after it, from the Makefile. Rendered manifests are left in
`.tools/rendered/` for reading.
"""

import subprocess
import sys

from infra.chart.tools import HADOLINT, HELM, KUBERNETES_VALIDATE, ROOT, TOOLS, ensure_tools

CHART = ROOT / "helm" / "ratusz"
# The chart's kubeVersion floor and the newest release kubernetes-validate knows.
KUBERNETES_VERSIONS = ("1.30.0", "1.37.0")
RENDERED = TOOLS / "rendered"


def scenarios() -> list[str]:
    return sorted(path.name.removesuffix("-values.yaml") for path in (CHART / "ci").glob("*-values.yaml"))


def _run(title: str, command: list[str], **kwargs) -> subprocess.CompletedProcess:
    print(f"--- {title}", flush=True)
    result = subprocess.run(command, cwd=ROOT, text=True, capture_output=True, **kwargs)
    output = (result.stdout + result.stderr).strip()
    if result.returncode != 0:
        print(output)
        sys.exit(f"FAILED: {title}")
    return result


def main() -> None:
    ensure_tools()
    _run("hadolint Dockerfile", [str(HADOLINT), "--failure-threshold", "warning", "Dockerfile"])
    RENDERED.mkdir(parents=True, exist_ok=True)
    for scenario in scenarios():
        values = str(CHART / "ci" / f"{scenario}-values.yaml")
        _run(f"helm lint --strict ({scenario})", [str(HELM), "lint", "--strict", str(CHART), "-f", values])
        rendered = _run(
            f"helm template ({scenario})", [str(HELM), "template", "ratusz", str(CHART), "-f", values]
        ).stdout
        manifest = RENDERED / f"{scenario}.yaml"
        manifest.write_text(rendered)
        kinds = sorted(line.split(":", 1)[1].strip() for line in rendered.splitlines() if line.startswith("kind:"))
        print(f"    {len(kinds)} resources: " + ", ".join(f"{kinds.count(k)} {k}" for k in sorted(set(kinds))))
        for version in KUBERNETES_VERSIONS:
            _run(
                f"kubernetes-validate --strict -k {version} ({scenario})",
                [str(KUBERNETES_VALIDATE), "--strict", "--quiet", "-k", version, str(manifest)],
            )
    print("the chart checks passed", flush=True)


if __name__ == "__main__":
    main()
