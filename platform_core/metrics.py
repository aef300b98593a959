"""Prometheus metrics: what each process counts, what is measured when Prometheus asks, and the two endpoints.

prometheus-client itself, not django-prometheus: the platform's own measures (intake, outbox, payments,
onboarding, Celery) are most of what is wanted, django-prometheus's request metrics label by view as these do, and
its database and cache wrappers would replace django-tenants' database backend and our JSON Redis cache. Under
gunicorn's and Celery's several processes, each writes its numbers to files in `PROMETHEUS_MULTIPROC_DIR` and one
scrape adds them up (prometheus-client's multiprocess mode); without that variable (`make run`, tests) the
process's own numbers are served.

Labels are bounded by the code, never by data: `view` is a URL pattern's name (a few hundred), `method` one of
seven, `status` an HTTP status, `task` a registered Celery task's name, `provider` and `kind` a payment provider
and its notification kinds (PAYMENT_PROVIDERS). No metric has the unit, the host or a path as a label: with
2,807 units, one per label value times views, statuses and buckets would be millions of series; the unit of each
request is on its log line instead (docs/deployment.md, "Metrics").

`/metrics` on the web pods (platform_core/metrics_view.py) answers only with `Authorization: Bearer <METRICS_TOKEN>` (404 while METRICS_TOKEN is
unset); a Celery worker serves the same on METRICS_PORT when that is set.
"""

import hmac
import logging
import os
import shutil
import threading
import time
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

from celery.signals import task_postrun, task_prerun, worker_init, worker_ready
from django.conf import settings
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

logger = logging.getLogger("ratusz.metrics")

MULTIPROCESS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
# The image names the folder for every process; one no server prepared (a management command in a Job, beat) must
# still be able to count, so the folder is made when missing (prometheus-client would fail to open its file).
if os.environ.get(MULTIPROCESS_DIR_VARIABLE):
    Path(os.environ[MULTIPROCESS_DIR_VARIABLE]).mkdir(parents=True, exist_ok=True)
# Seconds: a page is fast under 0.1, filing an application with attachments may take a few.
_LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# A request no URL pattern matched (404s, the unknown-host and suspended-unit pages the routing answers).
UNMATCHED_VIEW = "unmatched"

HTTP_REQUEST_SECONDS = Histogram(
    "ratusz_http_request_duration_seconds",
    "Time to answer a request, by URL pattern name and method.",
    ["view", "method"],
    buckets=_LATENCY_BUCKETS,
)
HTTP_RESPONSES = Counter(
    "ratusz_http_responses",
    "Responses sent, by URL pattern name, method and status.",
    ["view", "method", "status"],
)
INTAKE_SECONDS = Histogram(
    "ratusz_intake_duration_seconds",
    "Time to file one application (store, register, open the case, sign the receipt); its _count is the intake "
    "count. outcome: filed, already_filed (sent again), failed.",
    ["outcome"],
    buckets=_LATENCY_BUCKETS,
)
CELERY_TASKS = Counter(
    "ratusz_celery_tasks",
    "Celery tasks finished, by task name and outcome (success, failure, retry, …).",
    ["task", "outcome"],
)
CELERY_TASK_SECONDS = Histogram(
    "ratusz_celery_task_duration_seconds", "Time a Celery task ran, by task name.", ["task"], buckets=_LATENCY_BUCKETS
)
PAYMENT_NOTIFICATIONS = Counter(
    "ratusz_payment_notifications",
    "Payment providers' notifications, by provider, kind and outcome (accepted or refused).",
    ["provider", "kind", "outcome"],
)


# --- What the processes count ----------------------------------------------------------------------------------


class RequestMetricsMiddleware:
    """Latency and status of each request by the name of the URL pattern that answered it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or UNMATCHED_VIEW) if match is not None else UNMATCHED_VIEW
        method = request.method if request.method in _METHODS else "other"
        HTTP_REQUEST_SECONDS.labels(view=view, method=method).observe(time.perf_counter() - started)
        HTTP_RESPONSES.labels(view=view, method=method, status=str(response.status_code)).inc()
        return response


class IntakeTimer:
    """`with IntakeTimer() as timer: …; timer.outcome = "already_filed"` — observes the time under its outcome,
    `failed` when the block raised."""

    def __init__(self):
        self.outcome = "filed"

    def __enter__(self):
        self._started = time.perf_counter()
        return self

    def __exit__(self, exc_type, exc, tb):
        outcome = "failed" if exc_type is not None and self.outcome == "filed" else self.outcome
        INTAKE_SECONDS.labels(outcome=outcome).observe(time.perf_counter() - self._started)
        return False


def payment_notification_counted(*, provider: str, kind: str, accepted: bool) -> None:
    PAYMENT_NOTIFICATIONS.labels(provider=provider, kind=kind, outcome="accepted" if accepted else "refused").inc()


_task_started: dict[str, float] = {}


@task_prerun.connect(dispatch_uid="ratusz-metrics-prerun")
def _task_started_at(task_id=None, **kwargs):
    _task_started[task_id] = time.perf_counter()


@task_postrun.connect(dispatch_uid="ratusz-metrics-postrun")
def _task_finished(task_id=None, task=None, state=None, **kwargs):
    name = getattr(task, "name", None) or "unknown"
    CELERY_TASKS.labels(task=name, outcome=(state or "unknown").lower()).inc()
    started = _task_started.pop(task_id, None)
    if started is not None:
        CELERY_TASK_SECONDS.labels(task=name).observe(time.perf_counter() - started)


# --- The outbox's backlog, measured by the sweep ------------------------------------------------------------
# Counting pending messages means reading every unit's schema; the outbox sweep (Celery beat, every minute) does
# so anyway, so it leaves the totals in the shared cache and a scrape only reads them. A web process never opens
# thousands of schemas for a scrape (each costs PostgreSQL memory for the connection's life).
OUTBOX_CACHE_KEY = "outbox-backlog"


def _metrics_cache():
    from django.core.cache import caches

    return caches["metrics"]


def outbox_backlog_record(*, pending: int, oldest_created_at) -> None:
    """What the sweep found: pending messages in all units and when the oldest of them was written."""
    _metrics_cache().set(
        OUTBOX_CACHE_KEY,
        {
            "pending": pending,
            "oldest": oldest_created_at.timestamp() if oldest_created_at else None,
            "measured": time.time(),
        },
        timeout=None,
    )


def outbox_families():
    measured = _metrics_cache().get(OUTBOX_CACHE_KEY)
    if not measured:
        return
    backlog = GaugeMetricFamily(
        "ratusz_outbox_backlog_messages", "Outbox messages pending in all units when the sweep last looked."
    )
    backlog.add_metric([], measured["pending"])
    yield backlog
    age = GaugeMetricFamily(
        "ratusz_outbox_oldest_pending_age_seconds", "Age of the oldest pending outbox message (0 when none)."
    )
    age.add_metric([], max(0.0, time.time() - measured["oldest"]) if measured["oldest"] else 0.0)
    yield age
    since = GaugeMetricFamily(
        "ratusz_outbox_measured_age_seconds", "Seconds since the outbox sweep last measured the backlog."
    )
    since.add_metric([], max(0.0, time.time() - measured["measured"]))
    yield since


class Exposition:
    """What one scrape answers: the processes' counters (all of them in multiprocess mode) and the measures taken
    at scrape time (`measures`: functions yielding metric families). A failing measure is left out, never the
    whole answer."""

    def __init__(self, measures=()):
        self.measures = measures

    def collect(self):
        if os.environ.get(MULTIPROCESS_DIR_VARIABLE):
            yield from MultiProcessCollector(None).collect()
        else:
            yield from REGISTRY.collect()
        for measure in self.measures:
            try:
                yield from measure()
            except Exception as error:  # e.g. the database is down: /readyz says so, the scrape still answers
                logger.warning("a scrape-time metric could not be measured", extra={"error": repr(error)})


def authorised(authorization: str | None) -> bool:
    """Whether an Authorization header carries METRICS_TOKEN (never, while it is unset)."""
    token = settings.METRICS_TOKEN
    return bool(token) and hmac.compare_digest((authorization or "").encode(), f"Bearer {token}".encode())


# --- Multiprocess housekeeping and the worker's endpoint ---------------------------------------------------------


def multiprocess_dir_reset() -> None:
    """Empty PROMETHEUS_MULTIPROC_DIR before the first process writes to it: a restarted container keeps its
    emptyDir, and last run's counters must not be added to this run's."""
    folder = os.environ.get(MULTIPROCESS_DIR_VARIABLE)
    if not folder:
        return
    shutil.rmtree(folder, ignore_errors=True)
    Path(folder).mkdir(parents=True, exist_ok=True)


@worker_init.connect(dispatch_uid="ratusz-metrics-worker-init")
def _worker_init(**kwargs):
    multiprocess_dir_reset()


def worker_metrics_app(environ, start_response):
    """The worker's /metrics: the same token, the processes' counters only (no database or cache reads)."""
    if environ.get("PATH_INFO") != "/metrics":
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found\n"]
    if not authorised(environ.get("HTTP_AUTHORIZATION")):
        start_response("401 Unauthorized", [("Content-Type", "text/plain"), ("WWW-Authenticate", "Bearer")])
        return [b"a bearer token is required\n"]
    start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST)])
    return [generate_latest(Exposition())]


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # every scrape would be a line on stderr
        pass


@worker_ready.connect(dispatch_uid="ratusz-metrics-worker-ready")
def _worker_serves_metrics(**kwargs):
    port = settings.METRICS_PORT
    if not port or not settings.METRICS_TOKEN:
        return
    server = make_server("0.0.0.0", port, worker_metrics_app, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    logger.info("worker metrics served", extra={"port": port})
