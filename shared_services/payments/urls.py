"""Payment URLs of a unit's subdomain (included from platform_core/urls_tenant.py).

Every provider's notifications arrive at one route, platnosci/<provider>/<kind>/, which the registry
dispatches (unknown provider or kind: 404), so a new provider needs no line here. A provider's older
addresses (its `webhook_aliases`, e.g. Przelewy24's platnosci/p24/status/) are the same view, not a redirect:
a redirected POST loses its body, and payments registered before still get their notifications there."""

from django.urls import path

from . import views
from .registry import providers

urlpatterns = [
    # First: the generic route below would take them (as provider "p24", kind "status").
    *(
        path(route, views.payment_webhook, {"provider": plugin.key, "kind": kind})
        for plugin in providers()
        for route, kind in plugin.webhook_aliases
    ),
    path("platnosci/<uuid:public_id>/", views.payment_status, name="payment-status"),
    path("platnosci/<uuid:public_id>/zaplac/", views.payment_pay, name="payment-pay"),
    # After payment-pay, which it would take (provider <public_id>, kind "zaplac").
    path("platnosci/<str:provider>/<str:kind>/", views.payment_webhook, name="payment-webhook"),
    path("urzad/platnosci/", views.payment_settings, name="payment-settings"),
    path("urzad/platnosci/raport/", views.payment_report, name="payment-report"),
    path("urzad/platnosci/<uuid:public_id>/zwrot/", views.payment_refund, name="payment-refund"),
    path("urzad/platnosci/<uuid:public_id>/oplacono/", views.payment_mark_paid, name="payment-mark-paid"),
]
