"""Units that existed before letter templates get the seeded set for their kind, as new units do at onboarding
(shared_services/letters/services.letter_templates_seed). The template schema, which no unit owns, stays empty:
new units' copies of it are seeded for their own kind."""

from django.db import migrations

from shared_services.letters.seed_data import seed_templates


def seed_the_unit_of_this_schema(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT kind FROM public.tenants_tenant WHERE schema_name = %s", [connection.schema_name])
        unit = cursor.fetchone()
    if unit is None:
        return
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    LetterTemplate.objects.bulk_create(
        [
            LetterTemplate(
                seed_key=seed["key"], kind=seed["kind"], name=seed["name"], subject=seed["subject"], body=seed["body"]
            )
            for seed in seed_templates(unit[0])
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("letters", "0001_initial")]

    operations = [migrations.RunPython(seed_the_unit_of_this_schema, migrations.RunPython.noop)]
