"""Payment URLs of a unit's subdomain (included from platform_core/urls_tenant.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("platnosci/p24/status/", views.p24_status, name="payments-p24-status"),
    path("platnosci/p24/zwroty/", views.p24_refund, name="payments-p24-refund"),
    path("platnosci/<uuid:public_id>/", views.payment_status, name="payment-status"),
    path("platnosci/<uuid:public_id>/zaplac/", views.payment_pay, name="payment-pay"),
    path("urzad/platnosci/", views.payment_settings, name="payment-settings"),
    path("urzad/platnosci/raport/", views.payment_report, name="payment-report"),
    path("urzad/platnosci/<uuid:public_id>/zwrot/", views.payment_refund, name="payment-refund"),
    path("urzad/platnosci/<uuid:public_id>/oplacono/", views.payment_mark_paid, name="payment-mark-paid"),
]
