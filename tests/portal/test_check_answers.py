"""Filing an application in two steps: the form (which states the fee), then "check your answers", from which
it is sent once; "correct" goes back with every answer and file kept. Plus who may see the answers waiting."""

import copy
import os
import re
from datetime import timedelta
from importlib import import_module

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_services.eforms.models import Attachment, FormDraft, Submission
from shared_services.eforms.services import visitor_drafts_remove
from shared_services.payments.models import ProviderConfig
from tests.support.accounts import local_account, signed_in
from tests.support.letters import ALCOHOL, FORM_URL, LETTER, LUBICZ, PDF, TORUN
from tests.support.payments import configure_p24

pytestmark = pytest.mark.django_db

CHECK_URL = f"{FORM_URL}sprawdz/"
ALCOHOL_URL = "/uslugi/zezwolenie-na-sprzedaz-napojow-alkoholowych/wniosek/"


def text(response) -> str:
    return response.content.decode()


def draft_key(page: str) -> str:
    return re.search(r'name="draft" value="([0-9a-f-]+)"', page).group(1)


def submissions(unit) -> int:
    with tenant_context(unit):
        return Submission.objects.count()


class TestTheFeeBeforeFiling:
    def test_a_paid_service_states_the_amount_in_zloty_and_paying_at_the_office(self, full_catalogue, client, unit_a):
        with tenant_context(unit_a):
            ProviderConfig.objects.create(provider="office", options={"instructions": "Kasa w pokoju 5."})
        page = text(client.get("/uslugi/zaswiadczenie-o-zameldowaniu/wniosek/", HTTP_HOST=TORUN))
        assert "17,00 zł (opłata skarbowa)" in page
        assert "Opłatę wnosisz w urzędzie" in page and "Kasa w pokoju 5." in page

    def test_with_przelewy24_set_up_the_fee_is_paid_online_right_after_sending(
        self, full_catalogue, client, unit_a, gateway
    ):
        configure_p24(unit_a, gateway)
        page = text(client.get("/uslugi/zaswiadczenie-o-zameldowaniu/wniosek/", HTTP_HOST=TORUN))
        assert "17,00 zł" in page and "Opłatę wnosisz online przez Przelewy24 zaraz po wysłaniu wniosku" in page

    def test_a_free_service_says_so_and_a_variable_fee_is_not_called_free(self, full_catalogue, client, unit_a):
        assert "Wniosek jest bezpłatny." in text(client.get(FORM_URL, HTTP_HOST=TORUN))
        variable = text(client.get("/uslugi/zajecie-pasa-drogowego-droga-gminna/wniosek/", HTTP_HOST=TORUN))
        assert "Wysokość opłaty zależy od sprawy" in variable and "bezpłatny" not in variable

    def test_the_fee_is_in_english_in_the_english_interface(self, full_catalogue, client, unit_a, english):
        client.cookies["django_language"] = "en"
        page = text(client.get("/uslugi/zaswiadczenie-o-zameldowaniu/wniosek/", HTTP_HOST=TORUN))
        assert "17.00 zł (stamp duty (opłata skarbowa))" in page and "You pay it at the office" in page


class TestCheckYourAnswers:
    def test_valid_answers_lead_to_the_check_page_with_labels_and_nothing_is_filed_yet(
        self, full_catalogue, client, unit_a
    ):
        response = client.post(
            ALCOHOL_URL, {**ALCOHOL, "tytul_prawny": SimpleUploadedFile("umowa.pdf", PDF)}, HTTP_HOST=TORUN
        )
        assert response.status_code == 302 and response["Location"] == f"{ALCOHOL_URL}sprawdz/"
        page = text(client.get(response["Location"], HTTP_HOST=TORUN))
        assert "Sprawdź dane przed wysłaniem" in page
        assert "<dt>NIP</dt>" in page and "5260250274" in page  # labels, not keys
        assert "kod_pocztowy" not in page and "umowa.pdf" in page  # files by name
        assert "525,00 zł" in page  # the fee again, before sending
        assert "Wyślij wniosek" in page and "Popraw" in page
        assert submissions(unit_a) == 0

    def test_correct_goes_back_with_every_answer_and_the_file_kept(self, full_catalogue, client, unit_a):
        client.post(ALCOHOL_URL, {**ALCOHOL, "tytul_prawny": SimpleUploadedFile("umowa.pdf", PDF)}, HTTP_HOST=TORUN)
        form = text(client.get(ALCOHOL_URL, HTTP_HOST=TORUN))  # "Popraw" is a link back to the form
        assert 'value="Sklep Pod Lipą sp. z o.o."' in form and 'value="5260250274"' in form
        assert "Już dołączony: umowa.pdf" in form
        assert re.search(
            r'<input type="checkbox" name="tytul_prawny__keep" id="id_tytul_prawny_keep" value="1" checked>', form
        )
        # The file is not sent again: the one kept (its box ticked, as the page shows it) is filed.
        changed = client.post(
            ALCOHOL_URL, {**ALCOHOL, "miejscowosc": "Lubicz", "tytul_prawny__keep": "1"}, HTTP_HOST=TORUN
        )
        page = text(client.get(changed["Location"], HTTP_HOST=TORUN))
        assert "Lubicz" in page and "umowa.pdf" in page
        filed = client.post(changed["Location"], {"draft": draft_key(page)}, HTTP_HOST=TORUN)
        assert filed.status_code == 302
        with tenant_context(unit_a):
            attachment = Attachment.objects.get()
            assert attachment.submission.data["miejscowosc"] == "Lubicz" and attachment.original_name == "umowa.pdf"
            assert not FormDraft.objects.exists()

    def test_unticking_a_kept_file_removes_it_and_asks_for_the_file_again(self, full_catalogue, client, unit_a):
        client.post(ALCOHOL_URL, {**ALCOHOL, "tytul_prawny": SimpleUploadedFile("umowa.pdf", PDF)}, HTTP_HOST=TORUN)
        response = client.post(ALCOHOL_URL, ALCOHOL, HTTP_HOST=TORUN)  # the box beside umowa.pdf unticked
        page = text(response)
        assert response.status_code == 200 and "Już dołączony" not in page and 'href="#id_tytul_prawny"' in page
        with tenant_context(unit_a):
            assert not Attachment.objects.exists() and FormDraft.objects.get().data["miejscowosc"] == "Toruń"
        assert submissions(unit_a) == 0

    def test_a_later_application_without_a_file_does_not_take_the_earlier_ones(self, full_catalogue, client, unit_a):
        """A browser whose filing was lost (a server killed mid-intake) sends a new letter without a file from a
        page that showed none: the file of the earlier try is not filed with it."""
        attached = {**LETTER, "zalacznik": SimpleUploadedFile("skan.pdf", PDF)}
        assert client.post(FORM_URL, attached, HTTP_HOST=TORUN)["Location"] == CHECK_URL  # sending never arrived
        filed = client.post(FORM_URL, {**LETTER, "tytul": "Inna sprawa"}, HTTP_HOST=TORUN)
        page = text(client.get(filed["Location"], HTTP_HOST=TORUN))
        assert "Inna sprawa" in page and "skan.pdf" not in page
        assert client.post(CHECK_URL, {"draft": draft_key(page)}, HTTP_HOST=TORUN).status_code == 302
        with tenant_context(unit_a):
            assert Submission.objects.get().data["tytul"] == "Inna sprawa" and not Attachment.objects.exists()

    def test_errors_keep_what_was_typed_and_the_file_that_passed_its_checks(self, full_catalogue, client, unit_a):
        response = client.post(
            ALCOHOL_URL,
            {**ALCOHOL, "nip": "5260250275", "tytul_prawny": SimpleUploadedFile("umowa.pdf", PDF)},
            HTTP_HOST=TORUN,
        )
        page = text(response)
        assert response.status_code == 200 and 'value="5260250275"' in page and 'value="ul. Lipowa 1"' in page
        assert "Już dołączony: umowa.pdf" in page and 'href="#id_nip"' in page
        assert submissions(unit_a) == 0

    def test_send_files_once_however_often_it_is_posted(self, full_catalogue, client, unit_a):
        page = text(client.get(client.post(FORM_URL, LETTER, HTTP_HOST=TORUN)["Location"], HTTP_HOST=TORUN))
        first = client.post(CHECK_URL, {"draft": draft_key(page)}, HTTP_HOST=TORUN)
        again = client.post(CHECK_URL, {"draft": draft_key(page)}, HTTP_HOST=TORUN)  # a double click, a replay
        assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
        confirmation = text(client.get(again["Location"], HTTP_HOST=TORUN))
        assert "Ten wniosek został już wysłany; oto jego potwierdzenie." in confirmation
        assert 'class="message info"' in confirmation  # a message says its kind
        assert submissions(unit_a) == 1

    def test_a_double_click_whose_first_request_filed_meanwhile_shows_that_application(
        self, full_catalogue, client, unit_a
    ):
        """Both clicks left the browser with the same session; the first filed before the second was read."""
        page = text(client.get(client.post(FORM_URL, LETTER, HTTP_HOST=TORUN)["Location"], HTTP_HOST=TORUN))
        sessions = import_module(settings.SESSION_ENGINE).SessionStore
        key = client.cookies["sessionid"].value
        with tenant_context(unit_a):
            before = dict(sessions(session_key=key).load())
        first = client.post(CHECK_URL, {"draft": draft_key(page)}, HTTP_HOST=TORUN)
        with tenant_context(unit_a):  # the second request reads the session as it was before the first answered
            store = sessions(session_key=key)
            store.clear()
            store.update(before)
            store.save()
        second = client.post(CHECK_URL, {"draft": draft_key(page)}, HTTP_HOST=TORUN)
        assert second["Location"] == first["Location"] and submissions(unit_a) == 1
        assert client.get(second["Location"], HTTP_HOST=TORUN).status_code == 200

    def test_the_check_page_without_answers_leads_back_to_the_form(self, full_catalogue, client, unit_a):
        response = client.get(CHECK_URL, HTTP_HOST=TORUN)
        assert response.status_code == 302 and response["Location"] == FORM_URL
        assert "Najpierw wypełnij formularz" in text(client.get(FORM_URL, HTTP_HOST=TORUN))

    def test_a_send_without_its_answers_is_refused_in_polish(self, full_catalogue, client, unit_a):
        refused = client.post(CHECK_URL, {"draft": "nie-uuid"}, HTTP_HOST=TORUN)
        assert refused.status_code == 400 and "Z żądania nie wynika, które dane wysłać" in text(refused)
        assert submissions(unit_a) == 0

    def test_a_signed_in_residents_check_step_keeps_her_draft_until_it_is_sent(self, full_catalogue, client, unit_a):
        with tenant_context(unit_a):
            anna = local_account(email="anna@example.pl")
        signed_in(client, unit_a, anna)
        page = text(client.get(client.post(FORM_URL, LETTER, HTTP_HOST=TORUN)["Location"], HTTP_HOST=TORUN))
        with tenant_context(unit_a):
            assert FormDraft.objects.get().owner == anna  # left on the check page, it waits in "my account"
        assert client.post(CHECK_URL, {"draft": draft_key(page)}, HTTP_HOST=TORUN).status_code == 302
        with tenant_context(unit_a):
            assert Submission.objects.get().submitted_by == anna and not FormDraft.objects.exists()


class TestIsolation:
    def test_answers_waiting_in_one_browser_are_nobody_elses(self, full_catalogue, client, unit_a, unit_b):
        page = text(client.get(client.post(FORM_URL, LETTER, HTTP_HOST=TORUN)["Location"], HTTP_HOST=TORUN))
        key = draft_key(page)
        # The test client sends its cookies to every host (a browser would not): the visitor's are kept aside.
        visitor_cookies = copy.deepcopy(client.cookies)
        # Another unit's host knows nothing of them.
        assert client.get(CHECK_URL, HTTP_HOST=LUBICZ)["Location"] == FORM_URL
        assert "Kowalska" not in text(client.get(FORM_URL, HTTP_HOST=LUBICZ))
        # Another browser: an anonymous visitor, a resident of this unit and one of the other unit.
        client.cookies = type(visitor_cookies)()
        assert client.get(CHECK_URL, HTTP_HOST=TORUN).status_code == 302
        assert "Kowalska" not in text(client.get(FORM_URL, HTTP_HOST=TORUN))
        with tenant_context(unit_a):
            resident_here = local_account(email="jan@example.pl")
        signed_in(client, unit_a, resident_here)
        assert client.get(CHECK_URL, HTTP_HOST=TORUN).status_code == 302
        assert "Kowalska" not in text(client.get(FORM_URL, HTTP_HOST=TORUN))
        sent = client.post(CHECK_URL, {"draft": key}, HTTP_HOST=TORUN)  # the key alone files nothing
        assert sent["Location"] == FORM_URL and submissions(unit_a) == 0
        with tenant_context(unit_b):
            resident_there = local_account(email="ola@example.pl")
        signed_in(client, unit_b, resident_there)
        assert client.post(CHECK_URL, {"draft": key}, HTTP_HOST=LUBICZ)["Location"] == FORM_URL
        assert submissions(unit_b) == 0
        # The visitor still sends them; a replay of her request from another browser learns nothing.
        client.cookies = visitor_cookies
        confirmation = client.post(CHECK_URL, {"draft": key}, HTTP_HOST=TORUN)["Location"]
        client.cookies = type(visitor_cookies)()
        replay = client.post(CHECK_URL, {"draft": key}, HTTP_HOST=TORUN)
        assert replay["Location"] == FORM_URL and client.get(confirmation, HTTP_HOST=TORUN).status_code == 404
        assert submissions(unit_a) == 1

    def test_a_draft_key_posted_from_another_browser_opens_nothing_of_the_first(self, full_catalogue, unit_a):
        first, second = Client(), Client()  # two browsers, each with an anonymous session of its own
        first_page = text(first.get(first.post(FORM_URL, LETTER, HTTP_HOST=TORUN)["Location"], HTTP_HOST=TORUN))
        first_key = draft_key(first_page)
        second.post(FORM_URL, {**LETTER, "imie": "Jan", "nazwisko": "Nowak"}, HTTP_HOST=TORUN)
        # Before the first browser sends its answers, and after: the key opens nothing in the second.
        for filed_before in (False, True):
            if filed_before:
                confirmation = first.post(CHECK_URL, {"draft": first_key}, HTTP_HOST=TORUN)["Location"]
            answer = second.post(CHECK_URL, {"draft": first_key}, HTTP_HOST=TORUN, follow=True)
            assert answer.redirect_chain[0][0] == FORM_URL
            assert "Kowalska" not in text(answer) and "Nowak" in text(answer)  # its own answers, still there
            assert submissions(unit_a) == int(filed_before)
        assert second.get(confirmation, HTTP_HOST=TORUN).status_code == 404
        assert first.get(confirmation, HTTP_HOST=TORUN).status_code == 200


def test_a_visitors_abandoned_answers_are_removed_with_their_files(
    full_catalogue, client, unit_a, django_capture_on_commit_callbacks
):
    client.post(ALCOHOL_URL, {**ALCOHOL, "tytul_prawny": SimpleUploadedFile("umowa.pdf", PDF)}, HTTP_HOST=TORUN)
    with tenant_context(unit_a):
        visitors = FormDraft.objects.get()
        anna = local_account(email="anna@example.pl")
        FormDraft.objects.create(owner=anna, service_key="standard:x", standard_form_version=visitors.form_version)
        FormDraft.objects.update(updated_at=timezone.now() - timedelta(days=8))
        path = Attachment.objects.get().file.path
        with django_capture_on_commit_callbacks(execute=True):
            assert visitor_drafts_remove() == 1
        assert FormDraft.objects.get().owner == anna and not Attachment.objects.exists()  # a resident's stays
    assert not os.path.exists(path)
