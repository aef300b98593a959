"""Every office page (`/urzad/…`) × every kind of person, as designed: each page found in the unit's URL
configuration must have a row in PAGES saying who may open it, so a page added later fails here until its rule
is written down. People sign in for real (the development identity provider's form, tests/support/accounts.py),
as the demo's accounts, on the demo consortium's Toruń; URL parameters are the demo's own objects.

Outcomes of a GET: 200 (the page), 403 (the "no access" page), 405 (an action taken by POST only, which the
person may take), 404 (nothing of that name for this person), or the redirect to sign in (anonymous visitors).
"""

import io
import uuid
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from onboarding.management.commands.load_demo_consortium import DEMO_PASSWORD
from onboarding.models import ExportStatus, UnitExport
from onboarding.selectors import office_export_key
from platform_core.file_storage import exports_storage
from shared_services.bip.models import Editor, Publication, Section
from shared_services.catalogue.models import StandardForm
from shared_services.catalogue.register_services import registers_seed_read, standard_registers_load
from shared_services.eforms.filling import ApplicationForm
from shared_services.eforms.services import unit_form_save
from shared_services.inbox.api.services import api_token_issue
from shared_services.inbox.case_services import case_assign, case_register, case_write
from shared_services.inbox.correspondence import answer_receive
from shared_services.inbox.entry_files import IncomingFile
from shared_services.inbox.models import CaseNote, EntryKind
from shared_services.inbox.services import application_receive
from shared_services.letters.models import LetterKind
from shared_services.letters.services import letter_template_create
from shared_services.offer.models import UnitService
from shared_services.offer.services import unit_service_save
from shared_services.payments.models import Payment
from shared_services.registers.models import Record
from shared_services.registers.services import record_create, record_import_prepare
from shared_services.staff.models import Department
from tenants.models import Tenant
from tests.conftest import catalogue_load_and_adopt
from tests.support.accounts import SignIn, kc_account
from tests.support.letters import LETTER, PDF
from tests.support.routes import named_routes

pytestmark = pytest.mark.django_db

TORUN = "torun.localhost"
STAFF = ("admin", "head", "clerk")
# Who: the demo accounts of Toruń and Lubicz (password DEMO_PASSWORD), a resident with Toruń's cases, a resident
# who never wrote to Toruń (made for this test), and nobody signed in.
PEOPLE = {
    "admin": "admin.torun",
    "head": "kierownik.torun",
    "clerk": "urzednik.torun",
    "admin_of_another_unit": "admin.lubicz",
    "resident": "anna.kowalska",
    "resident_of_another_unit": "ewa.z.lubicza",
    "anonymous": None,
}

# The design: what each of Toruń's staff gets on each page (everyone else is refused: 403, or sent to sign in).
ALL_STAFF = {"admin": 200, "head": 200, "clerk": 200}
ADMIN_ONLY = {"admin": 200, "head": 403, "clerk": 403}
HEADS = {"admin": 200, "head": 200, "clerk": 403}
POST_ONLY_STAFF = {"admin": 405, "head": 405, "clerk": 405}
POST_ONLY_ADMIN = {"admin": 405, "head": 403, "clerk": 403}
POST_ONLY_HEADS = {"admin": 405, "head": 405, "clerk": 403}

# url name: (the design, the URL's parameters — "@name" is the fixture's object of that name —, a query if needed)
PAGES = {
    "clerk-home": (ALL_STAFF, {}),
    "clerk-inbox": (ALL_STAFF, {}),
    "clerk-inbox-bulk": (POST_ONLY_STAFF, {}),
    "clerk-map": (ALL_STAFF, {}),
    "clerk-register": (HEADS, {}),
    "clerk-register-export": (HEADS, {}, "?od=2026-01-01&do=2026-12-31&format=csv"),
    "clerk-letter-new": (ALL_STAFF, {}),
    "clerk-case": (ALL_STAFF, {"pk": "@case"}),
    "clerk-case-file": (ALL_STAFF, {"pk": "@case"}),
    "clerk-case-act": (POST_ONLY_STAFF, {"pk": "@case", "action": "note"}),
    "clerk-case-document": (ALL_STAFF, {"pk": "@case", "what": "upo.xml"}),
    "clerk-case-attachment": (ALL_STAFF, {"pk": "@case", "attachment_id": "@attachment"}),
    "clerk-case-note-attachment": (ALL_STAFF, {"pk": "@case", "note_id": "@note"}),
    "clerk-case-entry-file": (ALL_STAFF, {"pk": "@case", "file_id": "@entry_file"}),
    # A case's places, and a letter's (of its case): whoever may see the case.
    "clerk-case-places": (ALL_STAFF, {"pk": "@case"}),
    "clerk-letter-places": (ALL_STAFF, {"entry_pk": "@entry"}),
    "clerk-notifications": (ALL_STAFF, {}),
    "clerk-notifications-read": (POST_ONLY_STAFF, {}),
    "clerk-notification-preferences": (ALL_STAFF, {}),
    "clerk-letter-templates": (ALL_STAFF, {}),
    "clerk-letter-template-new": (ADMIN_ONLY, {}),
    "clerk-letter-template": (ALL_STAFF, {"pk": "@template"}),
    "clerk-letter-template-active": (POST_ONLY_ADMIN, {"pk": "@template"}),
    "clerk-letter-template-pdf": (ALL_STAFF, {"pk": "@template"}),
    "clerk-submissions": (ADMIN_ONLY, {}),
    "clerk-staff": (ADMIN_ONLY, {}),
    "clerk-staff-member": (ADMIN_ONLY, {"user_id": "@clerk"}),
    "clerk-staff-remove": (POST_ONLY_ADMIN, {"user_id": "@clerk"}),
    "clerk-export": (ADMIN_ONLY, {}),
    "clerk-export-start": (POST_ONLY_ADMIN, {}),
    "clerk-export-download": (ADMIN_ONLY, {"pk": "@export"}),
    "clerk-branding": (ADMIN_ONLY, {}),
    "clerk-open-data": (ADMIN_ONLY, {}),
    "clerk-services": (ADMIN_ONLY, {}),
    "clerk-adopted-service": (ADMIN_ONLY, {"slug": "@adopted"}),
    "clerk-own-service-new": (ADMIN_ONLY, {}),
    "clerk-own-service": (ADMIN_ONLY, {"slug": "@own"}),
    "clerk-forms": (ADMIN_ONLY, {}),
    "clerk-form-new": (ADMIN_ONLY, {}),
    "clerk-form": (ADMIN_ONLY, {"slug": "@form"}),
    "clerk-form-builder-new": (ADMIN_ONLY, {}),
    "clerk-form-builder": (ADMIN_ONLY, {"slug": "@form"}),
    "clerk-api-tokens": (ADMIN_ONLY, {}),
    "clerk-api-token-revoke": (POST_ONLY_ADMIN, {"pk": "@token"}),
    # The unit's own usage indicators: those who manage the office's work.
    "clerk-usage": (HEADS, {}),
    "clerk-usage-export": (HEADS, {}, "?format=csv"),
    # Public registers: any of the staff enters, corrects, imports and discards drafts; publishing to BIP and
    # withdrawing are for those who edit the unit's BIP (administrators and department heads).
    "clerk-registers": (ALL_STAFF, {}),
    "clerk-register-records": (ALL_STAFF, {"slug": "@register"}),
    "clerk-register-new": (ALL_STAFF, {"slug": "@register"}),
    "clerk-register-import": (ALL_STAFF, {"slug": "@register"}),
    "clerk-register-import-confirm": (POST_ONLY_STAFF, {"slug": "@register", "pk": "@import"}),
    "clerk-register-record": (ALL_STAFF, {"slug": "@register", "number": "@record"}),
    "clerk-register-record-edit": (ALL_STAFF, {"slug": "@register", "number": "@draft"}),
    "clerk-register-record-publish": (POST_ONLY_HEADS, {"slug": "@register", "number": "@draft"}),
    "clerk-register-record-withdraw": (POST_ONLY_HEADS, {"slug": "@register", "number": "@record"}),
    "clerk-register-record-discard": (POST_ONLY_STAFF, {"slug": "@register", "number": "@draft"}),
    "payment-settings": (ADMIN_ONLY, {}),
    "payment-report": (ADMIN_ONLY, {}, "?report-date_from=2026-01-01&report-date_to=2026-12-31&report-format=csv"),
    "payment-refund": (POST_ONLY_HEADS, {"public_id": "@payment"}),
    "payment-mark-paid": (POST_ONLY_STAFF, {"public_id": "@payment"}),
    # BIP: what the office publishes under its name, by its administrators and department heads.
    "clerk-bip": (HEADS, {}),
    "clerk-bip-new": (HEADS, {}),
    "clerk-bip-publication": (HEADS, {"pk": "@bip_item"}),
    "clerk-bip-edit": (HEADS, {"pk": "@bip_item"}),
    "clerk-bip-version": (HEADS, {"pk": "@bip_item", "number": "1"}),
    "clerk-bip-withdraw": (POST_ONLY_HEADS, {"pk": "@bip_item"}),
    "clerk-bip-draft-publish": (POST_ONLY_HEADS, {"pk": "@bip_item"}),
    "clerk-bip-draft-discard": (POST_ONLY_HEADS, {"pk": "@bip_item"}),
    "clerk-bip-schedule-cancel": (POST_ONLY_HEADS, {"pk": "@bip_item"}),
    "clerk-bip-menu": (HEADS, {}),
    "clerk-bip-section": (HEADS, {"section_id": "@bip_section"}),
    "clerk-bip-section-move": (POST_ONLY_HEADS, {"section_id": "@bip_section"}),
    "clerk-bip-editorial": (HEADS, {}),
    "clerk-bip-editor-new": (HEADS, {}),
    "clerk-bip-editor": (HEADS, {"editor_id": "@bip_editor"}),
    "clerk-bip-editor-remove": (POST_ONLY_HEADS, {"editor_id": "@bip_editor"}),
}


def office_routes() -> list[tuple[str, str | None]]:
    """(route, URL name) of every page of a unit's office in the URL configuration."""
    return [(route, name) for route, name in named_routes("platform_core.urls_tenant") if route.startswith("urzad/")]


def office_pages() -> dict[str, str]:
    """Every named page of a unit's office: name → route."""
    return {name: route for route, name in office_routes()}


def test_every_office_page_has_its_rule():
    pages = office_pages()
    assert None not in pages, "an office page without a name cannot have a rule"
    # Two pages of one name would share one row, and the one `reverse` does not pick would go unchecked.
    assert len(pages) == len(office_routes()), "office pages sharing a URL name"
    assert sorted(set(pages) - set(PAGES)) == [], "office pages without a row in PAGES"
    assert sorted(set(PAGES) - set(pages)) == [], "rows of PAGES for pages that no longer exist"


@pytest.fixture(scope="module")
def torun_office(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo consortium, and in Toruń a case of the clerk with every kind of file (the application's
    attachment, a note's, the resident's answer's) plus one of each other object an office URL names. Made once
    for the module inside a transaction rolled back after it."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            UPO_KEYS_DIR=tmp_path_factory.mktemp("upo-keys"), UNIT_EXPORT_ROOT=tmp_path_factory.mktemp("exports")
        ),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            catalogue_load_and_adopt()
            standard_registers_load(document=registers_seed_read())  # as `make demo` does, for the demo's records
            call_command("load_demo_consortium", stdout=io.StringIO())
            kc_account(PEOPLE["resident_of_another_unit"])
            unit = Tenant.objects.get(slug="torun")
            with tenant_context(unit):
                yield _objects()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _objects() -> dict:
    staff = {
        role: User.objects.select_related("staff_member").get(email=f"{PEOPLE[role]}@demo.ratusz.example")
        for role in STAFF
    }
    form = ApplicationForm(
        LETTER,
        {"zalacznik": SimpleUploadedFile("skan.pdf", PDF)},
        definition=StandardForm.objects.get(slug="pismo-ogolne").current,
    )
    assert form.is_valid()
    entry, _code = application_receive(form=form, service_key="standard:pismo", service_name="Pismo ogólne")
    case = case_register(
        user=staff["head"],
        case=entry.case,
        department=Department.objects.get(code="SO"),
        jrwa="1431",
        archival_category="B5",
    )
    case = case_assign(user=staff["head"], case=case, assignee=staff["clerk"])
    note = case_write(
        user=staff["clerk"],
        case=case,
        kind=CaseNote.Kind.NOTE,
        text="Notatka z oględzin.",
        attachment=SimpleUploadedFile("notatka.pdf", PDF),
    )
    case_write(user=staff["clerk"], case=case, kind=CaseNote.Kind.REQUEST, text="Proszę o kopię umowy.")
    answer = answer_receive(
        case=case,
        text="Przesyłam umowę.",
        files=[IncomingFile(SimpleUploadedFile("umowa.pdf", PDF), "application/pdf")],
        document_id=uuid.uuid4(),
        actor="resident",
    )
    assert answer.kind == EntryKind.ANSWER
    own = unit_service_save(
        service=UnitService(
            slug="zwrot-kosztow-dojazdu",
            name="Zwrot kosztów dojazdu",
            short_description="Zwrot kosztów dojazdu dzieci niepełnosprawnych do szkoły.",
        )
    )
    unit_form = unit_form_save(
        unit_form=None,
        name="Zgłoszenie awarii oświetlenia",
        slug="awaria-oswietlenia",
        json_schema={
            "type": "object",
            "properties": {"miejsce": {"type": "string", "title": "Miejsce", "maxLength": 200}},
        },
        layout={},
    ).form
    token, _secret = api_token_issue(name="EZD", scopes=["cases:read"])
    export = UnitExport.objects.create(
        unit=connection.tenant,
        requested_by="admin.torun",
        status=ExportStatus.READY,
        archive_name="torun.zip",
        finished_at=timezone.now(),
    )
    exports_storage().save(office_export_key(export), ContentFile(b"PK\x05\x06" + bytes(18)))
    # The demo's registers (onboarding/demo_registers.py): one of its records (published), a draft beside it (a
    # published record's edit page is only for those who publish: the others are sent back to the record), and a
    # file checked but not confirmed.
    record = Record.objects.select_related("register").order_by("pk").first()
    draft = record_create(
        register=record.register,
        data=record.data,
        produced_by=record.produced_by,
        produced_on=record.produced_on,
        actor="test",
    )
    pending = record_import_prepare(register=record.register, file_name="rejestr.csv", documents=[], actor="test")
    return {
        "case": case.pk,
        "entry": entry.pk,
        "attachment": entry.submission.attachments.get().pk,
        "note": note.pk,
        "entry_file": answer.files.get().pk,
        "template": letter_template_create(
            actor="test", kind=LetterKind.REPLY, name="Odpowiedź", subject="Odpowiedź", body="Szanowni Państwo,"
        ).pk,
        "clerk": staff["clerk"].pk,
        "adopted": "zaswiadczenie-o-zameldowaniu",
        "own": own.slug,
        "form": unit_form.slug,
        "token": token.pk,
        "payment": Payment.objects.order_by("pk").first().public_id,
        "export": export.pk,
        # The demo's BIP (onboarding/demo_bip.py).
        "bip_item": Publication.objects.order_by("pk").first().pk,
        "bip_section": Section.objects.order_by("pk").first().pk,
        "bip_editor": Editor.objects.get().pk,
        "register": record.register.slug,
        "record": str(record.number),
        "draft": str(draft.number),
        "import": str(pending.pk),
    }


def _browser_of(person: str) -> SignIn:
    browser = SignIn(Client())
    username = PEOPLE[person]
    if username is not None:
        password = None if person == "resident_of_another_unit" else DEMO_PASSWORD
        at = browser.at_provider(browser.start(TORUN), username, **({"password": password} if password else {}))
        browser.complete(browser.callback(at)["Location"])
    return browser


@pytest.mark.parametrize("person", PEOPLE)
def test_who_gets_what_on_every_office_page(person, torun_office):
    browser = _browser_of(person)
    wrong = []
    for name, (design, parameters, *query) in PAGES.items():
        path = reverse(
            name,
            urlconf="platform_core.urls_tenant",
            kwargs={
                key: torun_office[value[1:]] if value.startswith("@") else value for key, value in parameters.items()
            },
        )
        # An action taken by POST only: its own people's GET is 405 (and changes nothing); everyone else's POST is
        # refused before anything is done.
        refused = design.get(person, 403) == 403
        post = refused and 405 in design.values()
        url = path if post else path + "".join(query)
        response = browser.post(TORUN, url) if post else browser.get(TORUN, url)
        if person == "anonymous":
            sign_in = "/oidc/logowanie/?" + urlencode({"next": url}, safe="/")
            got, expected = (response.status_code, response.get("Location")), (302, sign_in)
        else:
            got, expected = response.status_code, design.get(person, 403)
        if got != expected:
            wrong.append(f"{'POST' if post else 'GET'} {name} {path}: {got}, designed {expected}")
    assert wrong == [], f"{person}:\n" + "\n".join(wrong)
