"""A task for tests/platform_core/test_celery.py, loaded by the test worker with `--include`."""

from platform_core.celery import app
from shared_services.branding.services import branding_update


@app.task(name="tests.record_tagline")
def record_tagline(tagline: str) -> None:
    branding_update(tagline=tagline)  # writes into whichever schema the worker switched to
