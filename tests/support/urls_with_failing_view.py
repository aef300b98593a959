"""The unit URLs plus a view that fails, for tests/platform_core/test_sentry.py."""

from django.urls import path

from platform_core.urls_tenant import urlpatterns as unit_urlpatterns


def failing_view(request, **kwargs):
    raise RuntimeError("awaria testowa")


urlpatterns = [
    *unit_urlpatterns,
    path("awaria/", failing_view),
]
