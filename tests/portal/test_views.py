"""The resident portal of a unit: browsing, the service card, filing a form, drafts, and isolation."""

import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from shared_services.catalogue.models import StandardForm
from shared_services.eforms.models import Attachment, FormDraft, Submission
from shared_services.eforms.services import form_version_create
from shared_services.identity.access import StaffRole
from shared_services.offer.models import AdoptedService, UnitService
from shared_services.offer.services import offer_localise, unit_service_save
from tests.support.accounts import local_account, signed_in
from tests.support.letters import ALCOHOL, LETTER, LUBICZ, PDF, TORUN, application_file

pytestmark = pytest.mark.django_db
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 40

GENERAL_LETTER = {**LETTER, "tresc": "Proszę o informację o terminach odbioru odpadów."}


def page(client, host, path, **kwargs):
    return client.get(path, HTTP_HOST=host, **kwargs)


def text_of(response):
    return response.content.decode()


def file_letter(client, host=TORUN, **changes):
    return application_file(
        client, "/uslugi/wydanie-dowodu-osobistego/wniosek/", {**GENERAL_LETTER, **changes}, HTTP_HOST=host
    )


def resident(unit, email="anna@example.pl"):
    with tenant_context(unit):
        return local_account(email=email)


class TestBrowsing:
    def test_home_lists_categories_and_life_events_of_the_catalogue(self, full_catalogue, client, unit_a):
        home = text_of(page(client, TORUN, "/"))
        assert "Podatki i opłaty lokalne" in home and "Przeprowadzka" in home
        assert 'href="/kategorie/podatki-i-oplaty/"' in home

    def test_home_page_query_count_is_pinned(self, full_catalogue, client, unit_a, django_assert_num_queries):
        page(client, TORUN, "/")
        # SET search_path, categories, life events: the branding and the counts of services come from the cache.
        with django_assert_num_queries(3):
            assert page(client, TORUN, "/").status_code == 200

    def test_a_category_lists_only_what_this_unit_offers(self, full_catalogue, client, unit_a, unit_b):
        torun = text_of(page(client, TORUN, "/kategorie/komunikacja-i-transport/"))
        lubicz = text_of(page(client, LUBICZ, "/kategorie/komunikacja-i-transport/"))
        assert "Rejestracja pojazdu" in torun  # Toruń is a city with powiat rights
        assert "Rejestracja pojazdu" not in lubicz  # a rural gmina does not register vehicles

    def test_service_card_shows_the_standard_text_and_the_local_details(self, full_catalogue, client, unit_a):
        with tenant_context(unit_a):
            adopted = AdoptedService.objects.get(standard_service__slug="wydanie-dowodu-osobistego")
            offer_localise(adopted=adopted, department="Wydział Spraw Obywatelskich", room="pok. 12")
        card = text_of(page(client, TORUN, "/uslugi/wydanie-dowodu-osobistego/"))
        assert "Wydanie dowodu osobistego" in card and "Wydział Spraw Obywatelskich" in card and "pok. 12" in card
        assert 'href="/uslugi/wydanie-dowodu-osobistego/wniosek/"' in card

    def test_a_fee_is_shown_in_zloty_and_a_local_fee_replaces_the_standard_one(self, full_catalogue, client, unit_a):
        assert "17,00 zł" in text_of(page(client, TORUN, "/uslugi/zaswiadczenie-o-zameldowaniu/"))
        with tenant_context(unit_a):
            adopted = AdoptedService.objects.get(standard_service__slug="zaswiadczenie-o-zameldowaniu")
            offer_localise(adopted=adopted, fee_override_grosze=1234)
        card = text_of(page(client, TORUN, "/uslugi/zaswiadczenie-o-zameldowaniu/"))
        assert "12,34 zł" in card and "17,00 zł" not in card

    def test_a_variable_fee_is_not_shown_as_free(self, full_catalogue, client, unit_a):
        card = text_of(page(client, TORUN, "/uslugi/zajecie-pasa-drogowego-droga-gminna/"))
        assert "zależy od sprawy" in card and "bez opłat" not in card.lower()

    def test_a_service_the_unit_switched_off_is_not_found(self, full_catalogue, client, unit_a):
        with tenant_context(unit_a):
            offer_localise(
                adopted=AdoptedService.objects.get(standard_service__slug="karta-duzej-rodziny"), enabled=False
            )
        assert page(client, TORUN, "/uslugi/karta-duzej-rodziny/").status_code == 404
        assert page(client, TORUN, "/uslugi/karta-duzej-rodziny/wniosek/").status_code == 404
        assert page(client, LUBICZ, "/uslugi/karta-duzej-rodziny/").status_code == 200

    def test_a_units_own_service_is_found_only_in_that_unit(self, full_catalogue, client, unit_a):
        with tenant_context(unit_a):
            unit_service_save(
                service=UnitService(
                    slug="karta-torunczyka",
                    name="Karta Torunianina",
                    short_description="Zniżki dla mieszkańców Torunia.",
                    keywords="karta mieszkanca znizki",
                    standard_form=StandardForm.objects.get(slug="pismo-ogolne"),
                )
            )
        assert "Karta Torunianina" in text_of(page(client, TORUN, "/szukaj/", data={"q": "karta torunianina"}))
        assert page(client, TORUN, "/uslugi-lokalne/karta-torunczyka/").status_code == 200
        assert page(client, LUBICZ, "/uslugi-lokalne/karta-torunczyka/").status_code == 404
        assert "Karta Torunianina" not in text_of(page(client, LUBICZ, "/szukaj/", data={"q": "karta torunianina"}))

    def test_search_answers_htmx_with_the_results_fragment_only(self, full_catalogue, client, unit_a):
        fragment = text_of(page(client, TORUN, "/szukaj/", data={"q": "dowod"}, HTTP_HX_REQUEST="true"))
        assert "Wydanie dowodu osobistego" in fragment and "<html" not in fragment

    def test_search_query_count_is_pinned(self, full_catalogue, client, unit_a, django_assert_num_queries):
        page(client, TORUN, "/")
        # SET search_path and the adopted services matching every word: the branding and the counts come from the
        # cache, and Toruń has no own service to search.
        with django_assert_num_queries(2):
            assert page(client, TORUN, "/szukaj/", data={"q": "podatek"}).status_code == 200


class TestFiling:
    def test_a_valid_application_is_stored_in_the_units_schema_and_confirmed(
        self, full_catalogue, client, unit_a, unit_b
    ):
        response = file_letter(client)
        assert response.status_code == 302
        with tenant_context(unit_a):
            submission = Submission.objects.get()
            assert (
                submission.data["email"] == "anna@example.pl" and submission.service_name == "Wydanie dowodu osobistego"
            )
            assert submission.standard_form_version == StandardForm.objects.get(slug="pismo-ogolne").current
        with tenant_context(unit_b):
            assert not Submission.objects.exists()
        confirmation = client.get(response["Location"], HTTP_HOST=TORUN)
        assert str(submission.reference) in text_of(confirmation)

    def test_the_confirmation_is_not_shown_to_another_browser_or_on_another_unit(
        self, full_catalogue, client, unit_a, unit_b
    ):
        location = file_letter(client)["Location"]
        assert client.get(location, HTTP_HOST=LUBICZ).status_code == 404
        client.cookies.clear()
        assert client.get(location, HTTP_HOST=TORUN).status_code == 404

    def test_polish_validators_and_required_fields_give_messages_in_polish(self, full_catalogue, client, unit_a):
        response = file_letter(client, kod_pocztowy="87100", email="", imie="")
        body = text_of(response)
        assert response.status_code == 200
        assert "Kod pocztowy" in body and "00-000" in body and "To pole jest wymagane." in body
        assert 'class="error-summary"' in body and 'href="#id_kod_pocztowy"' in body
        assert (
            'aria-describedby="id_kod_pocztowy_helptext id_kod_pocztowy_error"' in body
            or 'aria-describedby="id_kod_pocztowy_error id_kod_pocztowy_helptext"' in body
        )
        with tenant_context(unit_a):
            assert not Submission.objects.exists()

    def test_what_the_resident_typed_is_kept_when_the_form_comes_back_with_errors(self, full_catalogue, client, unit_a):
        body = text_of(file_letter(client, kod_pocztowy="87100"))
        assert 'value="ul. Szeroka 12/4"' in body and "Proszę o informację o terminach odbioru odpadów." in body

    def test_nip_regon_and_an_attachment_checked_by_content(self, full_catalogue, client, unit_a):
        url = "/uslugi/zezwolenie-na-sprzedaz-napojow-alkoholowych/wniosek/"
        bad = client.post(
            url,
            {
                **ALCOHOL,
                "nip": "5260250275",
                "regon": "012100785",
                "tytul_prawny": SimpleUploadedFile("umowa.pdf", PNG, "application/pdf"),
            },
            HTTP_HOST=TORUN,
        )
        body = text_of(bad)
        assert "NIP" in body and "REGON" in body and "PNG" in body
        good = application_file(
            client,
            url,
            {**ALCOHOL, "tytul_prawny": SimpleUploadedFile("umowa.pdf", PDF, "application/pdf")},
            HTTP_HOST=TORUN,
        )
        assert good.status_code == 302
        with tenant_context(unit_a):
            attachment = Attachment.objects.get()
            assert attachment.submission.data["nip"] == "5260250274" and attachment.media_type == "application/pdf"
            assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
            stored = Path(attachment.file.path)
        # Files of a unit live under its own folder of the media storage.
        assert stored.read_bytes() == PDF and unit_a.schema_name in stored.parts
        assert Path(settings.MEDIA_ROOT) in stored.parents

    def test_a_conditional_field_is_required_only_when_its_condition_holds(self, full_catalogue, client, unit_a):
        url = "/uslugi/dostep-do-informacji-publicznej/wniosek/"
        answer = {"email": "jan@example.pl", "zakres": "Umowy zawarte w 2025 r.", "sposob": "poczta"}
        assert "To pole jest wymagane." in text_of(client.post(url, answer, HTTP_HOST=TORUN))
        filed = application_file(
            client, url, {**answer, "sposob": "email", "adres_pocztowy": "ul. Długa 1"}, HTTP_HOST=TORUN
        )
        assert filed.status_code == 302
        with tenant_context(unit_a):
            # The answer to a field its condition hid is not kept.
            assert "adres_pocztowy" not in Submission.objects.get().data

    def test_a_resident_of_another_unit_cannot_file_a_service_it_does_not_offer(self, full_catalogue, client, unit_b):
        response = client.post("/uslugi/rejestracja-pojazdu/wniosek/", GENERAL_LETTER, HTTP_HOST=LUBICZ)
        assert response.status_code == 404
        with tenant_context(unit_b):
            assert not Submission.objects.exists()


class TestDrafts:
    def test_a_signed_in_resident_saves_a_draft_and_comes_back_to_it(self, full_catalogue, client, unit_a):
        signed_in(client, unit_a, resident(unit_a))
        url = "/uslugi/wydanie-dowodu-osobistego/wniosek/"
        saved = client.post(url, {"imie": "Anna", "tytul": "Szkic", "save_draft": "1"}, HTTP_HOST=TORUN)
        assert saved.status_code == 302
        again = text_of(client.get(url, HTTP_HOST=TORUN))
        assert 'value="Szkic"' in again and "szkic zapisany" in again.lower()
        assert application_file(client, url, GENERAL_LETTER, HTTP_HOST=TORUN).status_code == 302
        with tenant_context(unit_a):
            assert not FormDraft.objects.exists()  # used up by the submission
            assert Submission.objects.get().submitted_by.email == "anna@example.pl"

    def test_a_draft_keeps_its_form_version_after_the_form_changes(self, full_catalogue, client, unit_a):
        signed_in(client, unit_a, resident(unit_a))
        url = "/uslugi/wydanie-dowodu-osobistego/wniosek/"
        client.post(url, {"imie": "Anna", "save_draft": "1"}, HTTP_HOST=TORUN)
        letter = StandardForm.objects.get(slug="pismo-ogolne")
        first = letter.current
        schema = {
            **first.json_schema,
            "properties": {
                **first.json_schema["properties"],
                "sygnatura": {"type": "string", "title": "Sygnatura", "maxLength": 50},
            },
        }
        layout = {
            "steps": [
                *first.layout["steps"][:-1],
                {**first.layout["steps"][-1], "fields": [*first.layout["steps"][-1]["fields"], "sygnatura"]},
            ]
        }
        form_version_create(form=letter, json_schema=schema, layout=layout)
        assert "Sygnatura" not in text_of(client.get(url, HTTP_HOST=TORUN))
        application_file(client, url, GENERAL_LETTER, HTTP_HOST=TORUN)
        with tenant_context(unit_a):
            assert Submission.objects.get().standard_form_version == first
        client.logout()
        assert "Sygnatura" in text_of(client.get(url, HTTP_HOST=TORUN))  # a new application uses the new version

    def test_an_attachment_saved_with_a_draft_need_not_be_uploaded_again(self, full_catalogue, client, unit_a):
        signed_in(client, unit_a, resident(unit_a))
        url = "/uslugi/zezwolenie-na-sprzedaz-napojow-alkoholowych/wniosek/"
        client.post(url, {"save_draft": "1", "tytul_prawny": SimpleUploadedFile("umowa.pdf", PDF)}, HTTP_HOST=TORUN)
        page = text_of(client.get(url, HTTP_HOST=TORUN))
        assert "umowa.pdf" in page and 'name="tytul_prawny__keep" id="id_tytul_prawny_keep" value="1" checked' in page
        kept = {**ALCOHOL, "tytul_prawny__keep": "1"}  # the box beside the kept file, ticked as the page shows it
        assert application_file(client, url, kept, HTTP_HOST=TORUN).status_code == 302
        with tenant_context(unit_a):
            attachment = Attachment.objects.get()
            assert attachment.draft is None and attachment.submission.service_key.endswith("alkoholowych")

    def test_a_disguised_file_is_not_kept_with_a_draft(self, full_catalogue, client, unit_a):
        signed_in(client, unit_a, resident(unit_a))
        url = "/uslugi/zezwolenie-na-sprzedaz-napojow-alkoholowych/wniosek/"
        client.post(
            url,
            {"save_draft": "1", "tytul_prawny": SimpleUploadedFile("umowa.pdf", b"MZ\x90\x00" * 50)},
            HTTP_HOST=TORUN,
        )
        with tenant_context(unit_a):
            assert FormDraft.objects.exists() and not Attachment.objects.exists()

    def test_an_anonymous_visitor_cannot_save_a_draft_but_keeps_what_was_typed(self, full_catalogue, client, unit_a):
        response = client.post(
            "/uslugi/wydanie-dowodu-osobistego/wniosek/", {"imie": "Aniela", "save_draft": "1"}, HTTP_HOST=TORUN
        )
        body = text_of(response)
        assert response.status_code == 200 and 'value="Aniela"' in body and "sesja" in body
        with tenant_context(unit_a):
            assert not FormDraft.objects.exists()

    def test_a_nul_or_other_control_character_in_an_answer_is_dropped_not_an_error(
        self, full_catalogue, client, unit_a
    ):
        # PostgreSQL keeps no NUL in text: the answers kept between the form and the check page are cleaned too.
        assert file_letter(client, imie="An\x00na\x1b", tresc="Proszę\x00 o terminy.").status_code == 302
        with tenant_context(unit_a):
            assert Submission.objects.get().data["imie"] == "Anna"
            assert Submission.objects.get().data["tresc"] == "Proszę o terminy."

    def test_a_second_submit_of_the_same_draft_files_nothing_twice(self, full_catalogue, client, unit_a):
        from shared_services.eforms.filling import ApplicationForm
        from shared_services.eforms.services import DraftAlreadyFiled, draft_get, submission_create

        signed_in(client, unit_a, resident(unit_a))
        url = "/uslugi/zezwolenie-na-sprzedaz-napojow-alkoholowych/wniosek/"
        client.post(url, {"save_draft": "1", "tytul_prawny": SimpleUploadedFile("umowa.pdf", PDF)}, HTTP_HOST=TORUN)
        with tenant_context(unit_a):
            owner = User.objects.get()
            draft = draft_get(owner=owner, service_key="standard:zezwolenie-na-sprzedaz-napojow-alkoholowych")
            kept = {"tytul_prawny": "umowa.pdf"}
            forms = [ApplicationForm(ALCOHOL, definition=draft.form_version, kept_attachments=kept) for _ in range(2)]
            assert all(form.is_valid() for form in forms)
            submission_create(form=forms[0], service_key=draft.service_key, service_name="A", draft=draft)
            with pytest.raises(DraftAlreadyFiled):  # the same, stale draft: the double click
                submission_create(form=forms[1], service_key=draft.service_key, service_name="A", draft=draft)
            assert Submission.objects.count() == 1 and Submission.objects.get().attachments.count() == 1

    def test_a_draft_file_of_a_field_the_answer_hides_is_not_filed(self, full_catalogue, client, unit_a):
        signed_in(client, unit_a, resident(unit_a))
        url = "/uslugi/podatek-od-nieruchomosci/wniosek/"
        answer = {
            "rodzaj_podatnika": "osoba",
            "imie": "Anna",
            "nazwisko": "Kowalska",
            "pesel": "02070803628",
            "ulica": "ul. Szeroka 1",
            "kod_pocztowy": "87-100",
            "miejscowosc": "Toruń",
            "email": "anna@example.pl",
            "data_nabycia": "2025-03-01",
            "powierzchnia_gruntu": "512.5",
            "oswiadczenie": "on",
        }
        client.post(
            url, {**answer, "rodzaj_podatnika": "firma", "nazwa_firmy": "Spółka", "save_draft": "1"}, HTTP_HOST=TORUN
        )
        assert application_file(client, url, answer, HTTP_HOST=TORUN).status_code == 302
        with tenant_context(unit_a):
            data = Submission.objects.get().data
        assert "nazwa_firmy" not in data and data["powierzchnia_gruntu"] == 512.5  # a number, not text

    def test_drafts_and_applications_of_a_resident_are_not_visible_to_another(self, full_catalogue, client, unit_a):
        signed_in(client, unit_a, resident(unit_a))
        client.post("/uslugi/wydanie-dowodu-osobistego/wniosek/", {"imie": "Anna", "save_draft": "1"}, HTTP_HOST=TORUN)
        location = file_letter(client)["Location"]
        signed_in(client, unit_a, resident(unit_a, "jan@example.pl"))
        account = text_of(client.get("/konto/", HTTP_HOST=TORUN))
        assert "Pismo ogólne" not in account and "Wydanie dowodu osobistego" not in account
        assert client.get(location, HTTP_HOST=TORUN).status_code == 404


class TestOfficeScreens:
    @pytest.fixture
    def clerk_a(self, unit_a):
        with tenant_context(unit_a):
            user = User.objects.create_user("urzednik", "urzednik@torun.example", "bardzo-tajne-haslo")
            user.groups.add(Group.objects.get_or_create(name=StaffRole.UNIT_ADMIN)[0])
            return user

    def test_a_clerk_localises_an_adopted_service(self, full_catalogue, client, unit_a, unit_b, clerk_a):
        signed_in(client, unit_a, clerk_a)
        response = client.post(
            "/urzad/uslugi/wydanie-dowodu-osobistego/",
            {
                "enabled": "on",
                "fee_override_grosze": "",
                "department": "Wydział Spraw Obywatelskich",
                "room": "12",
                "office_hours": "pon.–pt. 8–16",
                "contact": "56 611 00 00",
                "local_notes": "Zdjęcie 35×45 mm.",
            },
            HTTP_HOST=TORUN,
        )
        assert response.status_code == 302
        assert "Zdjęcie 35×45 mm." in text_of(page(client, TORUN, "/uslugi/wydanie-dowodu-osobistego/"))
        assert "Zdjęcie 35×45 mm." not in text_of(page(client, LUBICZ, "/uslugi/wydanie-dowodu-osobistego/"))

    def test_a_clerk_adds_an_own_service_with_a_polish_message_on_a_bad_address_name(
        self, full_catalogue, client, unit_a, clerk_a
    ):
        signed_in(client, unit_a, clerk_a)
        form = {
            "name": "Wynajem sali",
            "slug": "wynajem sali",
            "enabled": "on",
            "short_description": "Sala na 50 osób.",
            "fee_grosze": "0",
        }
        refused = client.post("/urzad/uslugi-wlasne/nowa/", form, HTTP_HOST=TORUN)
        assert refused.status_code == 200 and 'href="#id_slug"' in text_of(refused)
        assert (
            client.post("/urzad/uslugi-wlasne/nowa/", {**form, "slug": "wynajem-sali"}, HTTP_HOST=TORUN).status_code
            == 302
        )
        assert "Wynajem sali" in text_of(page(client, TORUN, "/szukaj/", data={"q": "sala"}))

    @pytest.mark.parametrize(
        "path",
        [
            "/urzad/uslugi/",
            "/urzad/uslugi/wydanie-dowodu-osobistego/",
            "/urzad/uslugi-wlasne/nowa/",
            "/urzad/wyglad/",
            "/urzad/wnioski/",
        ],
    )
    def test_office_screens_refuse_anonymous_visitors_residents_and_other_units_clerks(
        self, full_catalogue, client, unit_a, unit_b, path
    ):
        assert page(client, TORUN, path).status_code == 302  # to the sign-in page
        signed_in(client, unit_a, resident(unit_a))
        assert page(client, TORUN, path).status_code == 403
        with tenant_context(unit_b):
            other = User.objects.create_user("lubicz-admin")
            other.groups.add(Group.objects.get_or_create(name=StaffRole.UNIT_ADMIN)[0])
        signed_in(client, unit_b, other)  # a session made in Lubicz's schema is nobody in Toruń's
        assert page(client, TORUN, path).status_code in (302, 403)

    def test_applications_of_a_unit_are_listed_only_to_its_own_office(
        self, full_catalogue, client, unit_a, unit_b, clerk_a
    ):
        file_letter(client)
        signed_in(client, unit_a, clerk_a)
        assert "anna@example.pl" in text_of(page(client, TORUN, "/urzad/wnioski/"))

    def test_a_colour_pair_with_too_little_contrast_is_refused_with_the_reason(
        self, full_catalogue, client, unit_a, clerk_a
    ):
        signed_in(client, unit_a, clerk_a)
        form = {"display_name": "Miasto Toruń", "primary_colour": "#7fa7e0", "accent_colour": "#b3261e"}
        body = text_of(client.post("/urzad/wyglad/", form, HTTP_HOST=TORUN))
        assert "4,5:1" in body or "4.5:1" in body
        assert client.post("/urzad/wyglad/", {**form, "primary_colour": "#0b5394"}, HTTP_HOST=TORUN).status_code == 302
        assert "#0b5394" in text_of(page(client, TORUN, "/"))
        assert "#0b5394" not in text_of(page(client, LUBICZ, "/"))

    def test_a_coat_of_arms_is_checked_by_content_and_served_only_on_its_unit(
        self, full_catalogue, client, unit_a, clerk_a
    ):
        signed_in(client, unit_a, clerk_a)
        form = {"display_name": "Miasto Toruń", "primary_colour": "#1d3f7a", "accent_colour": "#b3261e"}
        disguised = SimpleUploadedFile("herb.png", PDF, "image/png")
        refused = client.post("/urzad/wyglad/", {**form, "coat_of_arms_upload": disguised}, HTTP_HOST=TORUN)
        assert refused.status_code == 200 and "PDF" in text_of(refused)
        upload = SimpleUploadedFile("herb.png", PNG, "image/png")
        assert (
            client.post("/urzad/wyglad/", {**form, "coat_of_arms_upload": upload}, HTTP_HOST=TORUN).status_code == 302
        )
        assert 'src="/herb/?v=' in text_of(page(client, TORUN, "/"))
        served = page(client, TORUN, "/herb/")
        assert served["Content-Type"] == "image/png" and b"".join(served.streaming_content) == PNG
        assert page(client, LUBICZ, "/herb/").status_code == 404
        assert 'src="/herb/' not in text_of(page(client, LUBICZ, "/"))


def test_display_preferences_persist_in_a_cookie(client, unit_a):
    response = client.post("/wyswietlanie/", {"text_size": "largest", "next": "/szukaj/"}, HTTP_HOST=TORUN)
    assert response.status_code == 302 and response["Location"] == "/szukaj/"
    assert 'class="text-largest contrast-normal"' in text_of(page(client, TORUN, "/szukaj/"))
    client.post("/wyswietlanie/", {"contrast": "high", "next": "https://evil.example/"}, HTTP_HOST=TORUN)
    assert 'class="text-largest contrast-high"' in text_of(page(client, TORUN, "/szukaj/"))


def test_display_preferences_do_not_redirect_elsewhere(client, unit_a):
    response = client.post("/wyswietlanie/", {"contrast": "high", "next": "https://evil.example/"}, HTTP_HOST=TORUN)
    assert response["Location"] == "/"


class TestRegionalPortal:
    def test_regional_search_says_which_units_offer_a_service(self, full_catalogue, client, unit_a, unit_b):
        body = text_of(page(client, "localhost", "/szukaj/", data={"q": "dowod osobisty"}))
        assert "Wydanie dowodu osobistego" in body
        assert 'href="http://torun.localhost/uslugi/wydanie-dowodu-osobistego/"' in body
        assert 'href="http://lubicz.localhost/uslugi/wydanie-dowodu-osobistego/"' in body

    def test_a_suspended_unit_is_not_offered_to_residents(self, full_catalogue, client, unit_a, unit_b):
        from tenants.models import UnitStatus
        from tenants.services import unit_set_status

        unit_set_status(unit=unit_b, status=UnitStatus.SUSPENDED)
        body = text_of(page(client, "localhost", "/szukaj/", data={"q": "dowod osobisty"}))
        assert "torun.localhost" in body and "lubicz.localhost" not in body

    def test_a_units_own_service_is_listed_with_a_link_to_that_unit(self, full_catalogue, client, unit_a, unit_b):
        with tenant_context(unit_a):
            unit_service_save(
                service=UnitService(
                    slug="wynajem-sali", name="Wynajem sali w ratuszu", short_description="Sala na 50 osób."
                )
            )
        body = text_of(page(client, "localhost", "/szukaj/", data={"q": "wynajem sali"}))
        assert 'href="http://torun.localhost/uslugi-lokalne/wynajem-sali/"' in body and "lubicz.localhost" not in body

    def test_a_unit_switching_a_service_off_leaves_the_regional_list(self, full_catalogue, client, unit_a, unit_b):
        with tenant_context(unit_b):
            offer_localise(
                adopted=AdoptedService.objects.get(standard_service__slug="wydanie-dowodu-osobistego"), enabled=False
            )
        body = text_of(page(client, "localhost", "/szukaj/", data={"q": "dowod osobisty"}))
        assert "torun.localhost/uslugi/wydanie-dowodu-osobistego" in body
        assert "lubicz.localhost/uslugi/wydanie-dowodu-osobistego" not in body

    def test_regional_search_query_count_is_pinned(
        self, full_catalogue, client, unit_a, unit_b, django_assert_num_queries
    ):
        page(client, "localhost", "/szukaj/", data={"q": "podatek"})
        # SET search_path, then the matching cards, units' own services with their unit, the cards' services,
        # the offerings with their units: the same for any number of units.
        with django_assert_num_queries(5):
            assert page(client, "localhost", "/szukaj/", data={"q": "podatek"}).status_code == 200


def test_an_oversized_request_is_refused_before_it_is_read(client, unit_a, settings):
    settings.MAX_REQUEST_BYTES = 1024
    body = "x" * 2048
    response = client.generic(
        "POST",
        "/uslugi/wydanie-dowodu-osobistego/wniosek/",
        body,
        content_type="application/x-www-form-urlencoded",
        HTTP_HOST=TORUN,
    )
    assert response.status_code == 413
    assert "Wysłano za dużo danych" in text_of(response)
    with tenant_context(unit_a):
        assert not Submission.objects.exists()
