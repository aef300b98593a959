"""A unit's DCAT-AP catalogue and dane.gov.pl feed, and the regional catalogue: read from the public mirror
(catalogue.RegisterListing) alone, at stable addresses, with conditional GET; isolation between units."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context
from lxml import etree
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS

from shared_services.catalogue.models import OpenDataPublisher, RegisterListing
from shared_services.identity.access import StaffRole
from shared_services.registers import opendata
from shared_services.registers.opendata_services import open_data_licence_choose, register_listing_write
from tenants.codes import schema_name_for_code
from tenants.models import Tenant, UnitKind, UnitStatus
from tests.registers.test_opendata import assert_dcat_ap, harvest_schema
from tests.support.accounts import signed_in, staff_account

pytestmark = pytest.mark.django_db
PORTAL, TORUN, LUBICZ = {"HTTP_HOST": "localhost"}, {"HTTP_HOST": "torun.localhost"}, {"HTTP_HOST": "lubicz.localhost"}
RDF_PARSERS = {"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml"}


def listing(unit, register_id, slug, *, records=3, theme="GOVE", published_at=None):
    return RegisterListing.objects.create(
        unit=unit,
        register_id=register_id,
        key=slug,
        slug=slug,
        title_pl=f"Rejestr {slug}",
        title_en=f"Register {slug}",
        description_pl=f"Opis rejestru {slug}",
        description_en=f"Description of {slug}",
        theme=theme,
        update_frequency="monthly",
        keywords_pl=[slug],
        keywords_en=["register"],
        record_count=records,
        first_published_at=published_at or timezone.now() - datetime.timedelta(days=30),
        last_published_at=published_at or timezone.now(),
    )


def registry_unit(code, *, status=UnitStatus.ACTIVE):
    """A registry row without a schema: the regional catalogue reads only the public schema."""
    unit = Tenant(
        name=f"Gmina {code}",
        code=code,
        kind=UnitKind.GMINA_WIEJSKA,
        slug=f"g-{code}",
        schema_name=schema_name_for_code(code),
        status=status,
    )
    unit.auto_create_schema = False
    unit.save()
    return unit


@pytest.fixture
def published(unit_a, unit_b):
    return {
        "torun": [listing(unit_a, 1, "uchwaly-rady"), listing(unit_a, 2, "przystanki", theme="TRAN")],
        "lubicz": [listing(unit_b, 1, "obiekty-sportowe", theme="EDUC")],
    }


def rdf(response, fmt):
    return Graph().parse(data=response.content, format=RDF_PARSERS[fmt])


class TestUnitCatalogue:
    @pytest.mark.parametrize("fmt", ["ttl", "jsonld", "rdf"])
    def test_the_catalogue_lists_the_units_own_registers_only(self, client, published, fmt):
        response = client.get(f"/dane/katalog.{fmt}", **TORUN)

        assert response.status_code == 200
        assert response["Content-Type"].startswith(opendata.RDF_FORMATS[fmt][1])
        graph = rdf(response, fmt)
        assert_dcat_ap(graph, expected_datasets=2)
        titles = {str(title) for title in graph.objects(None, DCTERMS.title)}
        assert "Rejestr uchwaly-rady" in titles and "Rejestr obiekty-sportowe" not in titles
        stop = URIRef("http://torun.localhost:8000/dane/przystanki")
        assert (stop, DCAT.theme, URIRef("http://publications.europa.eu/resource/authority/data-theme/TRAN")) in graph
        assert graph.value(graph.value(stop, DCTERMS.spatial), DCTERMS.identifier) == Literal("0463011")
        licence = URIRef("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0")
        assert (stop, DCTERMS.license, licence) in graph

    def test_the_licence_the_unit_chose_is_stated(self, client, published, unit_a):
        with tenant_context(unit_a):
            open_data_licence_choose(licence="cc0", actor="admin.torun")
        connection.set_schema_to_public()

        response = client.get("/dane/katalog.ttl", **TORUN)
        assert response["Link"] == '<https://creativecommons.org/publicdomain/zero/1.0/>; rel="license"'
        assert "publicdomain/zero" in client.get("/dane/dane-gov-pl.xml", **TORUN)["Link"]
        graph = rdf(response, "ttl")
        cc0 = URIRef("http://publications.europa.eu/resource/authority/licence/CC0")
        assert set(graph.objects(URIRef("http://torun.localhost:8000/dane/przystanki"), DCTERMS.license)) == {cc0}

    def test_a_harvester_gets_304_until_a_record_is_published(self, client, published, unit_a):
        first = client.get("/dane/katalog.ttl", **TORUN)
        etag, modified = first["ETag"], first["Last-Modified"]
        assert "public" in first["Cache-Control"] and "no-cache" in first["Cache-Control"]

        assert client.get("/dane/katalog.ttl", HTTP_IF_NONE_MATCH=etag, **TORUN).status_code == 304
        unchanged = client.get("/dane/katalog.ttl", HTTP_IF_MODIFIED_SINCE=modified, **TORUN)
        assert unchanged.status_code == 304
        # Another format has another tag.
        assert client.get("/dane/katalog.jsonld", HTTP_IF_NONE_MATCH=etag, **TORUN).status_code == 200

        with tenant_context(unit_a):
            register_listing_write(register_id=1, published={"record_count": 4, "last_published_at": timezone.now()})
        connection.set_schema_to_public()
        changed = client.get("/dane/katalog.ttl", HTTP_IF_NONE_MATCH=etag, **TORUN)
        assert changed.status_code == 200 and changed["ETag"] != etag

    def test_a_unit_publishing_nothing_has_an_empty_catalogue(self, client, unit_a):
        graph = rdf(client.get("/dane/katalog.ttl", **TORUN), "ttl")
        assert_dcat_ap(graph, expected_datasets=0)

    def test_the_catalogue_costs_three_queries(self, client, published, django_assert_num_queries):
        client.get("/dane/katalog.ttl", **TORUN)  # the routing cache warm
        with django_assert_num_queries(3):  # search path, licence, listings
            assert client.get("/dane/katalog.ttl", **TORUN).status_code == 200


class TestHarvestFeed:
    def test_the_feed_is_valid_xml_of_the_harvesters_schema_with_its_md5_beside_it(self, client, published):
        response = client.get("/dane/dane-gov-pl.xml", **TORUN)

        assert response.status_code == 200 and response["Content-Type"] == "application/xml"
        document = etree.fromstring(response.content)
        schema = harvest_schema()
        assert schema.validate(document), schema.error_log
        ns = {"h": opendata.HARVESTER_NAMESPACE}
        assert [node.text for node in document.iterfind("h:dataset/h:extIdent", ns)] == ["przystanki", "uchwaly-rady"]
        assert {node.text for node in document.iterfind(".//h:terytIdent", ns)} == {"0463011"}
        assert {node.text for node in document.iterfind("h:dataset/h:categories/h:category", ns)} == {"GOVE", "TRAN"}
        checksum = client.get("/dane/dane-gov-pl.xml.md5", **TORUN)
        assert checksum.status_code == 200
        assert checksum.content.decode() == opendata.md5_hex(response.content)

    def test_the_feed_answers_conditional_get(self, client, published):
        first = client.get("/dane/dane-gov-pl.xml", **TORUN)
        assert client.get("/dane/dane-gov-pl.xml", HTTP_IF_NONE_MATCH=first["ETag"], **TORUN).status_code == 304
        md5 = client.get("/dane/dane-gov-pl.xml.md5", **TORUN)
        assert md5["ETag"] != first["ETag"]
        assert client.get("/dane/dane-gov-pl.xml.md5", HTTP_IF_NONE_MATCH=md5["ETag"], **TORUN).status_code == 304

    def test_another_units_feed_has_only_its_own_registers(self, client, published):
        document = etree.fromstring(client.get("/dane/dane-gov-pl.xml", **LUBICZ).content)
        ns = {"h": opendata.HARVESTER_NAMESPACE}
        assert [node.text for node in document.iterfind("h:dataset/h:extIdent", ns)] == ["obiekty-sportowe"]
        assert {node.text for node in document.iterfind(".//h:terytIdent", ns)} == {"0415042"}

    def test_a_unit_publishing_nothing_has_no_feed_yet(self, client, unit_a):
        """The harvester's schema wants at least one dataset: a feed without one would be refused as invalid."""
        assert client.get("/dane/dane-gov-pl.xml", **TORUN).status_code == 404
        assert client.get("/dane/dane-gov-pl.xml.md5", **TORUN).status_code == 404

    def test_only_reading_is_allowed(self, client, published):
        assert client.post("/dane/dane-gov-pl.xml", **TORUN).status_code == 405
        assert client.head("/dane/dane-gov-pl.xml", **TORUN).status_code == 200


class TestRegionalCatalogue:
    @pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
    def test_the_regional_catalogue_aggregates_every_active_units_registers(self, client, published, fmt):
        suspended = registry_unit("0415011", status=UnitStatus.SUSPENDED)
        listing(suspended, 1, "uchwaly-rady")

        response = client.get(f"/dane/katalog.{fmt}", **PORTAL)

        assert response.status_code == 200
        graph = rdf(response, fmt)
        assert_dcat_ap(graph, expected_datasets=3)
        publishers = {str(graph.value(node, opendata.FOAF.name)) for node in graph.objects(None, DCTERMS.publisher)}
        assert {"Miasto Toruń", "Gmina Lubicz"} <= publishers and "Gmina 0415011" not in publishers
        sports = URIRef("http://lubicz.localhost:8000/dane/obiekty-sportowe")
        assert graph.value(graph.value(sports, DCTERMS.spatial), DCTERMS.identifier) == Literal("0415042")

    def test_it_reads_the_mirror_in_a_fixed_number_of_queries(self, client, published, django_assert_num_queries):
        client.get("/dane/katalog.ttl", **PORTAL)
        with django_assert_num_queries(2):  # search path; the listings with their units and licences
            first = client.get("/dane/katalog.ttl", **PORTAL)
        for n in range(20):
            unit = registry_unit(f"04150{n + 10:02d}")
            OpenDataPublisher.objects.create(unit=unit, licence="cc0")
            listing(unit, 1, "uchwaly-rady")
            listing(unit, 2, "dotacje", theme="ECON")
        with django_assert_num_queries(2):
            response = client.get("/dane/katalog.ttl", HTTP_IF_NONE_MATCH=first["ETag"], **PORTAL)
        assert response.status_code == 200
        assert_dcat_ap(rdf(response, "ttl"), expected_datasets=43)
        with django_assert_num_queries(2):
            assert client.get("/dane/katalog.ttl", HTTP_IF_NONE_MATCH=response["ETag"], **PORTAL).status_code == 304

    def test_a_units_host_serves_no_regional_catalogue_of_others(self, client, published):
        graph = rdf(client.get("/dane/katalog.ttl", **LUBICZ), "ttl")
        assert_dcat_ap(graph, expected_datasets=1)


class TestIndexPage:
    def test_people_find_the_files_the_catalogue_and_the_feed(self, client, published):
        body = client.get("/dane/", **TORUN).content.decode()
        for path in ("/dane/przystanki.csv", "/dane/przystanki.jsonld", "/dane/katalog.ttl", "/dane/dane-gov-pl.xml"):
            assert path in body
        assert "obiekty-sportowe" not in body
        assert 'rel="license"' in body

    def test_every_page_of_the_unit_links_its_open_data(self, client, unit_a):
        assert 'href="/dane/"' in client.get("/", **TORUN).content.decode()
        assert 'href="/dane/"' in client.get("/bip/", **TORUN).content.decode()


def test_a_register_of_another_unit_is_not_served(client, published):
    assert client.get("/dane/obiekty-sportowe.csv", **TORUN).status_code == 404
    assert client.get("/dane/obiekty-sportowe.csv-metadata.json", **TORUN).status_code == 404
    assert Client().get("/dane/uchwaly-rady.json", **LUBICZ).status_code == 404


class TestLicenceChoice:
    def test_the_administrator_chooses_the_licence_and_the_files_state_it(self, client, published, unit_a):
        admin = staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN)
        signed_in(client, unit_a, admin)
        before = client.get("/dane/katalog.ttl", **TORUN)

        assert client.get("/urzad/otwarte-dane/", **TORUN).status_code == 200
        response = client.post("/urzad/otwarte-dane/", {"licence": "cc0"}, **TORUN)

        assert response.status_code == 302
        assert OpenDataPublisher.objects.get(unit=unit_a).licence == "cc0"
        changed = client.get("/dane/katalog.ttl", HTTP_IF_NONE_MATCH=before["ETag"], **TORUN)
        assert changed.status_code == 200
        cc0 = URIRef("http://publications.europa.eu/resource/authority/licence/CC0")
        assert (URIRef("http://torun.localhost:8000/dane/przystanki"), DCTERMS.license, cc0) in rdf(changed, "ttl")
        with tenant_context(unit_a):
            from shared_services.audit.models import AuditEntry

            entry = AuditEntry.objects.get(action="opendata.licence")
        assert (entry.actor, entry.after) == (admin.get_username(), "cc0")

    def test_a_licence_it_does_not_know_is_a_400(self, client, unit_a):
        signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))
        assert client.post("/urzad/otwarte-dane/", {"licence": "gpl"}, **TORUN).status_code == 400
        assert not OpenDataPublisher.objects.filter(unit=unit_a).exists()

    def test_nobody_else_may_choose_it(self, client, unit_a, unit_b):
        assert client.post("/urzad/otwarte-dane/", {"licence": "cc0"}, **TORUN).status_code == 302  # sign in
        signed_in(client, unit_b, staff_account(unit_b, "admin", StaffRole.UNIT_ADMIN))
        assert client.post("/urzad/otwarte-dane/", {"licence": "cc0"}, **TORUN).status_code in (302, 403)
        signed_in(client, unit_a, staff_account(unit_a, "urzednik", StaffRole.CLERK))
        assert client.post("/urzad/otwarte-dane/", {"licence": "cc0"}, **TORUN).status_code == 403
        assert not OpenDataPublisher.objects.filter(unit=unit_a).exists()
