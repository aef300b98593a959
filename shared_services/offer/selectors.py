from .models import AdoptedService


def offered_services():
    """The current unit's services as residents see them: the standard card's published version with the
    unit's local details (fee override, department, room …)."""
    return (AdoptedService.objects.filter(enabled=True, standard_service__published__isnull=False)
            .select_related("standard_service__published").order_by("standard_service__published__name"))


def fee_grosze(adopted: AdoptedService) -> int:
    """What this unit charges: its own fee where it set one, otherwise the standard fee."""
    if adopted.fee_override_grosze is not None:
        return adopted.fee_override_grosze
    return adopted.standard_service.published.fee_grosze
