"""Drafts of visitors without an account, first step: every draft gets a key, the existing ones each their own
(the next migration makes it unique and required, in a transaction of its own)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("eforms", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="formdraft",
            name="key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunSQL("UPDATE eforms_formdraft SET key = gen_random_uuid()", migrations.RunSQL.noop),
    ]
