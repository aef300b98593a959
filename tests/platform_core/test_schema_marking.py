from django.apps import apps
from django.conf import settings
from django.db import models
from django.test.utils import isolate_apps

from platform_core.schema_marking import (
    CitusTable,
    citus_table_of,
    marking_problems,
    placement_of,
    public_model,
    reference_model,
    tenant_model,
)


def check(models_):
    return marking_problems(models_, shared_apps=settings.SHARED_APPS, tenant_apps=settings.TENANT_APPS)


def test_every_model_is_marked_and_placed_where_its_mark_says():
    assert check(apps.get_models()) == []


@isolate_apps("tenants", "shared_services.branding")
def test_an_unmarked_model_is_reported():
    class Forgotten(models.Model):
        class Meta:
            app_label = "tenants"

    assert check([Forgotten]) == [
        "tenants.Forgotten is not marked with @public_model, @reference_model or @tenant_model"
    ]


@isolate_apps("tenants", "shared_services.branding")
def test_a_mark_contradicting_the_app_lists_is_reported():
    @tenant_model
    class MisplacedInPublicApp(models.Model):
        class Meta:
            app_label = "tenants"

    @public_model
    class MisplacedInTenantApp(models.Model):
        class Meta:
            app_label = "branding"

    assert check([MisplacedInPublicApp, MisplacedInTenantApp]) == [
        "tenants.MisplacedInPublicApp is marked tenant but its app tenants is not only in TENANT_APPS",
        "branding.MisplacedInTenantApp is marked public but its app shared_services.branding is not only in "
        "SHARED_APPS",
    ]


@isolate_apps("tenants", "shared_services.branding")
def test_a_public_foreign_key_into_unit_schemas_is_reported():
    @tenant_model
    class UnitRecord(models.Model):
        class Meta:
            app_label = "branding"

    @public_model
    class RegionalSummary(models.Model):
        record = models.ForeignKey(UnitRecord, on_delete=models.CASCADE)

        class Meta:
            app_label = "tenants"

    assert check([UnitRecord, RegionalSummary]) == [
        "tenants.RegionalSummary.record points from the public schema into unit schemas (branding.UnitRecord)"
    ]


def test_a_mark_is_not_inherited():
    @public_model
    class Parent:
        pass

    class Child(Parent):
        pass

    assert placement_of(Parent) == "public"
    assert placement_of(Child) is None


@isolate_apps("tenants", "shared_services.branding")
def test_a_unit_foreign_key_into_the_public_schema_is_reported():
    from platform_core.public_references import public_reference

    @public_model
    class RegionalTerm(models.Model):
        class Meta:
            app_label = "tenants"

    @tenant_model
    class UnitRecord(models.Model):
        term = models.ForeignKey(RegionalTerm, on_delete=models.PROTECT, related_name="+")
        terms = models.ManyToManyField(RegionalTerm, related_name="+")
        plain = public_reference(RegionalTerm)

        class Meta:
            app_label = "branding"

    assert check([RegionalTerm, UnitRecord]) == [
        "branding.UnitRecord.term is a foreign key from unit schemas into the public schema (tenants.RegionalTerm): "
        "use platform_core.public_references.public_reference (Citus refuses it too: not a reference table)",
        "branding.UnitRecord.terms is a many-to-many table of foreign keys from unit schemas into the public schema "
        "(tenants.RegionalTerm): keep the public rows' slugs or ids",
    ]


def test_every_model_says_what_its_table_becomes_on_citus():
    placements = {model: placement_of(model) for model in apps.get_models() if placement_of(model)}
    assert {citus_table_of(model) for model, placement in placements.items() if placement == "tenant"} == {
        CitusTable.DISTRIBUTED_SCHEMA
    }
    assert {citus_table_of(model) for model, placement in placements.items() if placement == "public"} <= {
        CitusTable.LOCAL,
        CitusTable.REFERENCE,
    }


@isolate_apps("tenants", "shared_services.branding")
def test_a_unit_foreign_key_into_a_reference_table_is_still_reported_for_its_triggers():
    @reference_model
    class RegionalTerm(models.Model):
        class Meta:
            app_label = "tenants"

    @tenant_model
    class UnitRecord(models.Model):
        term = models.ForeignKey(RegionalTerm, on_delete=models.PROTECT, related_name="+")

        class Meta:
            app_label = "branding"

    assert placement_of(RegionalTerm) == "public"
    assert check([RegionalTerm, UnitRecord]) == [
        "branding.UnitRecord.term is a foreign key from unit schemas into the public schema (tenants.RegionalTerm): "
        "use platform_core.public_references.public_reference",
    ]


@isolate_apps("tenants")
def test_a_reference_table_may_point_only_at_reference_tables():
    @public_model
    class Region(models.Model):
        class Meta:
            app_label = "tenants"

    @reference_model
    class Category(models.Model):
        class Meta:
            app_label = "tenants"

    @reference_model
    class Term(models.Model):
        category = models.ForeignKey(Category, on_delete=models.PROTECT)
        region = models.ForeignKey(Region, on_delete=models.PROTECT)
        unchecked_region = models.ForeignKey(Region, on_delete=models.DO_NOTHING, db_constraint=False)

        class Meta:
            app_label = "tenants"

    @public_model
    class Listing(models.Model):
        term = models.ForeignKey(Term, on_delete=models.PROTECT)  # a local table may point at a reference table

        class Meta:
            app_label = "tenants"

    assert check([Region, Category, Term, Listing]) == [
        "tenants.Term.region is a foreign key from a reference table to a table that is not one (tenants.Region): "
        "Citus refuses it; mark that model @reference_model"
    ]
