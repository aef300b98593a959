"""What /metrics reports of onboarding (platform_core/metrics.py): bulk jobs by status, one query in the public
schema per scrape."""

from django.db.models import Count

from .models import JobStatus, OnboardingJob


def onboarding_jobs_by_status() -> dict[str, int]:
    """Every status, those with no job at 0, so a series never disappears."""
    counts = dict.fromkeys(JobStatus.values, 0)
    counts.update(OnboardingJob.objects.order_by().values_list("status").annotate(n=Count("id")))
    return counts
