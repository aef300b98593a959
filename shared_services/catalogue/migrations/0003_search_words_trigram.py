import django.contrib.postgres.indexes
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models


def fill_search_words(apps, schema_editor):
    # Cards published before trigram search existed get their words (later ones get them when published).
    from shared_services.catalogue.search import similarity_words

    versions = apps.get_model("catalogue", "StandardServiceVersion").objects
    for version in versions.filter(status="published").only("name", "keywords"):
        versions.filter(pk=version.pk).update(search_words=similarity_words(version.name, version.keywords))


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0002_forms_search_offerings"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddField(
            model_name="standardserviceversion",
            name="search_words",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddIndex(
            model_name="standardserviceversion",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_words"], name="catalogue_version_words", opclasses=["gin_trgm_ops"]
            ),
        ),
        migrations.RunPython(fill_search_words, migrations.RunPython.noop),
    ]
