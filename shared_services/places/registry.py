"""The place lookup providers the platform knows: exactly the classes `settings.PLACE_PROVIDERS` names (dotted paths),
in its order, loaded when the places app is ready and again when the setting changes (a test's override) — as the
payment providers are (shared_services/payments/registry.py). The first provider that resolves a kind does."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .base import PlaceProvider

_providers: list[PlaceProvider] = []


def providers_load(paths: list[str] | None = None) -> None:
    paths = settings.PLACE_PROVIDERS if paths is None else paths
    loaded = []
    for path in paths:
        try:
            provider_class = import_string(path)
        except ImportError as error:
            raise ImproperlyConfigured(f"PLACE_PROVIDERS: cannot import {path!r}: {error}") from error
        if not (isinstance(provider_class, type) and issubclass(provider_class, PlaceProvider)):
            raise ImproperlyConfigured(f"PLACE_PROVIDERS: {path!r} is not a PlaceProvider")
        loaded.append(provider_class())
    _providers[:] = loaded


def providers_reload_on_setting_change(*, setting, **kwargs) -> None:
    """Receiver of django.core.signals.setting_changed (connected in apps.py)."""
    if setting in ("PLACE_PROVIDERS", "ULDK_URL", "GEOCODER_URL", "PLACES_LOOKUP_TIMEOUT"):
        providers_load()


def provider_for(kind: str) -> PlaceProvider | None:
    """The provider that resolves places of `kind`, or None: then such places stay as typed."""
    return next((provider for provider in _providers if kind in provider.kinds), None)


def providers() -> list[PlaceProvider]:
    return list(_providers)
