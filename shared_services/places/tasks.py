"""The lookups of places, after the transaction that stored them (services._lookups_queue), in the unit's schema
(tenant-schemas-celery carries it in the task's headers). A service that is down is asked again with growing
pauses (Celery's exponential backoff, 30 s doubling to an hour), and the sweep requeues whatever is still
pending (a lost task, a broker that was down at filing)."""

from celery import shared_task
from django_tenants.utils import tenant_context

from tenants.sweeps import units_swept

from . import services
from .selectors import places_pending

RETRY_BACKOFF_SECONDS = 30
RETRY_BACKOFF_MAX_SECONDS = 3600


@shared_task(bind=True, max_retries=services.MAX_ATTEMPTS, acks_late=True)
def place_resolve(self, place_id: int) -> str:
    outcome = services.place_resolve(place_id)
    if outcome == "unavailable":
        countdown = min(RETRY_BACKOFF_SECONDS * 2**self.request.retries, RETRY_BACKOFF_MAX_SECONDS)
        raise self.retry(countdown=countdown)
    return outcome


@shared_task
def places_resolve_sweep() -> int:
    """Periodically (CELERY_BEAT_SCHEDULE): look up, in every unit, the places still pending."""
    done = 0
    for unit in units_swept():
        with tenant_context(unit):
            for place in places_pending():
                services.place_resolve(place.pk)
                done += 1
    return done
