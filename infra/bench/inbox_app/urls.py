"""A unit's URLs (platform_core.urls_tenant) plus the benchmark's bare-insert view."""

from django.urls import path

from platform_core.urls_tenant import urlpatterns as unit_urlpatterns

from . import views

urlpatterns = [
    path("bench/bare-insert/", views.bare_insert, name="bench-bare-insert"),
    *unit_urlpatterns,
]
