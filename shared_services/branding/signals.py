"""Keep the cached branding (selectors.py) in step with every save and delete of the unit's row.

Signals rather than the service, as for the host → unit and filing caches: the cache must follow every write
through the ORM, not only those that remember to call a service.
"""

from django.db.models.signals import post_delete, post_save

from .models import UnitBranding
from .selectors import branding_changed


def _branding_changed(sender, **kwargs):
    branding_changed()


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(_branding_changed, sender=UnitBranding)
