from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Telling people what happened on their cases: staff in the office (a list with a count in the header, and
    an e-mail) and residents (an e-mail), each with their own choice of e-mails."""

    name = "shared_services.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from shared_services.inbox import signals

        from . import delivery, receivers  # noqa: F401 (delivery registers its outbox handler)
        from .models import Notification

        for model_signal in (post_save, post_delete):
            model_signal.connect(receivers.on_notification_saved_or_deleted, sender=Notification)

        signals.case_assigned.connect(receivers.on_case_assigned, dispatch_uid="notifications.case_assigned")
        signals.resident_answered.connect(receivers.on_resident_answered, dispatch_uid="notifications.answered")
        signals.office_wrote.connect(receivers.on_office_wrote, dispatch_uid="notifications.office_wrote")
