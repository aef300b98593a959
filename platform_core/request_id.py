"""One id per request, on every log line written while it is served, on its Sentry events and in its response.

The id comes from the ingress (`X-Request-ID`, which ingress-nginx sets and passes on) when it looks like one, so
that the controller's access log and the platform's lines can be joined; otherwise a new one is made. Celery tasks
queued while a request is served carry its id in their headers, and the worker logs their lines under it.
"""

import re
import uuid
from contextvars import ContextVar

from celery.signals import before_task_publish, task_postrun, task_prerun
from django.core.signals import request_finished
from django.dispatch import receiver

REQUEST_ID_HEADER = "X-Request-ID"
TASK_HEADER = "ratusz_request_id"
# What an id given by the ingress may look like: a UUID or a hex string of its kind; anything else (a header a
# client sent through a proxy that does not replace it) is not written into logs.
_WELL_FORMED = re.compile(r"[A-Za-z0-9-]{8,64}")

_current: ContextVar[str | None] = ContextVar("ratusz_request_id", default=None)


def current_request_id() -> str | None:
    return _current.get()


def _given_or_new(value: str | None) -> str:
    return value if value and _WELL_FORMED.fullmatch(value) else uuid.uuid4().hex


class RequestIdMiddleware:
    """Outermost: everything the request logs, the request log line included, carries its id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = _given_or_new(request.headers.get(REQUEST_ID_HEADER))
        # Kept until the response is finished (below), not only until this returns: Django logs a 5xx response
        # (django.request) after the middleware has answered.
        _current.set(request.request_id)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request.request_id
        return response


@receiver(request_finished, dispatch_uid="ratusz-request-id-finished")
def _request_finished(**kwargs):
    _current.set(None)


class RequestIdFilter:
    """Adds `request_id` (None outside a request or task) to each log record."""

    def filter(self, record):
        record.request_id = _current.get()
        return True


@before_task_publish.connect(dispatch_uid="ratusz-request-id-publish")
def _task_carries_request_id(headers=None, **kwargs):
    if headers is not None and (request_id := _current.get()):
        headers.setdefault(TASK_HEADER, request_id)


@task_prerun.connect(dispatch_uid="ratusz-request-id-prerun")
def _task_logs_under_request_id(task=None, **kwargs):
    if task is None:
        return
    # A task queued outside any request (beat's sweeps) logs under its own task id.
    _current.set(getattr(task.request, TASK_HEADER, None) or task.request.id)


@task_postrun.connect(dispatch_uid="ratusz-request-id-postrun")
def _task_done(**kwargs):
    _current.set(None)
