"""Every log line of a request, its response and its Sentry events carry one request id; tasks it queues too."""

import io
import json
import logging
from types import SimpleNamespace

import pytest
from pythonjsonlogger.json import JsonFormatter

from platform_core import request_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_lines():
    [handler] = [h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter)]
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    handler.setStream(previous)


def test_every_line_of_a_request_carries_the_id_of_its_response(client, unit_a, log_lines):
    response = client.get("/oidc/zakoncz/?ticket=zly", HTTP_HOST="torun.localhost")  # Django logs a warning too
    given = response["X-Request-ID"]
    lines = log_lines()
    assert len(lines) >= 2 and {line["request_id"] for line in lines} == {given}
    assert len(given) == 32

    other = client.get("/", HTTP_HOST="localhost")["X-Request-ID"]
    assert other != given
    assert log_lines()[-1]["request_id"] == other


def test_the_ingress_id_is_kept_when_well_formed(client, log_lines):
    ingress_id = "0f8e2c4a9b7d4e1f8a3c5b6d7e8f9a0b"
    response = client.get("/", HTTP_HOST="localhost", HTTP_X_REQUEST_ID=ingress_id)
    assert response["X-Request-ID"] == ingress_id and log_lines()[-1]["request_id"] == ingress_id

    forged = client.get("/", HTTP_HOST="localhost", HTTP_X_REQUEST_ID='x"}\n{"level": "ERROR"')
    assert forged["X-Request-ID"] != 'x"}\n{"level": "ERROR"' and len(forged["X-Request-ID"]) == 32


def test_outside_a_request_lines_have_no_id(log_lines):
    logging.getLogger("ratusz.test").warning("beat starting")
    assert log_lines()[-1]["request_id"] is None


def test_a_task_queued_by_a_request_logs_under_its_id():
    token = request_id._current.set("abc12345request")
    try:
        headers = {}
        request_id._task_carries_request_id(headers=headers)
    finally:
        request_id._current.reset(token)
    assert headers == {request_id.TASK_HEADER: "abc12345request"}

    task = SimpleNamespace(request=SimpleNamespace(id="task-id-1", ratusz_request_id="abc12345request"))
    request_id._task_logs_under_request_id(task=task)
    assert request_id.current_request_id() == "abc12345request"
    request_id._task_done()
    # A task of beat's, queued outside any request: its own task id.
    request_id._task_logs_under_request_id(task=SimpleNamespace(request=SimpleNamespace(id="task-id-2")))
    assert request_id.current_request_id() == "task-id-2"
    request_id._task_done()
    assert request_id.current_request_id() is None


def test_an_error_line_logged_after_the_middleware_answered_carries_the_id(settings, unit_a, log_lines):
    from django.test import Client

    settings.ROOT_URLCONF = "tests.support.urls_with_failing_view"
    response = Client(raise_request_exception=False).get("/awaria/", HTTP_HOST="torun.localhost")
    [error] = [line for line in log_lines() if line["logger"] == "django.request"]
    assert error["level"] == "ERROR" and error["request_id"] == response["X-Request-ID"]
    # Once the response is finished, nothing else is logged under it.
    assert request_id.current_request_id() is None
