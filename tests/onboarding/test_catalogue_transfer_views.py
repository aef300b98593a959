"""The catalogue's export and import in the console, and its categories and life events: operators only,
previewed before anything is written, audited."""

import copy
import io
import json

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django_tenants.utils import tenant_context

from onboarding.models import OperatorAction, OperatorActionKind
from shared_services.catalogue.models import Category, LifeEvent, StandardService, StandardServiceVersion
from shared_services.catalogue.services import service_draft_create
from shared_services.catalogue.transfer import catalogue_export, catalogue_export_bytes
from shared_services.offer.models import UnitService
from shared_services.offer.services import unit_service_save
from tests.support.accounts import local_account, signed_in, staff_account

pytestmark = pytest.mark.django_db
PORTAL = {"HTTP_HOST": "localhost"}
BASE = "/konsola/katalog/"


@pytest.fixture
def operator(client):
    user = get_user_model().objects.create_user(
        "kc:5b9f0f7e-0000-4000-8000-00000000000b", "operator@woj.example", is_staff=True
    )
    signed_in(client, None, user)
    return user


@pytest.fixture
def seeded():
    call_command("load_standard_catalogue", stdout=io.StringIO())
    return catalogue_export()


def _upload(client, document, name="katalog.json"):
    content = document if isinstance(document, bytes) else catalogue_export_bytes(document)
    return client.post(BASE + "import/", {"document": SimpleUploadedFile(name, content, "application/json")}, **PORTAL)


class TestExportAndImport:
    def test_export_downloads_the_catalogue_and_is_audited(self, client, operator, seeded):
        response = client.post(BASE + "eksport/", REMOTE_ADDR="198.51.100.9", **PORTAL)
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
        document = json.loads(response.content)
        assert len(document["services"]) == len(seeded["services"]) and document["forms"]
        action = OperatorAction.objects.get(action=OperatorActionKind.CATALOGUE_EXPORT)
        assert action.actor_id == operator.pk and action.ip_address == "198.51.100.9"
        assert action.details["cards"] == len(seeded["services"])

    def test_export_needs_post(self, client, operator):
        assert client.get(BASE + "eksport/", **PORTAL).status_code == 405

    def test_upload_preview_then_confirm(self, client, operator, seeded):
        changed = copy.deepcopy(seeded)
        changed["services"][4]["fee"]["amount_grosze"] += 500
        changed["life_events"].append({"slug": "emerytura", "name": "Przechodzę na emeryturę", "name_en": "Retiring"})
        versions_before = StandardServiceVersion.objects.count()
        response = _upload(client, changed)
        assert response.status_code == 302
        preview_url = response["Location"]
        page = client.get(preview_url, **PORTAL)
        body = page.content.decode()
        assert page.status_code == 200 and changed["services"][4]["name"] in body and "emerytura" in body
        # The preview writes nothing.
        assert StandardServiceVersion.objects.count() == versions_before
        assert not LifeEvent.objects.filter(slug="emerytura").exists()
        assert not OperatorAction.objects.filter(action=OperatorActionKind.CATALOGUE_IMPORT).exists()
        digest = page.context["plan"].digest()
        done = client.post(preview_url, {"plan": digest}, REMOTE_ADDR="198.51.100.10", **PORTAL)
        assert done.status_code == 302
        assert client.get(done["Location"], **PORTAL).status_code == 200
        assert StandardServiceVersion.objects.count() == versions_before + 1
        assert LifeEvent.objects.filter(slug="emerytura").exists()
        action = OperatorAction.objects.get(action=OperatorActionKind.CATALOGUE_IMPORT)
        assert action.actor_id == operator.pk and action.ip_address == "198.51.100.10"
        assert action.details["cards_versioned"] == 1 and action.details["terms_created"] == 1
        assert action.details["cards_unchanged"] == len(seeded["services"]) - 1
        # The same upload cannot be confirmed twice.
        assert client.post(preview_url, {"plan": digest}, **PORTAL).status_code == 404
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        log = client.get("/konsola/dziennik/", **PORTAL).content.decode()
        assert "Cards given a new version: 1." in log and "imported the catalogue" in log

    def test_a_plan_that_changed_since_the_preview_is_shown_again_not_applied(self, client, operator, seeded):
        changed = copy.deepcopy(seeded)
        changed["services"][1]["name"] += " (nowa)"
        preview_url = _upload(client, changed)["Location"]
        digest = client.get(preview_url, **PORTAL).context["plan"].digest()
        service = StandardService.objects.get(slug=changed["services"][1]["slug"])
        service_draft_create(service=service, changes={"description": "Praca operatora w toku."})
        response = client.post(preview_url, {"plan": digest}, **PORTAL)
        assert response.status_code == 409 and response.context["plan"].conflicts
        assert not OperatorAction.objects.filter(action=OperatorActionKind.CATALOGUE_IMPORT).exists()

    def test_a_bad_document_is_refused_with_the_path_of_the_error(self, client, operator, seeded):
        bad = copy.deepcopy(seeded)
        bad["services"][12]["fee"]["amount_grosze"] = 1.5
        response = _upload(client, bad)
        assert response.status_code == 400
        # The console speaks Polish by default.
        assert "services[12].fee.amount_grosze: musi być liczbą całkowitą" in response.content.decode()
        assert _upload(client, b"\x00not json").status_code == 400

    def test_an_upload_of_another_session_cannot_be_previewed(self, client, operator, seeded):
        preview_url = _upload(client, seeded)["Location"]
        other = type(client)()
        signed_in(
            other,
            None,
            get_user_model().objects.create_user("kc:other", "inna@woj.example", is_staff=True),
        )
        assert other.get(preview_url, **PORTAL).status_code == 404
        assert other.get(BASE + "import/" + "0" * 64 + "/", **PORTAL).status_code == 404


class TestTerms:
    def test_list_create_and_rename_audited(self, client, operator, seeded):
        page = client.get(BASE + "kategorie/", **PORTAL)
        assert page.status_code == 200 and "Stan cywilny (USC)" in page.content.decode()
        created = client.post(
            BASE + "kategorie/nowa/", {"slug": "kultura", "name": "Kultura", "name_en": "Culture"}, **PORTAL
        )
        assert created.status_code == 302 and Category.objects.get(slug="kultura").name == "Kultura"
        edited = client.post(
            BASE + "kategorie/kultura/edycja/",
            {"slug": "inna", "name": "Kultura i sport", "name_en": "Culture and sport"},
            **PORTAL,
        )
        assert edited.status_code == 302
        assert Category.objects.filter(slug="kultura").values_list("name", flat=True).get() == "Kultura i sport"
        assert not Category.objects.filter(slug="inna").exists()  # the slug is fixed once created
        records = OperatorAction.objects.filter(action=OperatorActionKind.TERM_SAVE).order_by("id")
        assert [(r.details["slug"], r.details["created"]) for r in records] == [("kultura", True), ("kultura", False)]

    def test_invalid_terms_are_refused_in_polish(self, client, operator, seeded):
        response = client.post(
            BASE + "zdarzenia/nowe/", {"slug": "przeprowadzka", "name": " ", "name_en": "x"}, **PORTAL
        )
        assert response.status_code == 400
        assert set(response.context["form"].errors) == {"slug", "name"}
        assert (
            client.post(
                BASE + "kategorie/nowa/", {"slug": "Zła nazwa!", "name": "a", "name_en": "b"}, **PORTAL
            ).status_code
            == 400
        )

    def test_a_term_still_used_is_not_deleted(self, client, operator, seeded):
        response = client.post(BASE + "zdarzenia/przeprowadzka/usun/", follow=True, **PORTAL)
        assert LifeEvent.objects.filter(slug="przeprowadzka").exists()
        assert "przeprowadzka" not in [r.details.get("slug") for r in OperatorAction.objects.all()]
        assert response.status_code == 200
        LifeEvent.objects.create(slug="nieuzywane", name="Nieużywane", name_en="Unused")
        client.post(BASE + "zdarzenia/nieuzywane/usun/", **PORTAL)
        assert not LifeEvent.objects.filter(slug="nieuzywane").exists()
        assert OperatorAction.objects.get(action=OperatorActionKind.TERM_DELETE).details["slug"] == "nieuzywane"

    def test_a_term_a_units_own_service_names_is_not_deleted(self, client, operator, unit_a):
        term = LifeEvent.objects.create(slug="tylko-w-gminie", name="Tylko w gminie", name_en="Local only")
        with tenant_context(unit_a):
            unit_service_save(
                service=UnitService(slug="wlasna", name="Własna usługa", short_description="Opis.", enabled=False),
                life_event_slugs=[term.slug],
            )
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = client.post(BASE + "zdarzenia/tylko-w-gminie/usun/", follow=True, **PORTAL)
        assert "is named by services of units; it cannot be deleted" in response.content.decode()
        assert LifeEvent.objects.filter(slug="tylko-w-gminie").exists()
        assert not OperatorAction.objects.filter(action=OperatorActionKind.TERM_DELETE).exists()

    def test_unknown_terms_are_404(self, client, operator):
        assert client.get(BASE + "kategorie/nie-ma/edycja/", **PORTAL).status_code == 404


PAGES = [
    ("get", BASE + "kategorie/"),
    ("get", BASE + "kategorie/nowa/"),
    ("post", BASE + "kategorie/nowa/"),
    ("get", BASE + "zdarzenia/przeprowadzka/edycja/"),
    ("post", BASE + "zdarzenia/przeprowadzka/usun/"),
    ("get", BASE + "przenoszenie/"),
    ("post", BASE + "eksport/"),
    ("post", BASE + "import/"),
    ("get", BASE + "import/" + "a" * 64 + "/"),
]


class TestOperatorsOnly:
    @pytest.mark.parametrize(("method", "url"), PAGES)
    def test_anonymous_visitors_are_sent_to_sign_in(self, client, method, url):
        response = getattr(client, method)(url, **PORTAL)
        assert response.status_code == 302 and response["Location"].startswith("/oidc/logowanie/")

    @pytest.mark.parametrize(("method", "url"), PAGES)
    def test_a_resident_is_refused(self, client, method, url):
        signed_in(client, None, local_account(email="mieszkanka@example.com"))
        assert getattr(client, method)(url, **PORTAL).status_code == 403

    @pytest.mark.parametrize(("method", "url"), PAGES)
    def test_a_clerk_of_a_unit_is_refused(self, client, unit_a, method, url):
        clerk = staff_account(unit_a, "urzednik", "clerk")
        signed_in(client, unit_a, clerk)
        assert getattr(client, method)(url, **PORTAL).status_code in (302, 403)
        assert getattr(client, method)(url, HTTP_HOST="torun.localhost").status_code == 404

    def test_nothing_was_written_by_the_refused(self, client, unit_a):
        with tenant_context(unit_a):
            clerk = staff_account(unit_a, "urzednik2", "clerk")
        signed_in(client, unit_a, clerk)
        client.post(BASE + "kategorie/nowa/", {"slug": "x", "name": "X", "name_en": "X"}, **PORTAL)
        assert not Category.objects.filter(slug="x").exists() and not OperatorAction.objects.exists()

    def test_the_console_navigation_links_the_pages(self, client, operator):
        assert 'href="/konsola/katalog/kategorie/"' in client.get("/konsola/", **PORTAL).content.decode()
