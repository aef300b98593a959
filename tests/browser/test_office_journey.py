"""The office's working day with one case, end to end in a real browser, as the people do it.

A resident signed in on Toruń's subdomain files the ID card application (form, "Sprawdź dane", "Wyślij wniosek").
The head of the citizens' department signs in, finds the case in the inbox by the applicant's surname, registers it,
assigns it to a colleague by name and asks the resident for documents with a letter from a template: the deadline
stops. Three days pass. The resident, signed in again, opens the case from "my applications", answers with a file
and gets the answer's own register number and receipt (UPO). The department head sees the answer in the case's
history with its file and the deadline running again, moved by the three days; replies with a letter from a
template, sent as PDF, and closes the case. The resident sees the reply and downloads its PDF; the case file (the
metryka, PDF) lists every step.

Everything the people do goes through the pages; only the set-up (the staff, their department, the letter templates,
another resident's application) uses the services, and the three days of waiting are three days taken off the
case's dates in the database. The office is set up as the demo consortium sets up its units' (load_demo_consortium:
the citizens' department SO, its head and a clerk, through the staff services). The one who registers and assigns
is the department head, as in the demo: a clerk sees only the cases assigned to them (inbox/permissions.py).
"""

import datetime
import hashlib
import io
import re
from urllib.parse import urlsplit

import psycopg2
import pytest
import requests
from django.db import connection
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format
from django_tenants.utils import tenant_context
from pypdf import PdfReader
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select

from shared_services.identity.access import StaffRole
from shared_services.identity.provisioning import keycloak_admin
from shared_services.inbox.models import Case, CaseStatus, EntryKind, RegisterEntry
from shared_services.letters.models import LetterTemplate
from shared_services.letters.services import letter_templates_seed
from shared_services.staff.services import department_create, staff_invite
from tenants.models import Tenant
from tests.browser.conftest import check_page, next_page_loaded, sign_in_at_provider, use_language, wait_for
from tests.conftest import UNIT_A
from tests.support.accounts import kc_account, staff_account
from tests.support.letters import FORM_URL, LETTER, PDF, TORUN, application_file
from tests.support.processes import database_url_of

pytestmark = pytest.mark.browser

SURNAME = "Przybyłowicz"
APPLICANT = f"Dorota {SURNAME}"
RESIDENT = "dorota.przybylowicz"
HEAD = "teresa.sobczak"
HEAD_NAME = "Teresa Sobczak"
COLLEAGUE_NAME = "Marek Wilczyński"
DEPARTMENT = "Wydział Spraw Obywatelskich"
SERVICE = "Wydanie dowodu osobistego"
REQUEST_TEMPLATE = "Wezwanie do uzupełnienia braków formalnych (art. 64 § 2 KPA)"
REPLY_TEMPLATE = "Odpowiedź na wniosek"
MISSING_DOCUMENT = "przesłanie kolorowej fotografii o wymiarach 35 x 45 mm"
REPLY_TEXT = "dowód osobisty jest gotowy do odbioru w pokoju 12, od poniedziałku do piątku w godzinach 8-16"
RESOLUTION = "Dowód osobisty wydany; wnioskodawczyni zawiadomiona pismem."
ANSWER_TEXT = "W załączeniu przesyłam fotografię."
ANSWER_FILE = "fotografia-przybylowicz.pdf"
DAYS_WAITED = 3


@pytest.fixture(scope="module")
def office(committed_catalogue, django_db_blocker):
    """Toruń's office, committed for the server: the letter templates, the citizens' department with its head
    (who signs in) and a clerk named in it, a resident's account, and another resident's application in the inbox."""
    unit = Tenant.objects.get(code=UNIT_A["code"])
    with django_db_blocker.unblock():
        admin = keycloak_admin()
        admin.update_user(kc_account(RESIDENT), {"firstName": "Dorota", "lastName": SURNAME})
        head = kc_account(HEAD, unit_roles={UNIT_A["slug"]: StaffRole.DEPARTMENT_HEAD})
        admin.update_user(head, {"firstName": "Teresa", "lastName": "Sobczak"})
        with tenant_context(unit):
            templates_before = set(LetterTemplate.objects.values_list("pk", flat=True))
            letter_templates_seed(unit_kind=unit.kind)
            citizens = department_create(name=DEPARTMENT, code="SO", actor="test")
            staff_invite(
                email=f"{HEAD}@test.ratusz.example", role=StaffRole.DEPARTMENT_HEAD, department=citizens, actor="test"
            )
        colleague = staff_account(unit, "marek.wilczynski", StaffRole.CLERK, citizens)
        with tenant_context(unit):
            colleague.first_name, colleague.last_name = COLLEAGUE_NAME.split()
            colleague.save(update_fields=["first_name", "last_name"])
        assert application_file(Client(), FORM_URL, LETTER, HTTP_HOST=TORUN).status_code == 302  # Anna Kowalska's
        connection.set_schema_to_public()
        try:
            yield unit
        finally:
            with tenant_context(unit):
                LetterTemplate.objects.exclude(pk__in=templates_before).delete()
            connection.set_schema_to_public()


def test_a_case_from_filing_through_request_answer_and_reply_to_closing(browser, browser_server, office, tmp_path):
    unit = office
    reference = resident_files_the_application(browser, browser_server)
    with tenant_context(unit):
        case = Case.objects.select_related("register_entry").get(register_entry__sender_name=APPLICANT)
    assert case.status == CaseStatus.NEW and case.deadline is not None

    # The department head: found by surname, registered, assigned by name, asked with a letter; the deadline stops.
    clerk_signs_in(browser, browser_server)
    case_page = clerk_finds_the_case_by_surname(browser, expected_status="nowa, niezarejestrowana")
    assert case_page == browser_server.unit(UNIT_A["slug"], f"/urzad/sprawy/{case.pk}/")
    sign = clerk_registers(browser)
    clerk_assigns_to_a_colleague(browser)
    clerk_requests_documents_with_a_letter(browser, sign)
    with tenant_context(unit):
        case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_RESIDENT and case.paused_since == timezone.localdate()
    facts = case_facts(browser)
    assert facts["Status"] == "czeka na dokumenty od mieszkańca"
    assert "wstrzymany na czas oczekiwania na mieszkańca" in facts["Termin"]
    assert facts["Bieg terminu wstrzymany"].startswith(f"od {polish_date(case.paused_since)}")
    sign_out_of_the_office(browser, browser_server)

    # Three days pass while the office waits: the application, its deadline and the pause are three days older.
    days_pass(unit, case, DAYS_WAITED)
    with tenant_context(unit):
        case.refresh_from_db()
    deadline_while_paused = case.deadline

    # The resident answers with a file and gets the answer's own register number and receipt.
    scan = tmp_path / ANSWER_FILE
    scan.write_bytes(PDF)
    answer_label = resident_answers_with_a_file(browser, browser_server, reference, scan)
    with tenant_context(unit):
        case.refresh_from_db()
        answer = RegisterEntry.objects.get(kind=EntryKind.ANSWER, for_case=case)
        application_label = case.register_entry.label
    assert answer.label == answer_label != application_label
    assert case.status == CaseStatus.IN_PROGRESS and case.paused_since is None
    assert case.paused_days == DAYS_WAITED
    assert case.deadline == deadline_while_paused + datetime.timedelta(days=DAYS_WAITED)

    # The department head sees the answer and the deadline running again; replies with a letter and closes.
    clerk_signs_in(browser, browser_server)
    clerk_finds_the_case_by_surname(browser, expected_status="w toku", expected_clerk=f"SO, {COLLEAGUE_NAME}")
    facts = case_facts(browser)
    assert "Bieg terminu wstrzymany" not in facts
    assert "wstrzymany" not in facts["Termin"].split("pierwotnie")[0]
    assert facts["Termin"].startswith(polish_date(case.deadline))
    assert (
        f"pierwotnie {polish_date(case.original_deadline)}, przesunięty o {DAYS_WAITED} dni oczekiwania na mieszkańca"
        in facts["Termin"]
    )
    answer_event = timeline_event(browser, "answer")
    assert answer_event.text.startswith("Odpowiedź mieszkańca — ") and APPLICANT in answer_event.text
    assert f"Nr w rejestrze {answer_label}." in answer_event.text and ANSWER_TEXT in answer_event.text
    answer_file = answer_event.find_element(By.LINK_TEXT, ANSWER_FILE)
    assert download(browser, browser_server, answer_file.get_attribute("href")).content == PDF
    resumed = timeline_event(browser, "resumed").text
    assert f"Termin przesunął się o {DAYS_WAITED} dni, na {polish_date(case.deadline)}." in resumed
    clerk_replies_with_a_letter(browser, sign)
    clerk_closes_the_case(browser)
    with tenant_context(unit):
        case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.resolution == RESOLUTION
    the_case_file_lists_every_step(browser, browser_server, sign, answer_label)
    sign_out_of_the_office(browser, browser_server)

    # The resident sees the reply, its letter as PDF, and the case closed.
    resident_reads_the_reply(browser, browser_server, reference, sign)


# --- The resident ------------------------------------------------------------------------------------------------


def resident_signs_in(browser, server) -> None:
    """A fresh browser on Toruń's home page; "Zaloguj", the identity provider's form, and "Moje konto"."""
    home = server.unit(UNIT_A["slug"], "/")
    use_language(browser, home, "pl")
    browser.get(home)
    follow(browser, "Zaloguj")
    sign_in_at_provider(browser, RESIDENT)
    wait_for(browser, expected_conditions.url_to_be(home))
    follow(browser, "Moje konto")
    assert f"Zalogowano jako {APPLICANT}." in main_text(browser)


def resident_signs_out(browser, server) -> None:
    follow(browser, "Moje konto")
    press(browser, "Wyloguj")
    wait_for(browser, expected_conditions.url_to_be(server.unit(UNIT_A["slug"], "/")))


def resident_files_the_application(browser, server) -> str:
    """Filed from the service card through the check page; returns the application's number (its reference)."""
    resident_signs_in(browser, server)
    browser.get(server.unit(UNIT_A["slug"], "/uslugi/wydanie-dowodu-osobistego/"))
    follow(browser, "Złóż wniosek przez internet")
    for name, value in (
        ("imie", "Dorota"),
        ("nazwisko", SURNAME),
        ("ulica", "ul. Chełmińska 17/3"),
        ("kod_pocztowy", "87-100"),
        ("miejscowosc", "Toruń"),
        ("email", "dorota.przybylowicz@example.pl"),
        ("tytul", "Wymiana dowodu osobistego"),
        ("tresc", "Proszę o wydanie nowego dowodu osobistego w związku z upływem ważności obecnego."),
    ):
        browser.find_element(By.NAME, name).send_keys(value)
    browser.find_element(By.NAME, "check_answers").click()
    wait_for(browser, expected_conditions.title_contains("Sprawdź dane"))
    assert SURNAME in browser.find_element(By.CSS_SELECTOR, "dl.check-answers").text
    press(browser, "Wyślij wniosek")
    wait_for(browser, expected_conditions.title_contains("Wniosek przyjęty"))
    facts = case_facts(browser)
    assert browser.find_element(By.CLASS_NAME, "access-code").text  # shown once, for following the case by code
    assert browser.find_element(By.LINK_TEXT, "Poświadczenie (UPO), podpisany XML")
    reference = browser.find_element(By.CSS_SELECTOR, "dl.facts code").text
    # "My applications" lists it, with its register number and status.
    follow(browser, "Moje konto")
    mine = browser.find_element(By.LINK_TEXT, SERVICE).find_element(By.XPATH, "..").text
    assert f"{facts['Numer w rejestrze']}: nowa, niezarejestrowana" in mine
    resident_signs_out(browser, server)
    return reference


def resident_opens_the_case(browser, server, reference) -> None:
    """From "Moje konto", signed in: the application in "Moje wnioski", and its case page."""
    follow(browser, SERVICE)
    assert browser.current_url == server.unit(UNIT_A["slug"], f"/wnioski/{reference}/sprawa/")


def resident_answers_with_a_file(browser, server, reference, scan) -> str:
    """Answered on the case page with a file; returns the answer's register number from its confirmation."""
    resident_signs_in(browser, server)
    resident_opens_the_case(browser, server, reference)
    facts = case_facts(browser)
    assert facts["Status"] == "czeka na dokumenty od mieszkańca"
    assert "wstrzymany na czas oczekiwania na Twoje dokumenty" in facts["Termin załatwienia sprawy"]
    request = office_message(browser, "wezwanie do uzupełnienia dokumentów")
    assert MISSING_DOCUMENT in request.text and "art. 64 § 2" in request.text
    letter = download(browser, server, request.find_element(By.TAG_NAME, "a").get_attribute("href"))
    assert "Wezwanie do uzupełnienia braków formalnych" in pdf_text(letter.content)
    check_page(browser)

    form = browser.find_element(By.CSS_SELECTOR, ".answer-form")
    form.find_element(By.NAME, "text").send_keys(ANSWER_TEXT)
    form.find_element(By.NAME, "files").send_keys(str(scan))
    press(form, "Wyślij odpowiedź")
    wait_for(browser, expected_conditions.title_contains("Odpowiedź przyjęta"))
    label = case_facts(browser)["Numer w rejestrze"]
    assert ANSWER_FILE in main_text(browser)
    check_page(browser)
    receipt = download(
        browser, server, browser.find_element(By.LINK_TEXT, "Poświadczenie (UPO), podpisany XML").get_attribute("href")
    )
    assert receipt.headers["Content-Type"].startswith("application/xml")
    upo = receipt.text
    assert "urn:ratusz:upo:1" in upo and "<ds:Signature" in upo
    assert hashlib.sha256(scan.read_bytes()).hexdigest() in upo  # the receipt proves which file came

    # Back on the case: the answer with its file and receipt; the deadline runs again, moved by the wait.
    follow(browser, "Moje konto")
    resident_opens_the_case(browser, server, reference)
    answers = browser.find_element(By.CSS_SELECTOR, "ul.answers")
    assert f"Nr w rejestrze {label}" in answers.text and ANSWER_FILE in answers.text
    assert answers.find_element(By.LINK_TEXT, "Poświadczenie (UPO), podpisany XML")
    assert (
        f"przesunięty o {DAYS_WAITED} dni oczekiwania na Twoje dokumenty"
        in case_facts(browser)["Termin załatwienia sprawy"]
    )
    assert not browser.find_elements(By.CSS_SELECTOR, ".answer-form")  # nothing more is asked
    resident_signs_out(browser, server)
    return label


def resident_reads_the_reply(browser, server, reference, sign) -> None:
    resident_signs_in(browser, server)
    mine = browser.find_element(By.LINK_TEXT, SERVICE).find_element(By.XPATH, "..").text
    assert mine.endswith(": zakończona")
    resident_opens_the_case(browser, server, reference)
    facts = case_facts(browser)
    assert facts["Status"] == "zakończona" and facts["Znak sprawy"] == sign
    assert facts["Rozstrzygnięcie"] == RESOLUTION
    reply = office_message(browser, "odpowiedź")
    assert REPLY_TEXT in reply.text
    letter = download(browser, server, reply.find_element(By.TAG_NAME, "a").get_attribute("href"))
    assert letter.content.startswith(b"%PDF")
    text = pdf_text(letter.content)
    assert sign in text and "W odpowiedzi na wniosek z dnia" in text and REPLY_TEXT in text
    assert f"Sprawę prowadzi {COLLEAGUE_NAME}" in text and APPLICANT in text
    check_page(browser)
    resident_signs_out(browser, server)


def office_message(browser, kind: str):
    """The office's latest message of `kind` on the resident's case page."""
    messages = browser.find_elements(
        By.XPATH, f'//h2[normalize-space()="Wiadomości z urzędu"]/following-sibling::ul[1]/li[strong="{kind}"]'
    )
    assert messages, main_text(browser)
    return messages[-1]


# --- The office --------------------------------------------------------------------------------------------------


def clerk_signs_in(browser, server) -> None:
    start = server.unit(UNIT_A["slug"], "/urzad/")
    use_language(browser, start, "pl")
    browser.get(start)
    sign_in_at_provider(browser, HEAD)
    wait_for(browser, expected_conditions.url_to_be(start))


def sign_out_of_the_office(browser, server) -> None:
    press(browser.find_element(By.CLASS_NAME, "console-nav"), "Wyloguj")
    wait_for(browser, expected_conditions.url_to_be(server.unit(UNIT_A["slug"], "/")))


def clerk_finds_the_case_by_surname(browser, *, expected_status: str, expected_clerk: str = "—") -> str:
    """From the start page to the inbox, searched by the applicant's surname: one row, hers; opened. Returns the
    case page's address."""
    follow(browser.find_element(By.CLASS_NAME, "console-nav"), "Skrzynka podawcza")
    search = browser.find_element(By.NAME, "q")
    assert "Anna Kowalska" in browser.find_element(By.CSS_SELECTOR, "table.case-list").text  # not hers too
    search.send_keys(SURNAME)
    press(browser.find_element(By.CSS_SELECTOR, "form.case-filters"), "Szukaj")
    wait_for(browser, expected_conditions.url_contains("q="))
    rows = browser.find_elements(By.CSS_SELECTOR, "table.case-list tbody tr")
    assert len(rows) == 1, browser.find_element(By.TAG_NAME, "main").text
    cells = {cell.get_attribute("data-label"): cell.text for cell in rows[0].find_elements(By.TAG_NAME, "td")}
    assert cells["Wnioskodawca"] == APPLICANT and cells["Status"] == expected_status, cells
    assert cells["Prowadzący"] == expected_clerk, cells
    check_page(browser)
    follow(rows[0], cells["Nr w rejestrze"])
    return browser.current_url


def clerk_registers(browser) -> str:
    """Registered in the citizens' department under JRWA 5340; returns the case sign."""
    register = action(browser, "Zarejestruj sprawę")
    Select(register.find_element(By.NAME, "register-department")).select_by_visible_text(f"{DEPARTMENT} (SO)")
    retype(register.find_element(By.NAME, "register-jrwa"), "5340")
    retype(register.find_element(By.NAME, "register-archival_category"), "B10")
    press(register, "Zarejestruj")
    done(browser)
    facts = case_facts(browser)
    sign = facts["Znak sprawy"]
    assert re.fullmatch(rf"SO\.5340\.[0-9]+\.{timezone.localdate().year}", sign), sign
    assert facts["Status"] == "w toku" and facts["Wydział"] == DEPARTMENT
    assert f"Znak sprawy {sign}, wydział: {DEPARTMENT}." in timeline_event(browser, "registered").text
    return sign


def clerk_assigns_to_a_colleague(browser) -> None:
    assign = action(browser, "Przydziel urzędnikowi")
    Select(assign.find_element(By.NAME, "assign-assignee")).select_by_visible_text(COLLEAGUE_NAME)
    press(assign, "Przydziel")
    done(browser)
    assert case_facts(browser)["Urzędnik"] == COLLEAGUE_NAME
    assigned = timeline_event(browser, "assigned").text
    assert f"Przydzielono: {COLLEAGUE_NAME}." in assigned and HEAD_NAME in assigned
    assert "kc:" not in main_text(browser)  # people by their names, never by their accounts


def clerk_requests_documents_with_a_letter(browser, sign) -> None:
    text = letter_from_the_template(
        browser, "request", "Wezwij mieszkańca do uzupełnienia dokumentów", REQUEST_TEMPLATE
    )
    assert sign in text and "[wskazać brakujący dokument lub informację]" in text
    type_the_letter(browser, "request", text.replace("[wskazać brakujący dokument lub informację]", MISSING_DOCUMENT))
    press(browser.find_element(By.ID, "action-request"), "Wezwij do uzupełnienia")
    done(browser)
    request = timeline_event(browser, "request")
    assert MISSING_DOCUMENT in request.text
    assert letter_name(request).startswith("pismo-SO")
    assert timeline_event(browser, "paused")
    check_page(browser)


def clerk_replies_with_a_letter(browser, sign) -> None:
    text = letter_from_the_template(browser, "reply", "Odpowiedz mieszkańcowi", REPLY_TEMPLATE)
    assert f"Sprawę prowadzi {COLLEAGUE_NAME}, {DEPARTMENT}" in text and "[treść odpowiedzi]" in text
    type_the_letter(browser, "reply", text.replace("[treść odpowiedzi]", REPLY_TEXT))
    press(browser.find_element(By.ID, "action-reply"), "Odpowiedz")
    done(browser)
    reply = timeline_event(browser, "reply")
    assert REPLY_TEXT in reply.text
    assert letter_name(reply).startswith("pismo-SO")


def clerk_closes_the_case(browser) -> None:
    close = action(browser, "Zakończ sprawę rozstrzygnięciem")
    close.find_element(By.NAME, "close-resolution").send_keys(RESOLUTION)
    press(close, "Zakończ sprawę")
    done(browser)
    facts = case_facts(browser)
    assert facts["Status"] == "zakończona" and facts["Rozstrzygnięcie"] == RESOLUTION
    assert RESOLUTION in timeline_event(browser, "closed").text
    check_page(browser)


def the_case_file_lists_every_step(browser, server, sign, answer_label) -> None:
    link = browser.find_element(By.LINK_TEXT, "Metryka sprawy (PDF)")
    response = download(browser, server, link.get_attribute("href"))
    assert response.headers["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert f"Metryka sprawy: {sign}" in text
    steps = [
        "Złożono",
        f"Zarejestrowano. Znak sprawy {sign}, wydział: {DEPARTMENT}.",
        f"Przydzielono. Przydzielono: {COLLEAGUE_NAME}.",
        "Wezwanie do uzupełnienia. Na podstawie art. 64 § 2",
        "Bieg terminu wstrzymany",
        f"Odpowiedź mieszkańca. Nr w rejestrze {answer_label}.",
        f"Bieg terminu wznowiony. Termin przesunął się o {DAYS_WAITED} dni",
        f"uprzejmie informuję, że {REPLY_TEXT}",  # the reply
        f"Zamknięto. {RESOLUTION}",
    ]
    positions = [text.find(step) for step in steps]
    assert all(position >= 0 for position in positions), (dict(zip(steps, positions, strict=True)), text)
    assert positions == sorted(positions), dict(zip(steps, positions, strict=True))  # in the order they happened
    assert f"{HEAD_NAME}, kierownik wydziału, {DEPARTMENT}" in text and APPLICANT in text
    squeezed = "".join(text.split())  # a file's name may be broken across the lines of its narrow column
    assert ANSWER_FILE in squeezed and squeezed.count("pismo-SO") == 2  # the request's letter and the reply's


def letter_name(event) -> str:
    """The name of the letter (PDF) an event of the history carries. Named after the case sign; a name the storage
    already holds gets a suffix of its own (after "pismo-SO"), so only the beginning is certain."""
    name = event.find_element(By.CSS_SELECTOR, "a[download]").text
    assert name.endswith(".pdf"), name
    return name


def action(browser, title: str):
    """The case page's action of this title, unfolded."""
    details = browser.find_element(By.XPATH, f'//details[summary[normalize-space()="{title}"]]')
    if details.get_attribute("open") is None:
        details.find_element(By.TAG_NAME, "summary").click()
    return details


def letter_from_the_template(browser, name: str, title: str, template: str) -> str:
    """The action's letter drafted from `template` with "Wstaw z szablonu" (HTMX swaps it in); its text."""
    details = action(browser, title)
    wait_for(browser, lambda driver: driver.execute_script("return typeof htmx === 'object'"))
    Select(details.find_element(By.NAME, f"{name}-template")).select_by_visible_text(template)
    press(details, "Wstaw z szablonu", next_page=False)
    script = f"const text = document.querySelector('[name={name}-text]'); return text ? text.value : '';"
    return wait_for(browser, lambda driver: driver.execute_script(script))


def type_the_letter(browser, name: str, text: str) -> None:
    retype(browser.find_element(By.NAME, f"{name}-text"), text)


# --- Time ---------------------------------------------------------------------------------------------------------


def days_pass(unit, case, days: int) -> None:
    """The application, its deadline and the pause `days` earlier, committed (the test's own connection is inside
    its transaction): as if the application had come and the office had asked `days` ago."""
    with psycopg2.connect(database_url_of(connection.settings_dict)) as database, database.cursor() as cursor:
        cursor.execute(f'SET search_path TO "{unit.schema_name}"')
        cursor.execute(
            "UPDATE inbox_case SET deadline = deadline - %s, paused_since = paused_since - %s WHERE id = %s",
            [days, days, case.pk],
        )
        cursor.execute(
            "UPDATE inbox_registerentry SET received_at = received_at - %s WHERE id = %s",
            [datetime.timedelta(days=days), case.register_entry_id],
        )
    database.close()


# --- Pages --------------------------------------------------------------------------------------------------------


def press(scope, label: str, *, next_page: bool = True) -> None:
    """Press the button of this visible label in `scope` (the browser or a part of the page), and wait until the
    page it sends has gone (unless it only swaps a part of the page, `next_page=False`)."""
    browser = scope if isinstance(scope, WebDriver) else scope.parent
    page = browser.find_element(By.TAG_NAME, "html")
    scope.find_element(By.XPATH, f'.//button[normalize-space()="{label}"]').click()
    if next_page:
        next_page_loaded(browser, page)


def follow(scope, text: str) -> None:
    """Follow the link of this text in `scope` (the browser or a part of the page), and wait for its page."""
    browser = scope if isinstance(scope, WebDriver) else scope.parent
    page = browser.find_element(By.TAG_NAME, "html")
    scope.find_element(By.LINK_TEXT, text).click()
    next_page_loaded(browser, page)


def retype(field, text: str) -> None:
    field.clear()
    field.send_keys(text)


def done(browser) -> None:
    """The action was carried out: the case page again, with "Gotowe."."""
    wait_for(browser, expected_conditions.text_to_be_present_in_element((By.CLASS_NAME, "messages"), "Gotowe."), 30)


def main_text(browser) -> str:
    return browser.find_element(By.TAG_NAME, "main").text


def case_facts(browser) -> dict[str, str]:
    """The page's first list of facts, label → value."""
    facts = browser.find_element(By.CSS_SELECTOR, "dl.facts")
    labels = [label.text for label in facts.find_elements(By.TAG_NAME, "dt")]
    return dict(zip(labels, [value.text for value in facts.find_elements(By.TAG_NAME, "dd")], strict=True))


def timeline_event(browser, kind: str):
    """The latest event of `kind` in the case's history."""
    events = browser.find_elements(By.CSS_SELECTOR, f"ol.timeline li.timeline-{kind}")
    assert events, browser.find_element(By.CSS_SELECTOR, "ol.timeline").text
    return events[-1]


def download(browser, server, href: str) -> requests.Response:
    """What the link leads to, fetched with the browser's cookies for the page's host, as the browser would."""
    session = requests.Session()
    for cookie in browser.get_cookies():
        session.cookies.set(cookie["name"], cookie["value"])
    address = urlsplit(href)
    response = session.get(
        f"http://127.0.0.1:{server.port}{address.path}", headers={"Host": address.netloc}, timeout=30
    )
    assert response.status_code == 200, (href, response.status_code, response.text[:500])
    return response


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


def polish_date(day: datetime.date) -> str:
    with translation.override("pl"):
        return date_format(day, "j E Y")
