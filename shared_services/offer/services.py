from shared_services.catalogue.models import StandardService

from .models import AdoptedService


def offer_adopt_defaults(*, unit_kind: str) -> int:
    """Adopt, in the current unit, every published standard service meant for its kind; returns how many
    were added (services adopted earlier are kept as the unit set them)."""
    standard = StandardService.objects.filter(published__unit_kinds__contains=[unit_kind])
    adopted = set(AdoptedService.objects.values_list("standard_service_id", flat=True))
    new = [AdoptedService(standard_service=service) for service in standard if service.pk not in adopted]
    AdoptedService.objects.bulk_create(new)
    return len(new)
