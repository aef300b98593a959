from django.db import migrations, models


class Migration(migrations.Migration):
    """The benchmark's one-field migration: one nullable column, so no table rewrite."""

    dependencies = [("benchapp", "0001_initial")]

    operations = [
        migrations.AddField(model_name="benchrecord", name="note", field=models.CharField(max_length=50, null=True)),
    ]
