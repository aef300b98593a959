"""Categories and life events: the terms cards are grouped by. Reads and writes of the operators' console.

A term's slug is its address on the portal and the key an exported catalogue names it by, so it is fixed
once the term exists; its names may change. A term some version of a card names (even a superseded one)
cannot be deleted: deleting it would rewrite what that version said; nor one a unit's own service names
(catalogue.UnitTermUse says which).
"""

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .models import Category, LifeEvent, UnitTermUse, VersionStatus

TERM_MODELS = {"category": Category, "life_event": LifeEvent}
TERM_KIND_LABELS = {"category": gettext_lazy("category"), "life_event": gettext_lazy("life event")}


class TermInUse(Exception):
    """The term is named by cards; the message says by how many, for the operator."""


def terms_with_usage(kind: str):
    """The terms of `kind` by name, each with `published_cards` (cards whose published version names it) and
    `versions_count` (every version naming it, whatever its status: a term with none may be deleted)."""
    return (
        TERM_MODELS[kind]
        .objects.annotate(
            published_cards=Count("versions", filter=Q(versions__status=VersionStatus.PUBLISHED), distinct=True),
            versions_count=Count("versions", distinct=True),
        )
        .order_by("name")
    )


@transaction.atomic
def term_save(*, kind: str, slug: str, name: str, name_en: str):
    """Create the term `slug` of `kind`, or rename it; returns (term, created). The caller validated the
    values (a slug, names within their length)."""
    model = TERM_MODELS[kind]
    term = model.objects.select_for_update().filter(slug=slug).first()
    if term is None:
        return model.objects.create(slug=slug, name=name, name_en=name_en), True
    term.name, term.name_en = name, name_en
    term.full_clean()
    term.save(update_fields=["name", "name_en"])
    return term, False


@transaction.atomic
def term_delete(*, term) -> None:
    """Delete a term no version of any card names; TermInUse otherwise."""
    term = type(term).objects.select_for_update().get(pk=term.pk)
    used = term.versions.values("service").distinct().count()
    if used:
        raise TermInUse(
            ngettext(
                "“%(name)s” is named by %(count)d card (in its current or an earlier version); it cannot be deleted.",
                "“%(name)s” is named by %(count)d cards (in their current or earlier versions); it cannot be deleted.",
                used,
            )
            % {"name": term.name, "count": used}
        )
    # Units' own services name terms too, by slug in each unit's schema; their public copy says which.
    if UnitTermUse.objects.filter(kind=_kind_of(term), slug=term.slug).exists():
        raise TermInUse(_("“%(name)s” is named by services of units; it cannot be deleted.") % {"name": term.name})
    term.delete()


def _kind_of(term) -> str:
    return next(kind for kind, model in TERM_MODELS.items() if isinstance(term, model))
