"""The routes of a URL configuration, for tests that walk every page."""

from django.urls import URLPattern, URLResolver, get_resolver


def named_routes(urlconf: str) -> list[tuple[str, str | None]]:
    """(route, URL name) of every pattern of `urlconf`, included ones with their prefix, e.g. ("urzad/", "clerk-home")."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.name

    return list(walk(get_resolver(urlconf).url_patterns))
