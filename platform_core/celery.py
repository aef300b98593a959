import os

from tenant_schemas_celery.app import CeleryApp

# Their Celery signal handlers: tasks log under the request's id and are counted for /metrics.
from platform_core import metrics, request_id  # noqa: F401

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_core.settings")

# tenant-schemas-celery: a task queued while the connection is in unit A's schema carries A's schema
# name in its headers, and the worker switches to A's schema before running it.
app = CeleryApp("ratusz")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
