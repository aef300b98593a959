"""The image's rules, read from the Dockerfile (no container builder is assumed): two stages, the final one with
no build tools and running as the chart's non-root uid, static files and compiled messages made at build time,
gunicorn by default; and a build context that carries only the packages."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def stages() -> dict[str, str]:
    """Each stage's instructions (comments dropped, continuation lines joined), by its name."""
    text = re.sub(r"\\\n\s*", " ", re.sub(r"(?m)^\s*#.*\n", "", DOCKERFILE))
    parts = re.split(r"(?m)^FROM ", text)[1:]
    return {re.search(r" AS (\w+)", part.splitlines()[0]).group(1): part for part in parts}


def test_two_stages_from_a_slim_python():
    found = stages()
    assert list(found) == ["build", "runtime"]
    for stage in found.values():
        assert re.match(r"python:\$\{PYTHON_VERSION\}-slim-\w+ AS", stage)


def test_the_runtime_has_no_build_tools_and_runs_as_the_charts_user():
    runtime = stages()["runtime"]
    assert "apt-get" not in runtime and "build-essential" not in runtime and "gettext" not in runtime
    assert "pip install" not in runtime
    assert re.search(r"(?m)^USER 10001:10001$", runtime)
    assert "--uid 10001" in runtime  # the uid the chart's securityContext runs as
    copies = re.findall(r"(?m)^COPY (.*)$", runtime)
    assert copies and all(copy.startswith("--from=build ") for copy in copies)


def test_static_files_and_messages_are_made_at_build_time():
    build = stages()["build"]
    assert "django-admin compilemessages" in build and "django-admin collectstatic --noinput" in build
    assert "staticfiles.json" in build  # the manifest WhiteNoise serves hashed names from
    assert "ENV" in stages()["runtime"] and "SERVE_STATIC_FILES=on" in stages()["runtime"]


def test_web_by_default_and_every_process_by_command():
    assert re.search(
        r'(?m)^CMD \["gunicorn", "-c", "python:platform_core.gunicorn_conf", "platform_core.wsgi"\]$', DOCKERFILE
    )
    assert "ENTRYPOINT" not in DOCKERFILE  # the chart chooses worker, beat and jobs by command


@pytest.mark.parametrize("kept_out", [".venv", ".data", "tests", "infra", ".git", "helm", ".tools"])
def test_the_build_context_carries_only_the_packages(kept_out):
    lines = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()]
    assert lines[lines.index("*") :].count("*") == 1  # everything is left out …
    assert f"!{kept_out}" not in lines and f"!{kept_out}/" not in lines  # … except what is named
    for package in ("platform_core/", "tenants/", "shared_services/", "onboarding/"):
        assert f"!{package}" in lines
