"""Drafts of visitors without an account, second step: the key is unique and required, the owner optional.

The key is made NOT NULL by hand: Django's AlterField would first fill NULLs with one default value and then
run SET CONSTRAINTS ALL IMMEDIATE, which outlives this migration inside a unit's creation and breaks copying
the template schema (its rows are inserted in no particular order)."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("eforms", "0002_draft_of_a_visitor"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'ALTER TABLE eforms_formdraft ALTER COLUMN "key" SET NOT NULL, '
                    'ADD CONSTRAINT eforms_formdraft_key_uniq UNIQUE ("key")',
                    'ALTER TABLE eforms_formdraft DROP CONSTRAINT eforms_formdraft_key_uniq, '
                    'ALTER COLUMN "key" DROP NOT NULL',
                )
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="formdraft",
                    name="key",
                    field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
                )
            ],
        ),
        migrations.AlterField(
            model_name="formdraft",
            name="owner",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="form_drafts",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
