from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UsageConfig(AppConfig):
    """Usage indicators: small facts of each intake, closing and online payment, kept in the public schema in the
    action's own transaction (from the inbox's and the payments' signals), rolled up by month for the regional
    dashboard, and read by a unit's own view in its office."""

    name = "shared_services.usage"
    label = "usage"
    verbose_name = _("Usage indicators")

    def ready(self):
        from shared_services.inbox import signals as inbox_signals
        from shared_services.payments import signals as payment_signals

        from . import receivers

        inbox_signals.application_received.connect(receivers.on_application_received, dispatch_uid="usage.intake")
        inbox_signals.letter_registered.connect(receivers.on_letter_registered, dispatch_uid="usage.letter")
        inbox_signals.case_closed.connect(receivers.on_case_closed, dispatch_uid="usage.closing")
        payment_signals.payment_paid.connect(receivers.on_payment_paid, dispatch_uid="usage.payment")
