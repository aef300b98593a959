"""The inbox used to e-mail the office's requests and replies itself (outbox messages of kind "case_message");
now the notifications do. Messages of the old kind still waiting become notifications with their e-mail, so
none is lost for want of a handler."""

from django.db import migrations


def case_messages_to_notifications(apps, schema_editor):
    OutboxMessage = apps.get_model("inbox", "OutboxMessage")
    CaseNote = apps.get_model("inbox", "CaseNote")
    Notification = apps.get_model("notifications", "Notification")
    for message in OutboxMessage.objects.filter(kind="case_message").exclude(status="done"):
        note = CaseNote.objects.select_related("case__register_entry__submission").get(pk=message.payload["note_id"])
        entry = note.case.register_entry
        notification = Notification.objects.create(
            recipient_id=entry.submission.submitted_by_id if entry.submission_id else None,
            kind="office_requested" if note.kind == "request" else "office_replied",
            case=note.case,
            note=note,
            email=entry.sender_email,
        )
        message.kind, message.key = "notify", f"notify:{notification.pk}"
        message.payload = {"notification_id": notification.pk}
        message.save(update_fields=["kind", "key", "payload"])


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(case_messages_to_notifications, migrations.RunPython.noop)]
