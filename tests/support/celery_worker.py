"""A real Celery worker process on the test database, for the tests marked `worker`."""

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.support.processes import database_url_of

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def celery_worker(log: Path, **environment: str):
    """Run a worker (solo pool, with the test tasks of tests/support/celery_probe.py) until the block ends; its
    output goes to `log`, `environment` adds to its environment (settings read from variables)."""
    queue = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("data_folder_in")  # only with the filesystem broker
    for leftover in Path(queue).glob("*.msg") if queue else []:  # messages from an interrupted earlier run
        leftover.unlink()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "platform_core.settings_test",
        "DATABASE_URL": database_url_of(connection.settings_dict),
        **environment,
    }
    with log.open("w") as output:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "platform_core",
                "worker",
                "--pool=solo",
                "--include=tests.support.celery_probe",
                "--loglevel=INFO",
                "--hostname=ratusz-test@%h",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            yield log
        finally:
            worker.terminate()
            worker.wait(timeout=30)
