"""A unit's tables refer to public rows without foreign keys (platform_core/public_references.py): the
keys' triggers on the public tables grew with every unit (issue #20). Own services keep their terms' slugs."""

import django.db.models.deletion
from django.db import migrations, models

import platform_core.public_references


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0007_unit_term_uses"),
        ("offer", "0002_unit_services"),
    ]

    operations = [
        migrations.AddField(
            model_name="unitservice",
            name="category_slugs",
            field=platform_core.public_references.PublicSlugList(
                blank=True, default=list, size=None, to="catalogue.Category", verbose_name="categories"
            ),
        ),
        migrations.AddField(
            model_name="unitservice",
            name="life_event_slugs",
            field=platform_core.public_references.PublicSlugList(
                blank=True, default=list, size=None, to="catalogue.LifeEvent", verbose_name="life events"
            ),
        ),
        migrations.RunSQL(
            # The terms each own service named, from the tables of keys into the public schema to its own row.
            sql="""
                UPDATE offer_unitservice s SET
                    category_slugs = ARRAY(
                        SELECT c.slug FROM offer_unitservice_categories t JOIN catalogue_category c ON c.id = t.category_id
                        WHERE t.unitservice_id = s.id ORDER BY c.slug
                    ),
                    life_event_slugs = ARRAY(
                        SELECT e.slug FROM offer_unitservice_life_events t JOIN catalogue_lifeevent e ON e.id = t.lifeevent_id
                        WHERE t.unitservice_id = s.id ORDER BY e.slug
                    );
                -- The public copy of the terms this unit names (catalogue.UnitTermUse); none in the template.
                INSERT INTO catalogue_unittermuse (unit_id, unit_service_id, kind, slug)
                SELECT u.id, s.id, 'category', term FROM offer_unitservice s
                    CROSS JOIN unnest(s.category_slugs) term JOIN tenants_tenant u ON u.schema_name = current_schema()
                UNION ALL
                SELECT u.id, s.id, 'life_event', term FROM offer_unitservice s
                    CROSS JOIN unnest(s.life_event_slugs) term JOIN tenants_tenant u ON u.schema_name = current_schema()
                ON CONFLICT DO NOTHING;
            """,
            reverse_sql="""
                DELETE FROM catalogue_unittermuse
                WHERE unit_id IN (SELECT id FROM tenants_tenant WHERE schema_name = current_schema());
                INSERT INTO offer_unitservice_categories (unitservice_id, category_id)
                SELECT s.id, c.id FROM offer_unitservice s JOIN catalogue_category c ON c.slug = ANY (s.category_slugs);
                INSERT INTO offer_unitservice_life_events (unitservice_id, lifeevent_id)
                SELECT s.id, e.id FROM offer_unitservice s JOIN catalogue_lifeevent e ON e.slug = ANY (s.life_event_slugs);
            """,
        ),
        migrations.RemoveField(
            model_name="unitservice",
            name="categories",
        ),
        migrations.RemoveField(
            model_name="unitservice",
            name="life_events",
        ),
        migrations.AlterField(
            model_name="adoptedservice",
            name="standard_service",
            field=models.OneToOneField(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="catalogue.standardservice",
                verbose_name="standard service",
            ),
        ),
        migrations.AlterField(
            model_name="unitservice",
            name="standard_form",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="catalogue.standardform",
                verbose_name="standard form",
            ),
        ),
    ]
