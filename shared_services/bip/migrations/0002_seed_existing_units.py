"""Units that existed before BIP get the standard subject menu of their kind and an editorial office, as new
units do at onboarding (shared_services/bip/services.bip_seed). The template schema, which no unit owns, stays
empty: new units' copies of it are seeded for their own kind."""

from django.db import migrations

from shared_services.bip.seed_data import standard_sections


def seed_the_unit_of_this_schema(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT kind, name FROM public.tenants_tenant WHERE schema_name = %s", [connection.schema_name])
        unit = cursor.fetchone()
    if unit is None:
        return
    Section = apps.get_model("bip", "Section")
    EditorialOffice = apps.get_model("bip", "EditorialOffice")
    Section.objects.bulk_create([Section(standard=True, **seed) for seed in standard_sections(unit[0])])
    EditorialOffice.objects.create(name=f"Redakcja BIP – {unit[1]}", address="")


class Migration(migrations.Migration):
    dependencies = [("bip", "0001_initial")]

    operations = [migrations.RunPython(seed_the_unit_of_this_schema, migrations.RunPython.noop)]
