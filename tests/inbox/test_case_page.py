"""The office's case page: who may take the case, the actions in the order of the procedure, the case's life as
a timeline with its attachments, the header with the deadline — and who may see none of it."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_services.identity.access import StaffRole
from shared_services.inbox.models import Case, CaseNote
from shared_services.staff.models import Department
from tests.support.accounts import local_account, signed_in, staff_account
from tests.support.letters import FORM_URL, LETTER, LUBICZ, PDF, TORUN, application_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signing_keys(settings, tmp_path):
    settings.UPO_KEYS_DIR = tmp_path / "upo-keys"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def office(full_catalogue, client, unit_a):
    assert application_file(client, FORM_URL, LETTER, HTTP_HOST=TORUN).status_code == 302
    with tenant_context(unit_a):
        citizens = Department.objects.create(name="Wydział Spraw Obywatelskich", code="SO")
        taxes = Department.objects.create(name="Wydział Podatków i Opłat", code="FN")
        case = Case.objects.get()
    people = {
        "admin": staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN),
        "head": staff_account(unit_a, "kierownik", StaffRole.DEPARTMENT_HEAD, citizens),
        "clerk": staff_account(unit_a, "urzednik", StaffRole.CLERK, citizens),
        "other_clerk": staff_account(unit_a, "inny", StaffRole.CLERK, taxes),
    }
    with tenant_context(unit_a):
        for name, user in people.items():
            user.first_name, user.last_name = name.capitalize(), "Nowak"
            user.save()
    client.cookies.clear()
    return {"case": case, "citizens": citizens, "taxes": taxes, **people}


def act(client, case, action, files=None, **data):
    return client.post(
        f"/urzad/sprawy/{case.pk}/{action}/",
        {**{f"{action}-{k}": v for k, v in data.items()}, **(files or {})},
        HTTP_HOST=TORUN,
    )


def page(client, case):
    response = client.get(f"/urzad/sprawy/{case.pk}/", HTTP_HOST=TORUN)
    assert response.status_code == 200
    return response.content.decode()


def register(client, office):
    return act(
        client, office["case"], "register", department=office["citizens"].pk, jrwa="5340", archival_category="B10"
    )


def assign_options(body):
    form = re.search(r'<select name="assign-assignee".*?</select>', body, re.S).group(0)
    return re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', form)


class TestAssigning:
    def test_the_assign_form_lists_by_name_the_staff_who_may_take_the_case(self, office, client, unit_a):
        signed_in(client, unit_a, office["head"])
        assert sorted(assign_options(page(client, office["case"]))) == [
            "Admin Nowak",
            "Clerk Nowak",
            "Head Nowak",
            "Other_clerk Nowak",
        ]
        assert register(client, office).status_code == 302
        body = page(client, office["case"])
        # The department's people and those not yet placed in one (the administrator); never `kc:…`.
        assert sorted(assign_options(body)) == ["Admin Nowak", "Clerk Nowak", "Head Nowak"]
        assert "kc:" not in body
        assert act(client, office["case"], "assign", assignee=office["clerk"].pk).status_code == 302
        assert "<dd>Clerk Nowak</dd>" in page(client, office["case"])

    def test_somebody_from_another_department_cannot_be_assigned(self, office, client, unit_a):
        signed_in(client, unit_a, office["head"])
        register(client, office)
        response = act(client, office["case"], "assign", assignee=office["other_clerk"].pk)
        assert response.status_code == 400
        assert "Wybierz poprawną wartość" in response.content.decode()  # Django's Polish "select a valid choice"


class TestActions:
    def test_actions_come_in_the_order_of_the_procedure_with_clear_buttons_and_the_next_step_open(
        self, office, client, unit_a
    ):
        signed_in(client, unit_a, office["admin"])
        body = page(client, office["case"])
        buttons = re.findall(r'<button type="submit" name="do" value="(\w+)">([^<]+)</button>', body)
        assert buttons == [
            ("register", "Zarejestruj"),
            ("assign", "Przydziel"),
            ("forward", "Przekaż do wydziału"),
            ("request", "Wezwij do uzupełnienia"),
            ("reply", "Odpowiedz"),
            ("note", "Dodaj notatkę"),
            ("close", "Zakończ sprawę"),
        ]
        assert "Zapisz" not in body
        assert re.findall(r'<details class="case-action" id="action-(\w+)" open>', body) == ["register"]
        register(client, office)
        body = page(client, office["case"])
        assert re.findall(r'<details class="case-action" id="action-(\w+)" open>', body) == ["assign"]
        assert 'value="register"' not in body

    def test_a_clerk_is_offered_only_the_clerks_actions(self, office, client, unit_a):
        signed_in(client, unit_a, office["admin"])
        register(client, office)
        act(client, office["case"], "assign", assignee=office["clerk"].pk)
        signed_in(client, unit_a, office["clerk"])
        values = re.findall(r'name="do" value="(\w+)"', page(client, office["case"]))
        assert values == ["request", "reply", "note", "close"]

    def test_bad_input_is_explained_in_polish_with_the_form_left_open(self, office, client, unit_a):
        signed_in(client, unit_a, office["admin"])
        response = act(client, office["case"], "close", resolution="")
        assert response.status_code == 400
        body = response.content.decode()
        assert "To pole jest wymagane" in body
        assert re.findall(r'<details class="case-action" id="action-(\w+)" open>', body) == ["close"]
        assert act(client, office["case"], "unknown").status_code == 403


class TestTimeline:
    def live_a_case(self, office, client, unit_a):
        case = office["case"]
        signed_in(client, unit_a, office["admin"])
        register(client, office)
        act(client, case, "forward", department=office["taxes"].pk)
        act(client, case, "forward", department=office["citizens"].pk)
        act(client, case, "assign", assignee=office["clerk"].pk)
        signed_in(client, unit_a, office["clerk"])
        note = SimpleUploadedFile("notatka.pdf", PDF, content_type="application/pdf")
        assert act(client, case, "note", files={"note-attachment": note}, text="Sprawdzić PESEL.").status_code == 302
        assert act(client, case, "request", text="Proszę o skan dowodu.").status_code == 302
        assert act(client, case, "reply", text="Dziękujemy.").status_code == 302
        assert act(client, case, "close", resolution="Wydano dowód.").status_code == 302
        with tenant_context(unit_a):
            return CaseNote.objects.get(kind="note")

    def test_the_timeline_tells_the_cases_life_with_who_and_when_in_order(self, office, client, unit_a):
        from shared_services.inbox.timeline import case_timeline

        self.live_a_case(office, client, unit_a)
        with tenant_context(unit_a):
            case = Case.objects.select_related("register_entry").get()
            events = case_timeline(case)
        assert [event.kind for event in events] == [
            "filed",
            "registered",
            "forwarded",
            "forwarded",
            "assigned",
            "note",
            "request",
            "paused",  # the request stops the deadline until the resident answers
            "reply",
            "closed",
        ]
        assert [event.when for event in events] == sorted(event.when for event in events)
        assert [event.who for event in events] == [
            "Anna Kowalska",
            *["Admin Nowak"] * 4,
            *["Clerk Nowak"] * 5,
        ]
        assert events[1].text == f"Znak sprawy {case.sign}, wydział: Wydział Spraw Obywatelskich."
        assert events[4].text == "Przydzielono: Clerk Nowak."
        assert events[-1].text == "Wydano dowód." and events[5].attachments[0].name.startswith("notatka")

    def test_the_case_page_shows_the_timeline_and_the_notes_attachment_downloads(self, office, client, unit_a):
        note = self.live_a_case(office, client, unit_a)
        signed_in(client, unit_a, office["head"])
        body = page(client, office["case"])
        for text in ("Złożono", "Zarejestrowano", "Przydzielono", "Przekazano", "Zamknięto", "Wydano dowód."):
            assert text in body, text
        url = f"/urzad/sprawy/{office['case'].pk}/pisma/{note.pk}/"
        assert url in body
        response = client.get(url, HTTP_HOST=TORUN)
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF

    def test_a_notes_attachment_is_refused_to_whoever_does_not_see_the_case(self, office, client, unit_a, unit_b):
        note = self.live_a_case(office, client, unit_a)
        url = f"/urzad/sprawy/{office['case'].pk}/pisma/{note.pk}/"
        client.logout()
        assert client.get(url, HTTP_HOST=TORUN).status_code == 302  # to sign in
        signed_in(client, unit_a, office["other_clerk"])
        assert client.get(url, HTTP_HOST=TORUN).status_code == 404
        with tenant_context(unit_a):
            resident = local_account(email="anna@example.pl")
        signed_in(client, unit_a, resident)
        assert client.get(url, HTTP_HOST=TORUN).status_code == 403
        signed_in(client, unit_b, staff_account(unit_b, "wojt", StaffRole.UNIT_ADMIN))
        assert client.get(url, HTTP_HOST=LUBICZ).status_code == 404
        signed_in(client, unit_a, office["admin"])
        other_note = f"/urzad/sprawy/{office['case'].pk}/pisma/{note.pk + 100}/"
        assert client.get(other_note, HTTP_HOST=TORUN).status_code == 404

    def test_the_case_page_takes_the_same_queries_however_long_the_cases_life(
        self, office, client, unit_a, django_assert_num_queries
    ):
        """Session and user, role, the case with its entry, allowed actions, the timeline's reads (audit, notes,
        people, departments, the register's answers and their files), the form choices, the letter templates of
        the request and the reply (one read for both), payment, attachments, the case's places (the other cases on
        its parcels only when it has one): 18, for two events or twenty; the header's count of unread notifications
        is cached."""
        signed_in(client, unit_a, office["admin"])
        register(client, office)
        page(client, office["case"])  # warm the session and the unit's host
        with django_assert_num_queries(18):
            page(client, office["case"])
        for number in range(6):
            act(client, office["case"], "note", text=f"Notatka {number}")
            act(client, office["case"], "forward", department=office["taxes" if number % 2 else "citizens"].pk)
        act(client, office["case"], "assign", assignee=office["admin"].pk)
        with django_assert_num_queries(18):
            page(client, office["case"])


class TestHeader:
    @pytest.mark.parametrize(
        ("days", "shown"),
        [(5, "zostało 5 dni"), (1, "został 1 dzień"), (0, "termin mija dziś"), (-2, "po terminie o 2 dni")],
    )
    def test_the_deadline_says_how_many_days_are_left(self, office, client, unit_a, days, shown):
        with tenant_context(unit_a):
            Case.objects.update(deadline=timezone.localdate() + timedelta(days=days))
        signed_in(client, unit_a, office["admin"])
        assert shown in page(client, office["case"])


class TestAnswers:
    def test_the_answers_show_the_forms_labels_and_formatted_values_with_files_to_download(
        self, full_catalogue, client, unit_a
    ):
        scan = SimpleUploadedFile("skan.pdf", PDF, content_type="application/pdf")
        assert application_file(client, FORM_URL, {**LETTER, "zalacznik": scan}, HTTP_HOST=TORUN).status_code == 302
        client.cookies.clear()
        with tenant_context(unit_a):
            case = Case.objects.select_related("register_entry__submission").get()
            attachment = case.register_entry.submission.attachments.get()
        signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))
        body = page(client, case)
        answers = re.search(r'<dl class="facts answers">(.*?)</dl>', body, re.S).group(1)
        assert "Kod pocztowy" in answers and "87-100" in answers
        assert "kod_pocztowy" not in answers and "True" not in answers
        url = f"/urzad/sprawy/{case.pk}/zalaczniki/{attachment.pk}/"
        assert f'href="{url}"' in answers and "skan.pdf" in answers
        assert b"".join(client.get(url, HTTP_HOST=TORUN).streaming_content) == PDF
