"""What an orchestrator asks a web pod: is the process alive (`/healthz`), can it serve (`/readyz`), and how busy
the platform is (`/metrics`, platform_core/metrics.py).

These answer before anything else in the middleware: before the host is routed to a unit (a kubelet probes the
pod's IP, Prometheus its address, neither of which is in ALLOWED_HOSTS), before sessions, language and the HTTPS
redirect. So a probe never reads the database's unit registry, writes a session or gets a redirect, and on any
host — a unit's, the platform's or an IP — they answer the same.
"""

import logging
import time
from collections.abc import Callable

from django.core.cache import caches
from django.db import connections
from django.http import HttpResponse, JsonResponse

from platform_core.metrics_view import metrics_view

logger = logging.getLogger("ratusz.health")

HEALTHZ, READYZ, METRICS = "/healthz", "/readyz", "/metrics"
# How long one dependency may take to answer a readiness check; the chart's probe timeout is longer than all
# three together.
CHECK_TIMEOUT_SECONDS = 2


def database_reachable(connection=None) -> None:
    """`SELECT 1` on the default database (a fresh connection if the pooled one was dropped)."""
    connection = connection or connections["default"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def cache_reachable(cache=None) -> None:
    """A write and read back in the shared cache (Redis in production), which routes hosts to units."""
    cache = cache or caches["default"]
    probe = f"readyz:{time.monotonic_ns()}"
    cache.set(probe, "ok", timeout=10)
    if cache.get(probe) != "ok":
        raise RuntimeError("the cache did not keep a value")
    cache.delete(probe)


def broker_reachable(app=None) -> None:
    """A connection to Celery's broker, without retries: the inbox's outbox and onboarding queue work there."""
    if app is None:
        from platform_core.celery import app
    with app.connection_for_write(connect_timeout=CHECK_TIMEOUT_SECONDS) as broker:
        broker.ensure_connection(max_retries=1, timeout=CHECK_TIMEOUT_SECONDS)


READINESS_CHECKS: dict[str, Callable[[], None]] = {
    "database": database_reachable,
    "cache": cache_reachable,
    "broker": broker_reachable,
}


def readiness(checks: dict[str, Callable[[], None]] | None = None) -> dict[str, str]:
    """Each dependency's state, "ok" or the error's class; every check runs, so the answer names all that failed."""
    states = {}
    for name, check in (checks or READINESS_CHECKS).items():
        try:
            check()
        except Exception as error:  # any failure means not ready; what it was goes to the log
            logger.warning("readiness check failed", extra={"dependency": name, "error": repr(error)})
            states[name] = type(error).__name__
        else:
            states[name] = "ok"
    return states


def healthz(request):
    """Alive: the process answers. No I/O, so a slow database never gets a pod restarted."""
    return HttpResponse("ok\n", content_type="text/plain")


def readyz(request):
    """Ready: 200 when the database, the cache and the broker answer, otherwise 503 naming those that did not."""
    states = readiness()
    failed = [name for name, state in states.items() if state != "ok"]
    # A planned 503, like a suspended unit's: the probe reports it and each failed check is logged above; not an
    # error for django.request to log again (and Sentry to count) every ten seconds per pod.
    request.unit_unavailable = bool(failed)
    body = {"status": "ready" if not failed else "unavailable", "failed": failed, "checks": states}
    return JsonResponse(body, status=503 if failed else 200)


_ROUTES = {HEALTHZ: healthz, READYZ: readyz, METRICS: metrics_view}


class HealthMiddleware:
    """Answers /healthz, /readyz and /metrics on any host, before routing and sessions (see the module's doc).
    Only GET and HEAD; the rest of the platform never has these paths."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = _ROUTES.get(request.path_info)
        if view is None or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        response = view(request)
        response["Cache-Control"] = "no-store"
        return response
