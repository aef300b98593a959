from platform_core.celery import app

from .models import OnboardingJob
from .services import onboarding_job_run


@app.task(name="onboarding.run_job")
def onboarding_job_run_task(job_id: int) -> None:
    onboarding_job_run(job=OnboardingJob.objects.get(pk=job_id))
