"""Reads of a unit's BIP. What the public sees of an item is its newest version whose publication time has
come (`visible_version`); drafts and scheduled versions are the office's only."""

from datetime import datetime

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from shared_services.offer.selectors import offered_services

from .models import ChangeKind, Editor, EditorialOffice, Publication, PublicationVersion, Section, Subscription

SECTION_KEY_PREFIX = "bip:"


def section_subscription_key(section: Section) -> str:
    return f"{SECTION_KEY_PREFIX}{section.key}"


def sections_menu(*, only_visible: bool = True) -> QuerySet[Section]:
    sections = Section.objects.all()
    return sections.filter(visible=True) if only_visible else sections


def _due_versions(now: datetime, publication: OuterRef | None = None):
    """Versions of the outer query's item (its pk, or `publication`) whose time has come, newest first (the
    first is the one shown)."""
    return PublicationVersion.objects.filter(
        publication=publication if publication is not None else OuterRef("pk"), published_at__lte=now
    ).order_by("-number")


def published_publications(*, now: datetime | None = None, section: Section | None = None) -> QuerySet[Publication]:
    """Items the public sees listed: with a version whose time has come and not withdrawn by it. Each carries
    `shown_title`, `shown_summary`, `shown_published_at` and `first_published_at` of its visible version."""
    now = now or timezone.now()
    due = _due_versions(now)
    publications = (
        Publication.objects.annotate(
            shown_number=Subquery(due.values("number")[:1]),
            shown_kind=Subquery(due.values("kind")[:1]),
            shown_title=Subquery(due.values("title")[:1]),
            shown_summary=Subquery(due.values("summary")[:1]),
            shown_published_at=Subquery(due.values("published_at")[:1]),
            first_published_at=Subquery(
                PublicationVersion.objects.filter(publication=OuterRef("pk"), number=1).values("published_at")[:1]
            ),
        )
        .filter(shown_number__isnull=False)
        .exclude(shown_kind=ChangeKind.WITHDRAWN)
        .select_related("section")
        .order_by("-first_published_at", "-pk")
    )
    return publications.filter(section=section) if section is not None else publications


def publication_search(*, query: str, now: datetime | None = None) -> QuerySet[Publication]:
    """Published items whose visible version's title, summary or content contains every word of `query`."""
    now = now or timezone.now()
    words = [word for word in query.split() if word][:8]
    matches = PublicationVersion.objects.filter(publication=OuterRef("pk"), number=OuterRef("shown_number"))
    for word in words:
        matches = matches.filter(Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word))
    return published_publications(now=now).filter(Exists(matches))


def visible_version(publication: Publication, *, now: datetime | None = None) -> PublicationVersion | None:
    """The version the public sees now (a withdrawal notice when withdrawn); None before the first is due."""
    now = now or timezone.now()
    return publication.versions.filter(published_at__lte=now).order_by("-number").first()


def public_versions(publication: Publication, *, now: datetime | None = None) -> QuerySet[PublicationVersion]:
    """The item's change register as the public sees it: every version whose time has come, newest first."""
    now = now or timezone.now()
    return publication.versions.filter(published_at__lte=now).order_by("-number")


def public_version(publication: Publication, number: int, *, now: datetime | None = None) -> PublicationVersion | None:
    now = now or timezone.now()
    return publication.versions.filter(number=number, published_at__lte=now).first()


def change_register(*, now: datetime | None = None) -> QuerySet[PublicationVersion]:
    """The whole BIP's change register: every version the public may see, newest first."""
    now = now or timezone.now()
    return (
        PublicationVersion.objects.filter(published_at__lte=now)
        .select_related("publication__section")
        .order_by("-published_at", "-pk")
    )


def publication_by_source(*, source_app: str, source_key: str) -> Publication | None:
    return Publication.objects.filter(source_app=source_app, source_key=source_key).first()


def office_publications(*, section: Section | None = None) -> QuerySet[Publication]:
    """Every item for the office, with its newest version's title and time (drafts: no time)."""
    newest = PublicationVersion.objects.filter(publication=OuterRef("pk"), number=OuterRef("last_number"))
    publications = Publication.objects.annotate(
        last_title=Subquery(newest.values("title")[:1]),
        last_published_at=Subquery(newest.values("published_at")[:1]),
        last_kind=Subquery(newest.values("kind")[:1]),
    ).select_related("section")
    return publications.filter(section=section) if section is not None else publications


def editorial_office() -> EditorialOffice | None:
    return EditorialOffice.objects.filter(singleton=True).first()


def editors() -> QuerySet[Editor]:
    return Editor.objects.all()


def subscription_by_token(token) -> Subscription | None:
    return Subscription.objects.filter(token=token).first()


# The catalogue's service through which a resident files a request for public information (art. 10 of the act).
REQUEST_SERVICE = "dostep-do-informacji-publicznej"


def request_service_offered() -> bool:
    return offered_services().filter(standard_service__slug=REQUEST_SERVICE).exists()


def withheld_statements(*, now: datetime | None = None, limit: int = 200) -> list[PublicationVersion]:
    """Art. 8 ust. 5: the statements of information withheld from publication (what, legal basis, who
    decided) of the versions the public sees now, one per item, newest first."""
    now = now or timezone.now()
    due = _due_versions(now, OuterRef("publication"))
    return list(
        PublicationVersion.objects.annotate(shown=Subquery(due.values("number")[:1]))
        .filter(number=F("shown"))
        .exclude(withheld_scope="")
        .order_by("-published_at", "-pk")[:limit]
    )
