"""Department and StaffMember now belong to the staff app (its migration 0004): the inbox forgets them and its
cases point at staff.Department. State only: the tables and the foreign key's constraint stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("inbox", "0003_register_number_taken_last"),
        ("staff", "0004_department_staffmember"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="case",
                    name="department",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                            related_name="cases", to="staff.department",
                                            verbose_name="department"),
                ),
                migrations.DeleteModel(name="StaffMember"),
                migrations.DeleteModel(name="Department"),
            ],
            database_operations=[],
        ),
    ]
