"""The demo's work in the regional catalogue: one card with a version waiting in review, so the console's
draft → review → publish flow has something to show (load_demo_consortium)."""

from shared_services.catalogue.models import StandardService
from shared_services.catalogue.services import service_open_version

from .actors import Actor
from .catalogue_services import card_draft_save, card_submit

DEMO_CARD = "wydanie-dowodu-osobistego"
DEMO_EDITOR = Actor(label="load_demo_consortium")


def demo_card_in_review() -> bool:
    """Put a new version of the identity card's card in review, unless the card already has an open version
    (or is not in the catalogue); returns whether it did."""
    service = StandardService.objects.select_related("published").filter(slug=DEMO_CARD).first()
    if service is None or service.published is None or service_open_version(service) is not None:
        return False
    card = service.published
    draft = card_draft_save(
        service=service,
        changes={
            "short_description": card.short_description
            + " Odbierając dowód, możesz od razu ustawić kody PIN i PUK do warstwy elektronicznej.",
            "keywords": [*card.keywords, "e-dowód"] if "e-dowód" not in card.keywords else card.keywords,
            "change_note": "Informacja o kodach PIN i PUK przy odbiorze; synonim „e-dowód”.",
        },
        categories=card.categories.all(),
        life_events=card.life_events.all(),
        actor=DEMO_EDITOR,
    )
    card_submit(version=draft, actor=DEMO_EDITOR)
    return True
