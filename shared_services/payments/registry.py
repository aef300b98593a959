"""The payment providers the platform knows, by key: exactly the classes `settings.PAYMENT_PROVIDERS` names
(dotted paths), in its order, loaded when the payments app is ready and again whenever the setting changes
(a test's override). A second provider is one folder under `contrib/` and one more line in that setting:
its notifications arrive at `platnosci/<key>/<kind>/` (urls.py) with nothing else to change.

A plugin module does not register itself on import, so importing one (a test does) never adds a provider
the setting does not name. `register` is the same step for code that builds a provider at run time."""

import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .base import PaymentProvider

_providers: dict[str, PaymentProvider] = {}
KEY_PATTERN = re.compile(r"[a-z0-9_]{1,40}")  # stored in Payment.provider (40 characters), part of a URL
KIND_PATTERN = re.compile(r"[a-z0-9_]{1,40}")  # part of a URL


def _checked(provider_class: type[PaymentProvider]) -> PaymentProvider:
    if not (isinstance(provider_class, type) and issubclass(provider_class, PaymentProvider)):
        raise ImproperlyConfigured(f"{provider_class!r} is not a PaymentProvider subclass")
    instance = provider_class()
    if not KEY_PATTERN.fullmatch(instance.key):
        raise ImproperlyConfigured(f"payment provider key {instance.key!r} is not 1-40 of a-z, 0-9, _")
    for kind in instance.webhook_kinds:
        if not KIND_PATTERN.fullmatch(kind):
            raise ImproperlyConfigured(f"webhook kind {kind!r} of {instance.key!r} is not 1-40 of a-z, 0-9, _")
    for _path, kind in instance.webhook_aliases:
        if kind not in instance.webhook_kinds:
            raise ImproperlyConfigured(f"an alias of {instance.key!r} names kind {kind!r} it does not receive")
    return instance


def register(provider_class: type[PaymentProvider]) -> type[PaymentProvider]:
    """Make a provider available to every unit (each unit still configures and enables it). Usable as a
    class decorator; registering the same class again changes nothing, another class with a taken key fails."""
    instance = _checked(provider_class)
    if instance.key in _providers and type(_providers[instance.key]) is not provider_class:
        raise ImproperlyConfigured(f"payment provider key {instance.key!r} is taken")
    _providers.setdefault(instance.key, instance)
    return provider_class


def providers_load(paths: list[str] | None = None) -> None:
    """Make the registry exactly the providers `paths` (default: settings.PAYMENT_PROVIDERS) name. Nothing
    changes when one cannot be imported or is not a provider."""
    paths = settings.PAYMENT_PROVIDERS if paths is None else paths
    loaded: dict[str, PaymentProvider] = {}
    for path in paths:
        try:
            instance = _checked(import_string(path))
        except ImportError as error:
            raise ImproperlyConfigured(f"PAYMENT_PROVIDERS: cannot import {path!r}: {error}") from error
        if instance.key in loaded:
            raise ImproperlyConfigured(f"PAYMENT_PROVIDERS: two providers have the key {instance.key!r}")
        loaded[instance.key] = instance
    _providers.clear()
    _providers.update(loaded)


def providers_reload_on_setting_change(*, setting, **kwargs) -> None:
    """Receiver of django.core.signals.setting_changed (connected in apps.py)."""
    if setting == "PAYMENT_PROVIDERS":
        providers_load()


def provider_get(key: str) -> PaymentProvider:
    try:
        return _providers[key]
    except KeyError:
        raise LookupError(f"no payment provider {key!r}") from None


class RetiredProvider(PaymentProvider):
    """Stands for a provider that stored payments name but settings.PAYMENT_PROVIDERS no longer does (taken out
    of the deployment): nothing is paid or refunded online and no notification is taken, so such a payment
    keeps its stored status; its name is its key."""

    def __init__(self, key: str):
        self.key = self.name = key


def provider_of(key: str) -> PaymentProvider:
    """The provider a stored payment names: the registered one, or a RetiredProvider when it has left the
    setting — the pages and actions of a payment never fail on its provider."""
    try:
        return _providers[key]
    except KeyError:
        return RetiredProvider(key)


def providers() -> list[PaymentProvider]:
    """The registered providers, in the order of settings.PAYMENT_PROVIDERS."""
    return list(_providers.values())
