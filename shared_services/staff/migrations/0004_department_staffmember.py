"""Department and StaffMember move here from the inbox (the office's people belong to staff). Only Django's
model state changes: the tables keep their names (`inbox_department`, `inbox_staffmember`), so no unit schema
is touched. The inbox's migration 0004 drops them from its own state once they exist here."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0003_delete_staffinvitation"),
        ("inbox", "0003_register_number_taken_last"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Department",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("name", models.CharField(max_length=200, verbose_name="name")),
                        ("code", models.CharField(help_text="Letters of the department's case signs, e.g. FN or OŚ.",
                                                  max_length=12, unique=True, verbose_name="code")),
                    ],
                    options={
                        "verbose_name": "department",
                        "verbose_name_plural": "departments",
                        "db_table": "inbox_department",
                        "ordering": ["name"],
                    },
                ),
                migrations.CreateModel(
                    name="StaffMember",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("department", models.ForeignKey(blank=True, null=True,
                                                         on_delete=django.db.models.deletion.SET_NULL,
                                                         related_name="staff", to="staff.department",
                                                         verbose_name="department")),
                        ("user", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE,
                                                      related_name="staff_member", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "member of staff",
                        "verbose_name_plural": "members of staff",
                        "db_table": "inbox_staffmember",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
