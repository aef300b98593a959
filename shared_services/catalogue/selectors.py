"""Reads of the regional catalogue across units (public schema): regional search and who offers what."""

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, Lower

from tenants.models import Tenant, UnitStatus

from .models import Offering, OwnServiceListing, StandardService, StandardServiceVersion, VersionStatus
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
        StandardServiceVersion.objects.filter(
            status="published", service__retired_at__isnull=True, **similar_filter(words="search_words", text=text)
        )
        .annotate(**similar_annotations(words="search_words", name="name", text=text))
        .only("service_id", "name", "short_description")
        .order_by(*SIMILAR_ORDERING)[:limit]
    )
    return [(most_similar_first(version), version) for version in versions]


def _matching(text: str, tier: str, limit: int) -> list[tuple]:
    query, every_word = tier_query(text, tier), tier != ANY_WORD
    ranked = rank_annotations(vector="search_vector", name_vector="search_name", query=query)
    versions = (
        StandardServiceVersion.objects.filter(status="published", service__retired_at__isnull=True, search_vector=query)
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


# --- The operators' console: every card, whatever its state ------------------------------------------------

CARD_PUBLISHED, CARD_DRAFT, CARD_IN_REVIEW, CARD_RETIRED = "published", "draft", "review", "retired"
_OPEN = [VersionStatus.DRAFT, VersionStatus.IN_REVIEW]
# The versions a card is known by now: the published one, and the open one of a card never published.
_CURRENT = Q(status=VersionStatus.PUBLISHED) | Q(status__in=_OPEN, service__published__isnull=True)
CONSOLE_SEARCH_LIMIT = 200


def console_cards(
    *,
    text: str = "",
    category: str = "",
    life_event: str = "",
    unit_kind: str = "",
    maturity_level: int | None = None,
    status: str = "",
):
    """Every card of the catalogue for the operators' list: its published name (a new card's drafted one), its
    open version's number and status, how many active units offer it. Filters apply to the card as published
    (as drafted, when never published); `text` is searched as residents' search does (synonyms, typing
    mistakes), over published cards and open drafts, best first; otherwise by name."""
    open_versions = StandardServiceVersion.objects.filter(service=OuterRef("pk"), status__in=_OPEN)
    offered_by = (
        Offering.objects.filter(standard_service=OuterRef("pk"), unit__status=UnitStatus.ACTIVE)
        .order_by()
        .values("standard_service")
        .annotate(units=Count("pk"))
        .values("units")
    )
    cards = (
        StandardService.objects.select_related("published")
        .defer("published__search_vector", "published__search_name", "published__search_words")
        .annotate(
            open_number=Subquery(open_versions.values("number")[:1]),
            open_status=Subquery(open_versions.values("status")[:1]),
            card_name=Coalesce(F("published__name"), Subquery(open_versions.values("name")[:1])),
            unit_count=Coalesce(Subquery(offered_by), 0),
        )
    )
    current = {
        "categories__slug": category,
        "life_events__slug": life_event,
        "unit_kinds__contains": [unit_kind] if unit_kind else None,
        "maturity_level": maturity_level,
    }
    for lookup, value in current.items():
        if value:
            cards = cards.filter(
                Exists(StandardServiceVersion.objects.filter(_CURRENT, service=OuterRef("pk"), **{lookup: value}))
            )
    cards = cards.filter(**_status_filter(status)) if status else cards
    if not text.strip():
        return cards.order_by(Lower("card_name"), "slug")
    found = console_card_search(text)
    return cards.filter(pk__in=found).order_by(Case(*(When(pk=pk, then=Value(i)) for i, pk in enumerate(found))))


def _status_filter(status: str) -> dict:
    return {
        CARD_PUBLISHED: {"published__isnull": False, "retired_at__isnull": True},
        CARD_DRAFT: {"open_status": VersionStatus.DRAFT},
        CARD_IN_REVIEW: {"open_status": VersionStatus.IN_REVIEW},
        CARD_RETIRED: {"retired_at__isnull": False},
    }.get(status, {})


def console_card_search(text: str, *, limit: int = CONSOLE_SEARCH_LIMIT) -> list[int]:
    """Ids of the cards matching `text`, best first, by the tiers of catalogue.search (the first tier that finds
    anything answers), over the versions a card is known by now and its open draft; one query per tier tried."""
    if not query_words(text):
        return []
    versions = StandardServiceVersion.objects.filter(Q(status=VersionStatus.PUBLISHED) | Q(status__in=_OPEN)).only(
        "service_id", "name", "keywords"
    )
    for tier in SEARCH_TIERS:
        if tier == SIMILAR:
            similar = (
                versions.filter(**similar_filter(words="search_words", text=text))
                .annotate(**similar_annotations(words="search_words", name="name", text=text))
                .order_by(*SIMILAR_ORDERING)[:limit]
            )
            found = [(most_similar_first(version), version) for version in similar]
        else:
            query, every_word = tier_query(text, tier), tier != ANY_WORD
            ranked = (
                versions.filter(search_vector=query)
                .annotate(**rank_annotations(vector="search_vector", name_vector="search_name", query=query))
                .order_by(*ordering(every_word))[:limit]
            )
            found = [
                (best_first(version, keywords=version.keywords, text=text, every_word=every_word), version)
                for version in ranked
            ]
        if found:
            found.sort(key=lambda pair: (*pair[0], pair[1].name))
            return list(dict.fromkeys(version.service_id for _, version in found))
    return []


def card_units_offering_count(service: StandardService) -> int:
    """How many active units offer the card: who gets its next published version at once."""
    return Offering.objects.filter(standard_service=service, unit__status=UnitStatus.ACTIVE).count()


def card_history(service: StandardService):
    """Every version of a card, newest first, with who moved it along."""
    return service.versions.order_by("-number").defer("search_vector", "search_name", "search_words")
