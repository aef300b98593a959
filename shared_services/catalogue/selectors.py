"""Reads of the regional catalogue across units (public schema): regional search and who offers what."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, prefetch_related_objects

from tenants.models import Tenant, UnitStatus

from .models import Offering, StandardService, StandardServiceVersion
from .search import best_first, ordering, rank_annotations, search_query


@dataclass(frozen=True)
class RegionalResult:
    version: StandardServiceVersion
    units: list[Tenant]  # active units that offer it, by name


def _offering_units():
    return Prefetch("service__offerings", to_attr="active_offerings",
                    queryset=Offering.objects.filter(unit__status=UnitStatus.ACTIVE).select_related("unit")
                    .order_by("unit__name"))


def regional_search(text: str, *, limit: int = 20) -> list[RegionalResult]:
    """Standard services matching `text` (the same Polish-aware matching as a unit's search), each with the
    participating units that offer it. Three queries whatever the number of results."""
    for every_word in (True, False):
        query = search_query(text, every_word=every_word)
        if query is None:
            return []
        versions = list(StandardServiceVersion.objects.filter(status="published", search_vector=query)
                        .annotate(**rank_annotations(vector="search_vector", name_vector="search_name", query=query))
                        .only("service_id", "name", "short_description", "keywords")
                        .order_by(*ordering(every_word))[:limit + 30])
        if versions:
            versions.sort(key=lambda version: (*best_first(version, keywords=version.keywords, text=text,
                                                           every_word=every_word), version.name))
            versions = versions[:limit]
            prefetch_related_objects(versions, "service", _offering_units())
            return [RegionalResult(version, [offering.unit for offering in version.service.active_offerings])
                    for version in versions]
    return []


def adoption_overview():
    """Every published standard service with how many active units offer it, most offered first."""
    return (StandardService.objects.filter(published__isnull=False).select_related("published")
            .annotate(unit_count=Count("offerings", filter=Q(offerings__unit__status=UnitStatus.ACTIVE)))
            .order_by("-unit_count", "published__name"))


def units_offering(service: StandardService):
    return (Tenant.objects.filter(offerings__standard_service=service, status=UnitStatus.ACTIVE).order_by("name"))


def services_offered_by(unit: Tenant):
    return (StandardService.objects.filter(offerings__unit=unit).select_related("published")
            .order_by("published__name"))
