from platform_core.celery import app

from .models import OnboardingJob, UnitExport
from .services import office_export_run, office_exports_expire, onboarding_job_run


@app.task(name="onboarding.run_job")
def onboarding_job_run_task(job_id: int) -> None:
    onboarding_job_run(job=OnboardingJob.objects.get(pk=job_id))


@app.task(name="onboarding.office_export_run")
def office_export_run_task(export_id: int) -> None:
    office_export_run(export=UnitExport.objects.get(pk=export_id))


@app.task(name="onboarding.office_exports_expire")
def office_exports_expire_task() -> None:
    office_exports_expire()
