"""Keep the filing cache (filing_cache.py) in step with every table its answers come from.

Signals rather than services on purpose, as for the host → unit cache: the cache must follow every save and
delete through the ORM, not only the writes that remember to call a service. (Without signals: search
vectors written with `update()`, which filing does not read; services a unit newly adopts with
`bulk_create`, which were not offered, and what a unit does not offer is not cached; a unit loaded from its
archive, dealt with by offer.services.offerings_rebuild.)
"""

from django.db.models.signals import post_delete, post_save

from shared_services.catalogue.models import StandardForm, StandardFormVersion, StandardService, StandardServiceVersion
from shared_services.eforms.models import UnitForm, UnitFormVersion

from . import filing_cache
from .models import AdoptedService, UnitService


def _catalogue_changed(sender, **kwargs):
    filing_cache.catalogue_changed()


def _unit_offer_changed(sender, **kwargs):
    filing_cache.unit_offer_changed()


def connect() -> None:
    for model in (StandardService, StandardServiceVersion, StandardForm, StandardFormVersion):
        for signal in (post_save, post_delete):
            signal.connect(_catalogue_changed, sender=model)
    for model in (AdoptedService, UnitService, UnitForm, UnitFormVersion):
        for signal in (post_save, post_delete):
            signal.connect(_unit_offer_changed, sender=model)
