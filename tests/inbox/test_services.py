"""The electronic inbox: intake with register number and signed receipt in one transaction, the outbox, the
office's case actions and who may do them."""

import hashlib
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_services.audit.models import AuditEntry
from shared_services.audit.selectors import audit_check
from shared_services.catalogue.models import StandardForm
from shared_services.eforms.filling import ApplicationForm
from shared_services.eforms.models import Attachment, Submission
from shared_services.identity.access import StaffRole
from shared_services.identity.provisioning import keycloak_admin
from shared_services.inbox import upo
from shared_services.inbox.models import (
    Case,
    CaseStatus,
    OutboxMessage,
    OutboxStatus,
    Receipt,
    RegisterCounter,
    RegisterEntry,
)
from shared_services.inbox.outbox import outbox_add
from shared_services.inbox.outbox_worker import MAX_ATTEMPTS, outbox_run
from shared_services.inbox.services import application_receive
from shared_services.staff.models import Department, StaffMember
from tests.support.accounts import closed_port_url, local_account, signed_in, staff_account
from tests.support.letters import FORM_URL, LETTER, LUBICZ, PDF, TORUN, application_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signing_keys(settings, tmp_path):
    settings.UPO_KEYS_DIR = tmp_path / "upo-keys"


def file_letter(client, **changes):
    return application_file(client, FORM_URL, {**LETTER, **changes}, HTTP_HOST=TORUN)


class TestIntake:
    def test_a_filed_application_is_registered_with_a_signed_receipt_and_a_case(
        self, full_catalogue, client, unit_a, unit_b
    ):
        response = file_letter(client, zalacznik=SimpleUploadedFile("skan.pdf", PDF))
        assert response.status_code == 302
        with tenant_context(unit_a):
            entry = RegisterEntry.objects.select_related("receipt", "case", "submission").get()
            receipt = entry.receipt
            verification = upo.receipt_verify(
                bytes(receipt.signed_xml), {"wniosek.json": bytes(receipt.document_json), "skan.pdf": PDF}
            )
        assert verification.valid, verification.problem
        facts = verification.facts
        assert (facts.addressee_terc, facts.document_id, facts.sender_name) == (
            unit_a.code,
            str(entry.submission.reference),
            "Anna Kowalska",
        )
        assert entry.label == f"1/{entry.year}" and facts.register_number == ""  # taken after signing
        assert facts.document_sha256 == hashlib.sha256(bytes(receipt.document_json)).hexdigest()
        assert all(status == "match" for _name, status in verification.documents)
        assert entry.case.status == CaseStatus.NEW and entry.case.deadline is not None
        with tenant_context(unit_b):
            assert not RegisterEntry.objects.exists()
        confirmation = client.get(response["Location"], HTTP_HOST=TORUN).content.decode()
        assert entry.label in confirmation and "upo.xml" in confirmation

    def test_an_intake_holds_the_units_shared_rows_only_for_its_last_statements(self, full_catalogue, client, unit_a):
        """The hot path's statements are pinned, and the two rows every intake of the unit waits for until
        commit (the register's counter and the audit chain's head) come last: the receipt is signed and
        everything else stored before either is locked."""
        file_letter(client, zalacznik=SimpleUploadedFile("skan.pdf", PDF))  # warm: the unit's host, the key
        client.cookies.clear()  # a new visitor, as most filers are
        answers = {**LETTER, "zalacznik": SimpleUploadedFile("skan.pdf", PDF)}
        check = client.post(FORM_URL, answers, HTTP_HOST=TORUN)["Location"]
        key = re.search(r'name="draft" value="([0-9a-f-]+)"', client.get(check, HTTP_HOST=TORUN).content.decode())
        with CaptureQueriesContext(connection) as captured:  # "send" on the check page: the intake
            response = client.post(check, {"draft": key.group(1)}, HTTP_HOST=TORUN)
        assert response.status_code == 302
        # The test's own transaction turns the intake's into savepoints; in production they are BEGIN/COMMIT.
        statements = [query["sql"] for query in captured.captured_queries if "SAVEPOINT" not in query["sql"]]
        tables = [re.search(r'(?:INTO|UPDATE|FROM|SET) "?(\w+)', sql).group(1) for sql in statements]
        # Besides the intake, the draft: found with its files, locked, its files moved to the application,
        # the rest removed with it; and the intake's usage fact (public schema), before the shared rows.
        assert len(statements) == 24, tables
        assert tables[-6:] == [
            "inbox_registercounter",
            "inbox_registerentry",  # the number, onto the entry
            "audit_audithead",
            "audit_auditentry",
            "audit_audithead",  # then commit
            "django_session",
        ]  # after commit
        assert {"inbox_receipt", "inbox_case", "eforms_attachment", "inbox_outboxmessage", "usage_usagefact"} <= set(
            tables[:-6]
        )

    def test_the_receipt_downloads_only_for_the_filer_and_only_on_the_unit(self, full_catalogue, client, unit_a):
        location = file_letter(client)["Location"]
        xml = client.get(f"{location}upo.xml", HTTP_HOST=TORUN)
        assert xml.status_code == 200 and upo.receipt_verify(xml.content).valid
        assert client.get(f"{location}upo.xml", HTTP_HOST=LUBICZ).status_code == 404
        client.cookies.clear()
        assert client.get(f"{location}upo.xml", HTTP_HOST=TORUN).status_code == 404

    def test_register_numbers_follow_each_other_per_unit(self, full_catalogue, client, unit_a, unit_b):
        for _ in range(3):
            file_letter(client)
        application_file(client, FORM_URL, LETTER, HTTP_HOST=LUBICZ)
        with tenant_context(unit_a):
            assert list(RegisterEntry.objects.order_by("number").values_list("number", flat=True)) == [1, 2, 3]
        with tenant_context(unit_b):
            assert list(RegisterEntry.objects.values_list("number", flat=True)) == [1]

    def test_a_failed_intake_stores_nothing_and_gives_its_number_back(self, full_catalogue, unit_a, settings):
        definition = StandardForm.objects.get(slug="pismo-ogolne").current
        form = ApplicationForm(LETTER, {"zalacznik": SimpleUploadedFile("skan.pdf", PDF)}, definition=definition)
        assert form.is_valid()
        settings.UPO_KEYS_DIR = Path("/proc/no-keys-here")  # signing cannot happen: the receipt fails
        stored = Path(settings.MEDIA_ROOT) / unit_a.schema_name / "zalaczniki"
        files_before = set(stored.iterdir()) if stored.exists() else set()
        with tenant_context(unit_a):
            with pytest.raises(OSError):  # the signing key cannot be read or written
                application_receive(form=form, service_key="standard:wydanie-dowodu-osobistego", service_name="X")
            assert not Submission.objects.exists() and not RegisterEntry.objects.exists()
            assert not Attachment.objects.exists() and not Receipt.objects.exists()
            assert not RegisterCounter.objects.filter(last_number__gt=0).exists()
        # The file written before the failure is gone again.
        assert (set(stored.iterdir()) if stored.exists() else set()) == files_before


class TestOutbox:
    def test_the_receipt_pdf_and_e_mail_are_made_once_after_intake(self, full_catalogue, client, unit_a):
        file_letter(client)
        with tenant_context(unit_a):
            assert set(OutboxMessage.objects.values_list("kind", flat=True)) == {"receipt_pdf", "receipt_email"}
            assert outbox_run() == 2
            receipt = Receipt.objects.get()
            assert bytes(receipt.pdf.read()).startswith(b"%PDF")
            assert outbox_run() == 0  # nothing is done twice
            assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.DONE}
        [message] = mail.outbox
        assert message.to == ["anna@example.pl"] and message.attachments[0][0].endswith(".xml")
        assert upo.receipt_verify(message.attachments[0][1]).valid

    def test_a_failing_message_is_retried_later_and_not_lost(self, unit_a):
        with tenant_context(unit_a):
            message = outbox_add(
                kind="receipt_pdf",
                key="receipt_pdf:missing",
                payload={"receipt_id": "00000000-0000-0000-0000-000000000000"},
            )
            assert outbox_run() == 1
            message.refresh_from_db()
            assert message.status == OutboxStatus.PENDING and message.attempts == 1 and message.last_error
            assert outbox_run() == 0  # not due again yet: it waits before the next attempt

    def test_a_message_that_failed_for_good_keeps_no_access_code(self, unit_a):
        with tenant_context(unit_a):
            message = outbox_add(
                kind="receipt_email",
                key="receipt_email:missing",
                payload={"receipt_id": "00000000-0000-0000-0000-000000000000", "access_code": "ABCD-EFGH-JKLM"},
            )
            for _attempt in range(MAX_ATTEMPTS):
                OutboxMessage.objects.update(next_attempt_at=timezone.now())  # due again at once
                assert outbox_run() == 1
            message.refresh_from_db()
            assert message.status == OutboxStatus.FAILED
            assert message.payload == {"receipt_id": "00000000-0000-0000-0000-000000000000"}

    def test_intake_succeeds_while_the_broker_is_down(self, full_catalogue, client, unit_a, settings):
        from platform_core.celery import app

        previous = app.conf.broker_url, app.conf.task_publish_retry
        app.conf.broker_url, app.conf.task_publish_retry = "amqp://guest:guest@127.0.0.1:9//", False
        app.pool.force_close_all()
        try:
            response = file_letter(client)
        finally:
            app.conf.broker_url, app.conf.task_publish_retry = previous
            app.pool.force_close_all()
        assert response.status_code == 302
        with tenant_context(unit_a):
            assert RegisterEntry.objects.count() == 1
            assert OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count() == 2
            assert outbox_run() == 2  # the sweep (or the next wake-up) does the work once the broker is back


class TestCaseActions:
    @pytest.fixture
    def office(self, full_catalogue, client, unit_a):
        file_letter(client)
        with tenant_context(unit_a):
            taxes = Department.objects.create(name="Wydział Podatków i Opłat", code="FN")
            citizens = Department.objects.create(name="Wydział Spraw Obywatelskich", code="SO")
            case = Case.objects.get()
        return {
            "case": case,
            "taxes": taxes,
            "citizens": citizens,
            "admin": staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN),
            "head": staff_account(unit_a, "kierownik", StaffRole.DEPARTMENT_HEAD, citizens),
            "clerk": staff_account(unit_a, "urzednik", StaffRole.CLERK, citizens),
            "other_clerk": staff_account(unit_a, "inny", StaffRole.CLERK, taxes),
        }

    def act(self, client, case, action, **data):
        return client.post(
            f"/urzad/sprawy/{case.pk}/{action}/", {f"{action}-{k}": v for k, v in data.items()}, HTTP_HOST=TORUN
        )

    def test_a_case_goes_from_registration_to_closing_and_every_step_is_audited(self, office, client, unit_a):
        case = office["case"]
        signed_in(client, unit_a, office["head"])
        assert (
            self.act(
                client, case, "register", department=office["citizens"].pk, jrwa="5340", archival_category="B10"
            ).status_code
            == 302
        )
        assert self.act(client, case, "assign", assignee=office["clerk"].pk).status_code == 302
        signed_in(client, unit_a, office["clerk"])
        assert self.act(client, case, "note", text="Sprawdzić w rejestrze PESEL.").status_code == 302
        assert self.act(client, case, "request", text="Proszę o skan dowodu.").status_code == 302
        assert self.act(client, case, "reply", text="Dziękujemy, sprawa w toku.").status_code == 302
        assert self.act(client, case, "close", resolution="Wydano dowód.").status_code == 302
        with tenant_context(unit_a):
            case.refresh_from_db()
            assert case.sign == f"SO.5340.1.{case.closed_at.year}" and case.status == CaseStatus.CLOSED
            assert case.retention_until == case.closed_at.year + 10
            actions = list(AuditEntry.objects.order_by("sequence").values_list("action", flat=True))
            assert actions == [
                "case.open",
                "case.register",
                "case.assign",
                "case.note",
                "case.request",
                "case.pause",  # the deadline stands still while the office waits for the resident
                "case.reply",
                "case.close",
            ]
            assert audit_check() == []
        # The request and the reply reached the resident; the internal note did not.
        with tenant_context(unit_a):
            outbox_run()
        bodies = [message.body for message in mail.outbox if "UPO" not in message.subject]
        assert any("Proszę o skan dowodu." in body for body in bodies)
        assert not any("Sprawdzić w rejestrze PESEL." in body for body in bodies)

    def test_a_clerk_sees_only_assigned_cases_and_cannot_reassign(self, office, client, unit_a):
        case = office["case"]
        signed_in(client, unit_a, office["other_clerk"])
        assert client.get(f"/urzad/sprawy/{case.pk}/", HTTP_HOST=TORUN).status_code == 404
        assert self.act(client, case, "close", resolution="x").status_code == 404
        signed_in(client, unit_a, office["admin"])
        self.act(client, case, "register", department=office["citizens"].pk, jrwa="5340", archival_category="B10")
        self.act(client, case, "assign", assignee=office["clerk"].pk)
        signed_in(client, unit_a, office["clerk"])
        assert client.get(f"/urzad/sprawy/{case.pk}/", HTTP_HOST=TORUN).status_code == 200
        assert self.act(client, case, "assign", assignee=office["clerk"].pk).status_code == 403

    def test_residents_anonymous_visitors_and_other_units_staff_are_refused(self, office, client, unit_a, unit_b):
        case = office["case"]
        for path in (f"/urzad/sprawy/{case.pk}/", "/urzad/skrzynka/", "/urzad/rejestr/"):
            assert client.get(path, HTTP_HOST=TORUN).status_code == 302  # to sign in
        with tenant_context(unit_a):
            resident = local_account(email="anna@example.pl")
        signed_in(client, unit_a, resident)
        assert client.get("/urzad/skrzynka/", HTTP_HOST=TORUN).status_code == 403
        assert self.act(client, case, "close", resolution="x").status_code == 403
        lubicz_admin = staff_account(unit_b, "wojt", StaffRole.UNIT_ADMIN)
        signed_in(client, unit_b, lubicz_admin)
        assert client.get(f"/urzad/sprawy/{case.pk}/", HTTP_HOST=LUBICZ).status_code == 404  # not Lubicz's case
        # (The test client shares one cookie jar across hosts, unlike a browser: Lubicz first, then Toruń.)
        assert client.get(f"/urzad/sprawy/{case.pk}/", HTTP_HOST=TORUN).status_code == 302  # nobody in Toruń
        with tenant_context(unit_a):
            assert Case.objects.get().status == CaseStatus.NEW

    def test_a_bad_jrwa_or_category_is_explained(self, office, client, unit_a):
        signed_in(client, unit_a, office["admin"])
        response = self.act(
            client, office["case"], "register", department=office["taxes"].pk, jrwa="53a", archival_category="Z"
        )
        assert response.status_code == 400 and "JRWA" in response.content.decode()

    def test_the_inbox_lists_overdue_cases(self, office, client, unit_a):
        with tenant_context(unit_a):
            Case.objects.update(deadline="2020-01-01")
        signed_in(client, unit_a, office["admin"])
        body = client.get("/urzad/skrzynka/?overdue=on", HTTP_HOST=TORUN).content.decode()
        assert "Wydanie dowodu osobistego" in body and 'class="overdue"' in body


class TestResidentSide:
    def test_an_anonymous_filer_follows_the_case_with_the_code_from_the_e_mail(
        self, full_catalogue, client, unit_a, smtp
    ):
        location = file_letter(client)["Location"]
        shown_code = re.search(
            r'class="access-code">([A-Z0-9-]+)<', client.get(location, HTTP_HOST=TORUN).content.decode()
        ).group(1)
        with tenant_context(unit_a):
            outbox_run()
            assert not OutboxMessage.objects.filter(payload__has_key="access_code").exists()  # not kept after
        [email] = smtp.messages
        assert email["To"] == "anna@example.pl" and shown_code in email.get_body(("plain",)).get_content()
        assert next(part.get_filename() for part in email.iter_attachments()).endswith(".xml")
        client.cookies.clear()
        page = client.post("/sprawa/", {"code": shown_code.lower()}, HTTP_HOST=TORUN).content.decode()
        assert "Wydanie dowodu osobistego" in page and "nowa" in page.lower()
        assert "Nie ma sprawy" in client.post("/sprawa/", {"code": "AAAA-BBBB-CCCC"}, HTTP_HOST=TORUN).content.decode()
        # The code is Toruń's: Lubicz has no such case.
        assert (
            "Wydanie dowodu osobistego"
            not in client.post("/sprawa/", {"code": shown_code}, HTTP_HOST=LUBICZ).content.decode()
        )

    def test_a_signed_in_resident_sees_replies_but_not_internal_notes(self, full_catalogue, client, unit_a):
        with tenant_context(unit_a):
            resident = local_account(email="anna@example.pl")
        signed_in(client, unit_a, resident)
        location = file_letter(client)["Location"]
        admin = staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN)
        with tenant_context(unit_a):
            from shared_services.inbox.case_services import case_write

            case = Case.objects.get()
            case_write(user=admin, case=case, kind="note", text="Notatka wewnętrzna.")
            case_write(user=admin, case=case, kind="reply", text="Dowód do odbioru w pokoju 12.")
        signed_in(client, unit_a, resident)
        account = client.get("/konto/", HTTP_HOST=TORUN).content.decode()
        assert "nowa" in account.lower()
        page = client.get(f"{location}sprawa/", HTTP_HOST=TORUN).content.decode()
        assert "Dowód do odbioru w pokoju 12." in page and "Notatka wewnętrzna." not in page
        with tenant_context(unit_a):
            other = local_account(email="jan@example.pl")
        signed_in(client, unit_a, other)
        assert client.get(f"{location}sprawa/", HTTP_HOST=TORUN).status_code == 404


class TestStaffAndDepartments:
    def test_an_administrator_adds_a_department_and_invites_a_clerk_into_it(self, client, unit_a, identity_provider):
        admin = staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN)
        signed_in(client, unit_a, admin)
        assert (
            client.post(
                "/urzad/pracownicy/",
                {"add_department": "1", "department-name": "Wydział Podatków i Opłat", "department-code": "fn"},
                HTTP_HOST=TORUN,
            ).status_code
            == 302
        )
        with tenant_context(unit_a):
            taxes = Department.objects.get(code="FN")
        refused = client.post(
            "/urzad/pracownicy/",
            {"invite": "1", "invite-email": "ewa@torun.example", "invite-role": StaffRole.CLERK},
            HTTP_HOST=TORUN,
        )
        assert refused.status_code == 200 and "wydziale" in refused.content.decode()
        assert (
            client.post(
                "/urzad/pracownicy/",
                {
                    "invite": "1",
                    "invite-email": "Ewa@Torun.example",
                    "invite-role": StaffRole.CLERK,
                    "invite-department": taxes.pk,
                },
                HTTP_HOST=TORUN,
            ).status_code
            == 302
        )
        # Keycloak has the account, waiting for its password, in Toruń's Organization and clerks' group.
        keycloak = keycloak_admin()
        [account] = keycloak.get_users({"email": "ewa@torun.example", "exact": True})
        assert set(account["requiredActions"]) == {"UPDATE_PASSWORD", "VERIFY_EMAIL"}
        assert [org["alias"] for org in keycloak.get_user_organizations(account["id"])] == ["torun"]
        assert [group["path"] for group in keycloak.get_user_groups(account["id"])] == ["/units/torun/clerk"]
        if identity_provider is not None:  # the development provider keeps the e-mails Keycloak would send
            assert any(sent["to"] == "ewa@torun.example" for sent in identity_provider.sent_emails)
        with tenant_context(unit_a):
            clerk = User.objects.get(username=f"kc:{account['id']}")
            assert clerk.staff_member.department == taxes and clerk.groups.filter(name=StaffRole.CLERK).exists()
            assert [entry.action for entry in AuditEntry.objects.order_by("sequence")] == [
                "department.create",
                "staff.invite",
            ]
        page = client.get("/urzad/pracownicy/", HTTP_HOST=TORUN).content.decode()
        assert "ewa@torun.example" in page and "urzędnik" in page

    def test_removing_a_member_of_staff_ends_their_access_here_and_in_keycloak(self, client, unit_a):
        admin = staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN)
        signed_in(client, unit_a, admin)
        client.post(
            "/urzad/pracownicy/",
            {"invite": "1", "invite-email": "piotr@torun.example", "invite-role": StaffRole.UNIT_ADMIN},
            HTTP_HOST=TORUN,
        )
        keycloak = keycloak_admin()
        [account] = keycloak.get_users({"email": "piotr@torun.example", "exact": True})
        with tenant_context(unit_a):
            piotr = User.objects.get(username=f"kc:{account['id']}")
        assert client.post(f"/urzad/pracownicy/{piotr.pk}/usun/", HTTP_HOST=TORUN).status_code == 302
        assert keycloak.get_user_organizations(account["id"]) == [] and keycloak.get_user_groups(account["id"]) == []
        with tenant_context(unit_a):
            piotr.refresh_from_db()
            assert not piotr.groups.exists() and not StaffMember.objects.filter(user=piotr).exists()
            assert AuditEntry.objects.order_by("sequence").last().action == "staff.remove"
        signed_in(client, unit_a, piotr)
        assert client.get("/urzad/skrzynka/", HTTP_HOST=TORUN).status_code == 403
        assert keycloak.get_user(account["id"])["enabled"]  # the person keeps their account

    def test_inviting_someone_again_changes_their_role_and_nothing_else(self, client, unit_a):
        signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))
        with tenant_context(unit_a):
            taxes = Department.objects.create(name="Wydział Podatków i Opłat", code="FN")
        for role in (StaffRole.CLERK, StaffRole.UNIT_ADMIN):
            assert (
                client.post(
                    "/urzad/pracownicy/",
                    {
                        "invite": "1",
                        "invite-email": "jan@torun.example",
                        "invite-role": role,
                        "invite-department": taxes.pk,
                    },
                    HTTP_HOST=TORUN,
                ).status_code
                == 302
            )
        keycloak = keycloak_admin()
        [account] = keycloak.get_users({"email": "jan@torun.example", "exact": True})
        assert [org["alias"] for org in keycloak.get_user_organizations(account["id"])] == ["torun"]
        assert [group["path"] for group in keycloak.get_user_groups(account["id"])] == ["/units/torun/unit_admin"]
        with tenant_context(unit_a):
            jan = User.objects.get(username=f"kc:{account['id']}")
            assert list(jan.groups.values_list("name", flat=True)) == [StaffRole.UNIT_ADMIN]

    def test_an_account_with_an_unconfirmed_address_gets_no_staff_role(self, client, unit_a):
        # Somebody registered elsewhere with the clerk-to-be's address and never confirmed it.
        keycloak = keycloak_admin()
        squatter = keycloak.create_user(
            {"username": "podszywacz", "email": "ola@torun.example", "enabled": True, "emailVerified": False},
            exist_ok=True,
        )
        signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))
        refused = client.post(
            "/urzad/pracownicy/",
            {"invite": "1", "invite-email": "ola@torun.example", "invite-role": StaffRole.UNIT_ADMIN},
            HTTP_HOST=TORUN,
        )
        assert refused.status_code == 200 and "nie został potwierdzony" in refused.content.decode()
        assert keycloak.get_user_organizations(squatter) == [] and keycloak.get_user_groups(squatter) == []
        with tenant_context(unit_a):
            assert not User.objects.filter(email="ola@torun.example").exists()

    def test_an_invitation_cut_off_half_way_is_finished_by_sending_it_again(self, client, unit_a, identity_provider):
        # What an invitation leaves when Keycloak went away after creating the account: not a member yet,
        # no password, the address unconfirmed, and no e-mail sent.
        keycloak = keycloak_admin()
        account = keycloak.create_user(
            {
                "username": "ala@torun.example",
                "email": "ala@torun.example",
                "enabled": True,
                "requiredActions": ["UPDATE_PASSWORD", "VERIFY_EMAIL"],
            },
            exist_ok=True,
        )
        signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))
        assert (
            client.post(
                "/urzad/pracownicy/",
                {"invite": "1", "invite-email": "ala@torun.example", "invite-role": StaffRole.UNIT_ADMIN},
                HTTP_HOST=TORUN,
            ).status_code
            == 302
        )
        assert [org["alias"] for org in keycloak.get_user_organizations(account)] == ["torun"]
        if identity_provider is not None:  # the set-password e-mail goes out this time
            assert any(sent["to"] == "ala@torun.example" for sent in identity_provider.sent_emails)

    def test_an_invitation_while_keycloak_is_down_changes_nothing_and_keeps_the_form(self, client, unit_a, settings):
        admin = staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN)
        signed_in(client, unit_a, admin)
        settings.KEYCLOAK_SERVER_URL = closed_port_url()
        response = client.post(
            "/urzad/pracownicy/",
            {"invite": "1", "invite-email": "ola@torun.example", "invite-role": StaffRole.UNIT_ADMIN},
            HTTP_HOST=TORUN,
        )
        assert response.status_code == 503
        assert "nie odpowiada" in response.content.decode() and 'value="ola@torun.example"' in response.content.decode()
        with tenant_context(unit_a):
            assert not User.objects.filter(email="ola@torun.example").exists()
            assert not AuditEntry.objects.filter(action="staff.invite").exists()

    def test_only_administrators_manage_staff(self, client, unit_a):
        assert client.get("/urzad/pracownicy/", HTTP_HOST=TORUN).status_code == 302
        signed_in(client, unit_a, staff_account(unit_a, "urzednik", StaffRole.CLERK))
        assert client.get("/urzad/pracownicy/", HTTP_HOST=TORUN).status_code == 403


class TestKilledIntakes:
    def test_the_same_answers_sent_twice_file_one_application(self, full_catalogue, client, unit_a):
        check = client.post(FORM_URL, LETTER, HTTP_HOST=TORUN)["Location"]
        key = re.search(r'name="draft" value="([0-9a-f-]+)"', client.get(check, HTTP_HOST=TORUN).content.decode())
        first = client.post(check, {"draft": key.group(1)}, HTTP_HOST=TORUN)
        again = client.post(check, {"draft": key.group(1)}, HTTP_HOST=TORUN)
        assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
        with tenant_context(unit_a):
            assert Submission.objects.count() == RegisterEntry.objects.count() == 1

    def test_files_left_by_an_intake_killed_before_commit_are_swept(self, unit_a, settings):
        import os
        import time as clock

        from django.core.files.base import ContentFile

        from shared_services.eforms.services import orphan_files_remove

        with tenant_context(unit_a):
            storage = Attachment._meta.get_field("file").storage
            stale = storage.save("zalaczniki/osierocony", ContentFile(b"x"))
            fresh = storage.save("zalaczniki/w-toku", ContentFile(b"y"))
            hour_ago = clock.time() - 2 * 3600
            os.utime(storage.path(stale), (hour_ago, hour_ago))
            assert orphan_files_remove() == [stale]
            assert not storage.exists(stale) and storage.exists(fresh)  # an intake in progress keeps its file
            storage.delete(fresh)


def test_a_clerk_sees_in_the_menu_only_what_a_clerk_may_open(client, unit_a):
    signed_in(client, unit_a, staff_account(unit_a, "urzednik", StaffRole.CLERK))
    menu = client.get("/urzad/skrzynka/", HTTP_HOST=TORUN).content.decode()
    assert 'href="/urzad/skrzynka/"' in menu and 'href="/urzad/pracownicy/"' not in menu
    signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))
    assert 'href="/urzad/pracownicy/"' in client.get("/urzad/skrzynka/", HTTP_HOST=TORUN).content.decode()
