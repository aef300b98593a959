from platform_core.celery import app

from .provisioning import IdentityProviderUnavailable, unit_organization_remove


# After an offboarding has committed, Keycloak may be away for a while: retried with backoff for about a day.
@app.task(
    name="identity.unit_organization_remove",
    autoretry_for=(IdentityProviderUnavailable,),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=40,
)
def unit_organization_remove_task(slug: str) -> None:
    unit_organization_remove(slug)
