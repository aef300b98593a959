"""/metrics: Prometheus' text format behind a bearer token, on any host; what the platform counts."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from platform_core import metrics
from shared_services.inbox.models import OutboxMessage, OutboxStatus
from shared_services.inbox.tasks import outbox_sweep

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-tests"


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return f"Bearer {TOKEN}"


def sample(text: str, name: str, **labels) -> float | None:
    """The value of one series in Prometheus' text format, or None when absent."""
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    for line in text.splitlines():
        match = re.fullmatch(r"([a-z_]+)(?:\{(.*)\})? (\S+)", line)
        if match and match[1] == name and ",".join(sorted((match[2] or "").split(","))).strip(",") == wanted:
            return float(match[3])
    return None


def scrape(client, token) -> str:
    response = client.get("/metrics", HTTP_HOST="10.42.0.17:8000", HTTP_AUTHORIZATION=token)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def test_metrics_are_off_without_a_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_HOST="localhost").status_code == 404
    assert client.get("/metrics", HTTP_HOST="localhost", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_metrics_need_the_token(client, token):
    for authorization in ({}, {"HTTP_AUTHORIZATION": "Bearer wrong"}, {"HTTP_AUTHORIZATION": TOKEN}):
        response = client.get("/metrics", HTTP_HOST="localhost", **authorization)
        assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
        assert b"ratusz_" not in response.content
    assert "ratusz_http_responses_total" in scrape(client, token)


def test_requests_are_counted_by_view_and_status_never_by_unit_or_path(client, token, unit_a):
    before = scrape(client, token)
    client.get("/", HTTP_HOST="localhost")
    client.get("/nie-ma-takiej-strony/", HTTP_HOST="torun.localhost")
    after = scrape(client, token)

    def grew(**labels):
        return (sample(after, "ratusz_http_responses_total", **labels) or 0) - (
            sample(before, "ratusz_http_responses_total", **labels) or 0
        )

    assert grew(view="portal-home", method="GET", status="200") == 1
    assert grew(view="unmatched", method="GET", status="404") == 1
    assert sample(after, "ratusz_http_request_duration_seconds_count", view="portal-home", method="GET") >= 1
    assert "torun" not in after and "jst_" not in after and "nie-ma-takiej" not in after


def test_outbox_backlog_is_what_the_sweep_measured(client, token, unit_a, unit_b):
    written = timezone.now() - timedelta(minutes=5)
    with tenant_context(unit_a):
        for number in range(2):
            message = OutboxMessage.objects.create(
                kind="test.never-due",
                key=f"backlog-{number}",
                status=OutboxStatus.PENDING,
                next_attempt_at=timezone.now() + timedelta(days=1),  # not due: the sweep leaves them pending
            )
        OutboxMessage.objects.filter(pk=message.pk).update(created_at=written)
    outbox_sweep()
    text = scrape(client, token)
    assert sample(text, "ratusz_outbox_backlog_messages") == 2
    assert 300 <= sample(text, "ratusz_outbox_oldest_pending_age_seconds") < 400
    assert sample(text, "ratusz_outbox_measured_age_seconds") < 60


def test_onboarding_jobs_are_reported_by_status(client, token):
    text = scrape(client, token)
    for status in ("queued", "running", "finished"):
        assert sample(text, "ratusz_onboarding_jobs", status=status) == 0


def test_celery_task_outcomes_and_payment_notifications_are_counted(client, token):
    class Task:
        name = "shared_services.inbox.tasks.outbox_sweep"

    metrics._task_started_at(task_id="t-1")
    metrics._task_finished(task_id="t-1", task=Task(), state="SUCCESS")
    metrics._task_finished(task_id="t-2", task=Task(), state="FAILURE")
    metrics.payment_notification_counted(provider="p24", kind="status", accepted=False)
    text = scrape(client, token)
    assert sample(text, "ratusz_celery_tasks_total", task=Task.name, outcome="success") >= 1
    assert sample(text, "ratusz_celery_tasks_total", task=Task.name, outcome="failure") >= 1
    assert sample(text, "ratusz_celery_task_duration_seconds_count", task=Task.name) >= 1
    assert sample(text, "ratusz_payment_notifications_total", provider="p24", kind="status", outcome="refused") >= 1


def test_intake_timer_records_the_outcome():
    def count(outcome):
        return metrics.REGISTRY.get_sample_value("ratusz_intake_duration_seconds_count", {"outcome": outcome}) or 0

    filed, failed, again = (count(outcome) for outcome in ("filed", "failed", "already_filed"))
    with metrics.IntakeTimer():
        pass
    with pytest.raises(RuntimeError), metrics.IntakeTimer():
        raise RuntimeError
    with pytest.raises(LookupError), metrics.IntakeTimer() as timer:
        timer.outcome = "already_filed"
        raise LookupError
    assert (count("filed"), count("failed"), count("already_filed")) == (filed + 1, failed + 1, again + 1)


def test_the_worker_endpoint_needs_the_token_too(settings):
    settings.METRICS_TOKEN = TOKEN
    answers = []

    def start_response(status, headers):
        answers.append(status)

    metrics.worker_metrics_app({"PATH_INFO": "/metrics"}, start_response)
    body = metrics.worker_metrics_app(
        {"PATH_INFO": "/metrics", "HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}, start_response
    )
    assert answers == ["401 Unauthorized", "200 OK"]
    assert b"ratusz_celery_tasks" in b"".join(body) and b"ratusz_onboarding_jobs" not in b"".join(body)


def test_a_filed_application_is_counted_as_an_intake(client, token, full_catalogue, unit_a, settings, tmp_path):
    from tests.support.letters import FORM_URL, LETTER, TORUN, application_file

    settings.UPO_KEYS_DIR = tmp_path / "upo-keys"
    before = sample(scrape(client, token), "ratusz_intake_duration_seconds_count", outcome="filed") or 0
    assert application_file(client, FORM_URL, LETTER, HTTP_HOST=TORUN).status_code == 302
    after = scrape(client, token)
    assert sample(after, "ratusz_intake_duration_seconds_count", outcome="filed") == before + 1
    assert sample(after, "ratusz_intake_duration_seconds_sum", outcome="filed") > 0


def test_the_counts_of_several_processes_add_up_in_one_scrape(tmp_path):
    """gunicorn's and Celery's processes each write to PROMETHEUS_MULTIPROC_DIR (made if missing); a scrape by any
    of them adds every process's counts up."""
    import os
    import subprocess
    import sys

    folder = tmp_path / "not-yet-made"
    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(folder),
        "DJANGO_SETTINGS_MODULE": "platform_core.settings_test",
    }
    count = (
        "import django; django.setup(); from platform_core import metrics; "
        "metrics.payment_notification_counted(provider='p24', kind='status', accepted=True)"
    )
    scrape = (
        "import django; django.setup(); from platform_core import metrics; import sys; "
        "sys.stdout.write(metrics.generate_latest(metrics.Exposition()).decode())"
    )
    for _ in range(2):
        subprocess.run([sys.executable, "-c", count], env=env, check=True)
    text = subprocess.run([sys.executable, "-c", scrape], env=env, check=True, capture_output=True, text=True).stdout
    assert sample(text, "ratusz_payment_notifications_total", provider="p24", kind="status", outcome="accepted") == 2
    assert len(list(folder.glob("counter_*.db"))) == 2
