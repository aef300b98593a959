"""Standard forms in the console: the builder and the JSON editor publish new versions of the regional forms,
recorded in the operators' audit log; residents of an adopting unit fill in the new version at once. Operators
only."""

import json
from html import unescape

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from onboarding.models import OperatorAction, OperatorActionKind
from shared_services.catalogue.models import StandardForm
from shared_services.identity.access import StaffRole
from tests.support.accounts import signed_in, staff_account
from tests.support.form_builder import Builder, build_pesel_form
from tests.support.letters import TORUN

pytestmark = pytest.mark.django_db
PORTAL = "localhost"
NEW = "/konsola/formularze/nowy/"


@pytest.fixture(autouse=True)
def english_pages(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def operator(client):
    user = get_user_model().objects.create_user(
        "kc:5b9f0f7e-0000-4000-8000-00000000000b", "operatorka@woj.example", is_staff=True
    )
    signed_in(client, None, user)
    return user


def publish(page: Builder, **meta):
    return page.press("publish", status=302, **page.meta(**meta))


class TestBuildingANewStandardForm:
    def test_compose_preview_publish_and_audit(self, operator, client):
        page = Builder(client, NEW, host=PORTAL)
        build_pesel_form(page)
        page.press("preview", kto="osoba", pesel="44051401459", nazwisko="Nowak")
        assert "check digit is wrong" in page.body
        assert not StandardForm.objects.filter(slug="dofinansowanie").exists()
        publish(page)
        assert page.response["Location"] == "/konsola/formularze/"
        standard_form = StandardForm.objects.get(slug="dofinansowanie")
        assert standard_form.name == "Wniosek o dofinansowanie" and standard_form.current.number == 1
        assert standard_form.current.layout["show_when"] == {"pesel": {"field": "kto", "equals": "osoba"}}
        action = OperatorAction.objects.get(action=OperatorActionKind.FORM_PUBLISH)
        assert action.actor == operator and action.details == {"slug": "dofinansowanie", "version": 1}
        listing = unescape(client.get("/konsola/formularze/", HTTP_HOST=PORTAL).content.decode())
        assert "Wniosek o dofinansowanie" in listing

    def test_a_failed_publish_writes_no_audit_entry(self, operator, client):
        StandardForm.objects.create(slug="dofinansowanie", name="Inny")
        page = Builder(client, NEW, host=PORTAL)
        page.add("text", label="Imię", name="imie")
        page.press("publish", **page.meta())
        assert "already exists" in page.body
        assert not OperatorAction.objects.filter(action=OperatorActionKind.FORM_PUBLISH).exists()


@pytest.mark.usefixtures("full_catalogue")
class TestANewVersionOfASeedForm:
    def test_versions_stay_and_an_adopting_units_residents_get_the_new_one(self, operator, client, unit_a):
        before = StandardForm.objects.get(slug="pismo-ogolne").current
        first = (before.pk, before.json_schema, before.layout)
        page = Builder(client, "/konsola/formularze/pismo-ogolne/", host=PORTAL)
        assert "Treść pisma" in page.body  # the seed form opens in the builder
        page.add("pesel", label="Numer PESEL wnioskodawcy", name="pesel_wnioskodawcy", required="on")
        publish(page, title="Pismo ogólne do urzędu", slug="")
        standard_form = StandardForm.objects.get(slug="pismo-ogolne")
        assert standard_form.current.number == before.number + 1
        unchanged = standard_form.versions.get(number=before.number)
        assert (unchanged.pk, unchanged.json_schema, unchanged.layout) == first
        # Toruń adopted the cards that use this form: its residents' form page has the new field at once.
        form_page = client.get("/uslugi/zaswiadczenie-o-zameldowaniu/wniosek/", HTTP_HOST=TORUN)
        assert "Numer PESEL wnioskodawcy" in unescape(form_page.content.decode())


class TestJsonEditor:
    def test_mistakes_are_explained_and_nothing_is_published(self, operator, client):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pl"
        data = {"name": "Wniosek", "slug": "wniosek", "json_schema": '{"type": "object",', "layout": ""}
        response = client.post(NEW + "json/", data, HTTP_HOST=PORTAL)
        assert response.status_code == 200
        assert "To nie jest poprawny JSON" in unescape(response.content.decode())
        assert not StandardForm.objects.filter(slug="wniosek").exists()
        assert not OperatorAction.objects.exists()

    def test_a_dangerous_pattern_is_refused(self, operator, client):
        schema = {"type": "object", "properties": {"a": {"type": "string", "maxLength": 50, "pattern": "^(a+)+\\1$"}}}
        data = {"name": "Wniosek", "slug": "wniosek", "json_schema": json.dumps(schema), "layout": ""}
        response = client.post(NEW + "json/", data, HTTP_HOST=PORTAL)
        assert response.status_code == 200 and not StandardForm.objects.filter(slug="wniosek").exists()

    def test_a_valid_definition_is_published_with_its_audit_entry(self, operator, client):
        schema = {"type": "object", "title": "W", "properties": {"a": {"type": "string", "maxLength": 50}}}
        data = {"name": "Wniosek", "slug": "wniosek", "json_schema": json.dumps(schema), "layout": ""}
        assert client.post(NEW + "json/", data, HTTP_HOST=PORTAL).status_code == 302
        assert StandardForm.objects.get(slug="wniosek").current.number == 1
        assert OperatorAction.objects.filter(action=OperatorActionKind.FORM_PUBLISH).count() == 1


ROUTES = [NEW, NEW + "json/", "/konsola/formularze/", "/konsola/formularze/pismo-ogolne/"]


class TestOperatorsOnly:
    @pytest.mark.parametrize("url", ROUTES)
    def test_anonymous_is_sent_to_sign_in(self, client, url):
        assert client.get(url, HTTP_HOST=PORTAL).status_code == 302
        assert client.post(url, {"action": "publish"}, HTTP_HOST=PORTAL).status_code == 302

    @pytest.mark.parametrize("url", ROUTES)
    def test_an_account_that_is_not_an_operator_gets_403(self, client, url):
        signed_in(client, None, get_user_model().objects.create_user("mieszkaniec", password="x"))
        assert client.get(url, HTTP_HOST=PORTAL).status_code == 403
        assert client.post(url, {"action": "publish"}, HTTP_HOST=PORTAL).status_code == 403

    def test_a_unit_administrator_is_nobody_in_the_console(self, client, unit_a):
        signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))
        assert client.get(NEW, HTTP_HOST=PORTAL).status_code == 302
        assert client.post(NEW, {"action": "publish"}, HTTP_HOST=PORTAL).status_code == 302
        assert client.get(NEW, HTTP_HOST=TORUN).status_code == 404  # no console on a unit's subdomain
