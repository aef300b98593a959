"""The web pods' /metrics (answered by platform_core/health.py's middleware): the processes' counters and what is
measured when Prometheus asks. A composition root, like the URLconfs: it reads onboarding's jobs, which the
counters in platform_core/metrics.py, imported by every app, must not."""

from django.conf import settings
from django.http import HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.core import GaugeMetricFamily

from onboarding.metrics import onboarding_jobs_by_status
from platform_core.metrics import Exposition, authorised, outbox_families


def onboarding_families():
    jobs = GaugeMetricFamily(
        "ratusz_onboarding_jobs", "Bulk onboarding jobs by status (queued, running, finished).", labels=["status"]
    )
    for status, count in onboarding_jobs_by_status().items():
        jobs.add_metric([status], count)
    yield jobs


def metrics_view(request):
    """Prometheus' text format for `Authorization: Bearer <METRICS_TOKEN>`; 404 while no token is configured."""
    if not settings.METRICS_TOKEN:
        return HttpResponse("metrics are off (METRICS_TOKEN is not set)\n", status=404, content_type="text/plain")
    if not authorised(request.headers.get("Authorization")):
        response = HttpResponse("a bearer token is required\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    exposition = Exposition(measures=(outbox_families, onboarding_families))
    return HttpResponse(generate_latest(exposition), content_type=CONTENT_TYPE_LATEST)
