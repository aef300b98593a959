"""Reads of the regional catalogue across units (public schema): regional search and who offers what."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, prefetch_related_objects

from tenants.models import Tenant, UnitStatus

from .models import Offering, OwnServiceListing, StandardService, StandardServiceVersion
from .search import (
    ANY_WORD,
    SEARCH_TIERS,
    SIMILAR,
    SIMILAR_ORDERING,
    best_first,
    keyword_list,
    most_similar_first,
    ordering,
    query_words,
    rank_annotations,
    similar_annotations,
    similar_filter,
    tier_query,
)


@dataclass(frozen=True)
class RegionalResult:
    name: str
    short_description: str
    path: str  # the service's page on each offering unit's subdomain
    units: list[Tenant]  # active units that offer it, by name
    standard_slug: str | None = None  # None for a unit's own service


def _offering_units():
    return Prefetch(
        "service__offerings",
        to_attr="active_offerings",
        queryset=Offering.objects.filter(unit__status=UnitStatus.ACTIVE).select_related("unit").order_by("unit__name"),
    )


def regional_search(text: str, *, limit: int = 20) -> list[RegionalResult]:
    """Services of every participating unit matching `text` (the same Polish-aware matching and tiers as a
    unit's search): standard services with the units that offer them, and units' own services with their
    unit. At most two queries per tier tried, and two for the units of what is found."""
    if not query_words(text):
        return []
    for tier in SEARCH_TIERS:
        found = _similar_cards(text, limit) if tier == SIMILAR else _matching(text, tier, limit)
        if found:
            found.sort(key=lambda pair: (*pair[0], pair[1].name))
            best = [item for _, item in found[:limit]]
            prefetch_related_objects(
                [item for item in best if isinstance(item, StandardServiceVersion)], "service", _offering_units()
            )
            return [_regional_result(item) for item in best]
    return []


def _similar_cards(text: str, limit: int) -> list[tuple]:
    versions = (
        StandardServiceVersion.objects.filter(status="published", **similar_filter(words="search_words", text=text))
        .annotate(**similar_annotations(words="search_words", name="name", text=text))
        .only("service_id", "name", "short_description")
        .order_by(*SIMILAR_ORDERING)[:limit]
    )
    return [(most_similar_first(version), version) for version in versions]


def _matching(text: str, tier: str, limit: int) -> list[tuple]:
    query, every_word = tier_query(text, tier), tier != ANY_WORD
    ranked = rank_annotations(vector="search_vector", name_vector="search_name", query=query)
    versions = (
        StandardServiceVersion.objects.filter(status="published", search_vector=query)
        .annotate(**ranked)
        .only("service_id", "name", "short_description", "keywords")
        .order_by(*ordering(every_word))[: limit + 30]
    )
    listings = (
        OwnServiceListing.objects.filter(search_vector=query, unit__status=UnitStatus.ACTIVE)
        .annotate(**ranked)
        .select_related("unit")
        .order_by(*ordering(every_word))[: limit + 30]
    )
    found = [
        (best_first(version, keywords=version.keywords, text=text, every_word=every_word), version)
        for version in versions
    ]
    found += [
        (best_first(listing, keywords=keyword_list(listing.keywords), text=text, every_word=every_word), listing)
        for listing in listings
    ]
    return found


def _regional_result(item) -> RegionalResult:
    if isinstance(item, OwnServiceListing):
        return RegionalResult(item.name, item.short_description, f"uslugi-lokalne/{item.slug}/", [item.unit])
    slug = item.service.slug
    return RegionalResult(
        item.name,
        item.short_description,
        f"uslugi/{slug}/",
        [offering.unit for offering in item.service.active_offerings],
        standard_slug=slug,
    )


def adoption_overview():
    """Every published standard service with how many active units offer it, most offered first."""
    return (
        StandardService.objects.filter(published__isnull=False)
        .select_related("published")
        .annotate(unit_count=Count("offerings", filter=Q(offerings__unit__status=UnitStatus.ACTIVE)))
        .order_by("-unit_count", "published__name")
    )


def units_offering(service: StandardService):
    return Tenant.objects.filter(offerings__standard_service=service, status=UnitStatus.ACTIVE).order_by("name")


def services_offered_by(unit: Tenant):
    return StandardService.objects.filter(offerings__unit=unit).select_related("published").order_by("published__name")
