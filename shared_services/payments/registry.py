"""The payment providers the platform knows, by key. A second provider is one more plugin registered here."""

from .base import PaymentProvider

_providers: dict[str, PaymentProvider] = {}


def register(provider_class: type[PaymentProvider]) -> type[PaymentProvider]:
    """Class decorator: make a provider available to every unit (each unit still configures and enables it)."""
    instance = provider_class()
    if not instance.key or instance.key in _providers and type(_providers[instance.key]) is not provider_class:
        raise ValueError(f"payment provider key {instance.key!r} is empty or taken")
    _providers[instance.key] = instance
    return provider_class


def provider_get(key: str) -> PaymentProvider:
    try:
        return _providers[key]
    except KeyError:
        raise LookupError(f"no payment provider {key!r}") from None


def providers() -> list[PaymentProvider]:
    return list(_providers.values())


def load_builtin_providers() -> None:
    from .contrib.office import plugin as _office  # noqa: F401
    from .contrib.przelewy24 import plugin as _przelewy24  # noqa: F401
