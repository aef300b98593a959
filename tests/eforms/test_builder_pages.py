"""The form builder's pages without JavaScript, in a unit's office: each button posts the signed state back, the
preview is the residents' form with its checks, publishing saves a new version. Who may use it."""

from html import unescape

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared_services.eforms.builder_pages import state_sign
from shared_services.eforms.models import UnitForm
from shared_services.identity.access import StaffRole
from tests.support.accounts import local_account, signed_in, staff_account
from tests.support.form_builder import Builder, build_pesel_form
from tests.support.letters import LUBICZ, TORUN

pytestmark = pytest.mark.django_db
NEW = "/urzad/formularze/nowy/kreator/"


@pytest.fixture(autouse=True)
def english_pages(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def administrator(client, unit_a):
    user = staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN)
    signed_in(client, unit_a, user)
    return user


class TestNoJavaScriptFlow:
    def test_compose_preview_and_publish(self, administrator, client, unit_a):
        page = Builder(client, NEW)
        build_pesel_form(page)
        assert "Numer PESEL" in page.body and "Kto składa wniosek" in page.body
        # The preview is the residents' form: a wrong PESEL is refused with the residents' message.
        page.press("preview", kto="osoba", pesel="44051401459", nazwisko="Kowalska")
        assert "check digit is wrong" in page.body
        page.press("preview", kto="osoba", pesel="44051401458", nazwisko="Kowalska")
        assert "a resident could send them" in page.body
        # The condition: a firm's application needs no PESEL, and one given is not kept.
        page.press("preview", kto="firma", nazwisko="Kowalska")
        assert "a resident could send them" in page.body
        page.press("publish", status=302, **page.meta())
        with tenant_context(unit_a):
            version = UnitForm.objects.get(slug="dofinansowanie").current
        assert version.number == 1
        assert version.json_schema["properties"]["pesel"]["format"] == "pesel"
        assert version.layout["show_when"] == {"pesel": {"field": "kto", "equals": "osoba"}}
        assert version.json_schema["allOf"][0]["then"] == {"required": ["pesel"]}

    def test_the_live_preview_shows_settings_as_typed_without_saving_them(self, administrator, client, unit_a):
        page = Builder(client, NEW)
        name = page.add("text", label="Imię", name="imie")
        page.press(f"edit:{name}")
        state = page.state
        page.press(f"live:{name}", **{"field-label": "Imię dziecka", "field-name": "imie", "field-max_length": "50"})
        preview = page.body[page.body.index('id="builder-preview"') :]
        assert "Imię dziecka" in preview and "not yet saved" in preview
        assert page.response.context["builder"].fields["imie"].label == "Imię"
        assert page.state != "" and page.response.context["editing"] == "imie"
        # What was typed wrongly leaves the preview as saved.
        page.press(f"live:{name}", **{"field-label": "", "field-name": "imie", "field-max_length": "50"})
        assert "not yet saved" not in page.body[page.body.index('id="builder-preview"') :]
        assert state

    def test_publish_redirects_to_the_list(self, administrator, client, unit_a):
        page = Builder(client, NEW)
        page.add("text", label="Imię", name="imie")
        response = client.post(NEW, {"state": page.state, "action": "publish", **page.meta()}, HTTP_HOST=TORUN)
        assert response.status_code == 302 and response["Location"] == "/urzad/formularze/"

    def test_an_existing_form_opens_in_the_builder_and_gets_a_new_version(self, administrator, client, unit_a):
        page = Builder(client, NEW)
        page.add("text", label="Imię", name="imie")
        client.post(NEW, {"state": page.state, "action": "publish", **page.meta()}, HTTP_HOST=TORUN)
        page = Builder(client, "/urzad/formularze/dofinansowanie/kreator/")
        assert "Imię" in page.body
        page.press("up:imie")
        page.add("email", label="E-mail", name="email")
        response = client.post(page.url, {"state": page.state, "action": "publish", **page.meta()}, HTTP_HOST=TORUN)
        assert response.status_code == 302
        with tenant_context(unit_a):
            unit_form = UnitForm.objects.get(slug="dofinansowanie")
            assert [version.number for version in unit_form.versions.all()] == [2, 1]
            assert list(unit_form.current.json_schema["properties"]) == ["imie", "email"]
            assert list(unit_form.versions.get(number=1).json_schema["properties"]) == ["imie"]

    def test_moving_removing_and_steps(self, administrator, client, unit_a):
        page = Builder(client, NEW)
        first = page.add("text", label="Pierwsze", name="pierwsze")
        second = page.add("date", label="Drugie", name="drugie")
        page.press(f"up:{second}")
        assert page.body.index("Drugie") < page.body.index("Pierwsze")
        page.press("step_add", **{"step-title": "Załączniki"})
        page.press(f"down:{first}")
        assert page.response.context["builder"].steps[1].fields == [first]
        page.press("step_rename:1", **{"step-title-1": "Dokumenty"})
        assert page.response.context["builder"].steps[1].title == "Dokumenty"
        page.press(f"delete:{first}")
        assert first not in page.response.context["builder"].fields
        page.press("step_delete:1")
        assert len(page.response.context["builder"].steps) == 1

    def test_field_errors_are_shown_not_saved(self, administrator, client, unit_a):
        page = Builder(client, NEW)
        page.press("add", **page.meta(), **{"add-kind": "text", "add-step": 0})
        page.press(
            "save_field:text_one_line", **{"field-label": "", "field-name": "Zła Nazwa", "field-max_length": "0"}
        )
        errors = page.response.context["field_form"].errors
        assert set(errors) == {"label", "name", "max_length"}
        assert page.response.context["builder"].fields["text_one_line"].label == "Text (one line)"

    def test_a_condition_must_name_an_option(self, administrator, client, unit_a):
        page = Builder(client, NEW)
        page.add("choice", label="Kto", name="kto", choices="osoba | Osoba\nfirma | Firma")
        page.press("add", **page.meta(), **{"add-kind": "nip", "add-step": 0})
        page.press(
            "save_field:nip",
            **{
                "field-label": "NIP",
                "field-name": "nip",
                "field-condition_field": "kto",
                "field-condition_equals": "x",
            },
        )
        assert "condition_equals" in page.response.context["field_form"].errors
        page.press(
            "save_field:nip",
            **{
                "field-label": "NIP",
                "field-name": "nip",
                "field-condition_field": "kto",
                "field-condition_equals": "Firma",
            },
        )
        assert page.response.context["builder"].fields["nip"].condition == {"field": "kto", "equals": "firma"}

    def test_publishing_what_is_not_ready_says_why(self, administrator, client, unit_a):
        page = Builder(client, NEW)
        page.press("publish", **page.meta(slug=""))
        assert "at least one field" in page.body and "needs an address name" in page.body
        with tenant_context(unit_a):
            assert not UnitForm.objects.exists()

    def test_a_taken_address_name_is_an_error_not_a_500(self, administrator, client, unit_a):
        with tenant_context(unit_a):
            UnitForm.objects.create(slug="dofinansowanie", name="Inny")
        page = Builder(client, NEW)
        page.add("text", label="Imię", name="imie")
        page.press("publish", **page.meta())
        assert "already exists" in page.body


class TestBadInput:
    @pytest.mark.parametrize("state", ["", "junk", "eyJmb3JtIjp7fX0:1abc:xyz"])
    def test_a_state_not_signed_by_the_builder_is_400(self, administrator, client, unit_a, state):
        response = client.post(NEW, {"state": state, "action": "add"}, HTTP_HOST=TORUN)
        assert response.status_code == 400
        assert "too old or was not sent by the builder" in unescape(response.content.decode())

    def test_a_state_of_another_page_is_400(self, administrator, client, unit_a):
        from shared_services.eforms.builder import builder_form_new

        other = state_sign(builder_form_new("x"), slug="", scope="office:torun:other:1")
        assert client.post(NEW, {"state": other, "action": "save"}, HTTP_HOST=TORUN).status_code == 400

    @pytest.mark.parametrize(
        "action",
        ["", "unknown", "edit:nope", "up:nope", "delete:nope", "step_delete:x", "step_rename:99", "save_field:x"],
    )
    def test_unknown_actions_and_fields_are_said_never_500(self, administrator, client, unit_a, action):
        page = Builder(client, NEW)
        page.press(action, **page.meta())
        assert page.response.context["errors"] or page.response.context["meta_form"].errors

    def test_a_form_the_builder_cannot_express_goes_to_the_json_editor(self, administrator, client, unit_a):
        schema = {"type": "object", "properties": {"kod": {"type": "string", "maxLength": 5, "pattern": "^[A-Z]+$"}}}
        with tenant_context(unit_a):
            from shared_services.eforms.services import unit_form_save

            unit_form_save(unit_form=None, name="Kod", slug="kod", json_schema=schema, layout={})
        body = unescape(client.get("/urzad/formularze/kod/kreator/", HTTP_HOST=TORUN).content.decode())
        assert "kod" in body and 'href="/urzad/formularze/kod/"' in body


class TestWhoMayBuild:
    def test_anonymous_is_sent_to_sign_in(self, client, unit_a):
        assert client.get(NEW, HTTP_HOST=TORUN).status_code == 302
        assert client.post(NEW, {"action": "publish"}, HTTP_HOST=TORUN).status_code == 302

    @pytest.mark.parametrize("role", [StaffRole.CLERK, StaffRole.DEPARTMENT_HEAD])
    def test_staff_without_admin_rights_are_refused(self, client, unit_a, role):
        signed_in(client, unit_a, staff_account(unit_a, "urzednik", role))
        assert client.get(NEW, HTTP_HOST=TORUN).status_code == 403
        assert client.post(NEW, {"action": "publish"}, HTTP_HOST=TORUN).status_code == 403

    def test_a_resident_is_refused(self, client, unit_a):
        with tenant_context(unit_a):
            resident = local_account()
        signed_in(client, unit_a, resident)
        assert client.get(NEW, HTTP_HOST=TORUN).status_code == 403

    def test_another_units_administrator_is_refused(self, client, unit_a, unit_b):
        with tenant_context(unit_a):
            UnitForm.objects.create(slug="torunski", name="Toruński")
        signed_in(client, unit_b, staff_account(unit_b, "admin", StaffRole.UNIT_ADMIN))
        # Their own office's builder knows only their own forms …
        assert client.get("/urzad/formularze/torunski/kreator/", HTTP_HOST=LUBICZ).status_code == 404
        # … and another unit's office does not know them.
        assert client.get(NEW, HTTP_HOST=TORUN).status_code in (302, 403)

    def test_an_administrators_state_does_not_work_for_another_person(self, administrator, client, unit_a):
        page = Builder(client, NEW)
        state = page.state
        other = get_user_model()
        signed_in(client, unit_a, staff_account(unit_a, "admin2", StaffRole.UNIT_ADMIN))
        assert other is not None
        response = client.post(NEW, {"state": state, "action": "save", **page.meta()}, HTTP_HOST=TORUN)
        assert response.status_code == 400


ACTIONS = ["save", "add", "edit", "save_field", "live", "cancel", "up", "down", "delete", "step_add"]
ACTIONS += ["step_rename", "step_delete", "step_up", "step_down", "preview", "publish", "nonsense"]
POSTED_NAMES = ["meta-title", "meta-slug", "add-kind", "add-step", "step-title", "step-title-0", "field-label"]
POSTED_NAMES += ["field-name", "field-max_length", "field-choices", "field-condition_field", "field-minimum", "imie"]


@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(ACTIONS),
            st.sampled_from(["", "imie", "0", "1", "-1", "x" * 200, "\x00"]),
            st.dictionaries(st.sampled_from(POSTED_NAMES), st.text(max_size=30), max_size=6),
        ),
        min_size=1,
        max_size=6,
    )
)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_sequence_of_buttons_and_answers_is_never_a_500(administrator, client, unit_a, steps):
    page = Builder(client, NEW)
    page.add("text", label="Imię", name="imie")
    for verb, argument, data in steps:
        action = f"{verb}:{argument}" if argument else verb
        response = client.post(NEW, {"state": page.state, "action": action, **data}, HTTP_HOST=TORUN)
        assert response.status_code in (200, 302), (action, data, response.status_code)
        if response.status_code == 302:
            return
        page.response = response
