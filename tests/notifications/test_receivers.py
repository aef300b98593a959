"""What the inbox's signals become (notifications/receivers.py, services.py) and how their e-mails go out through
the outbox (delivery.py) to a real SMTP server: one notification and one e-mail per trigger, nobody told of
their own assignment, the e-mail left out when its person switched it off, and never an access code."""

import uuid

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django_tenants.utils import tenant_context

from platform_core.hosts import unit_root_url
from shared_services.identity.access import StaffRole
from shared_services.inbox.case_services import case_assign, case_register, case_write
from shared_services.inbox.correspondence import answer_receive
from shared_services.inbox.models import Case, CaseNote, OutboxMessage, OutboxStatus
from shared_services.inbox.outbox import outbox_add
from shared_services.inbox.outbox_worker import outbox_run, register_handler
from shared_services.notifications.models import Kind, Notification
from shared_services.notifications.services import preferences_save
from shared_services.staff.models import Department
from tests.support.accounts import closed_port_url, local_account, staff_account
from tests.support.answers import REQUEST_TEXT, case_awaiting_resident

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signing_keys(settings, tmp_path):
    settings.UPO_KEYS_DIR = tmp_path / "upo-keys"


@pytest.fixture
def office(full_catalogue, unit_a, smtp):
    """A case filed by a signed-in resident, registered in a department with its head and two clerks; the
    intake's own e-mail (the receipt) already sent, so each test sees only what it caused."""
    with tenant_context(unit_a):
        resident = local_account(email="anna@example.pl")
        department = Department.objects.create(name="Wydział Spraw Obywatelskich", code="SO")
    awaiting = case_awaiting_resident(unit_a, submitted_by=resident, asked=False)
    staff = {
        "admin": awaiting.admin,
        "head": staff_account(unit_a, "kierownik", StaffRole.DEPARTMENT_HEAD, department),
        "clerk": staff_account(unit_a, "urzednik", StaffRole.CLERK, department),
    }
    with tenant_context(unit_a):
        # Read again, as a request would: the accounts made above cache their staff record from before the
        # department was set.
        people = {name: User.objects.get(pk=user.pk) for name, user in staff.items()} | {"resident": resident}
        case = case_register(
            user=people["admin"], case=awaiting.case, department=department, jrwa="5340", archival_category="B10"
        )
        outbox_run()
    smtp.messages.clear()
    return {"case": case, "department": department, "awaiting": awaiting, **people}


def delivered(smtp) -> list:
    """Work off the outbox as the worker does; what reached the SMTP server."""
    outbox_run()
    return list(smtp.messages)


def answer(case):
    return answer_receive(case=case, text="Skan w załączniku.", files=[], document_id=uuid.uuid4(), actor="anna")


def notify_messages():
    return list(OutboxMessage.objects.filter(kind="notify"))


class TestStaff:
    def test_an_assignment_tells_the_assignee_once_in_the_list_and_by_e_mail(self, office, unit_a, smtp):
        with tenant_context(unit_a):
            case_assign(user=office["head"], case=office["case"], assignee=office["clerk"])
            [notification] = Notification.objects.all()
            [message] = notify_messages()
            [email] = delivered(smtp)
            assert delivered(smtp) == [email]  # done once
        assert (notification.recipient_id, notification.kind, notification.actor_id) == (
            office["clerk"].pk,
            Kind.CASE_ASSIGNED,
            office["head"].pk,
        )
        assert message.key == f"notify:{notification.pk}" and notification.email == "urzednik@urzad.example"
        assert email["To"] == "urzednik@urzad.example"
        # (A long encoded subject is folded onto a second line, which the parser starts with a space.)
        assert email["Subject"].strip() == f"Miasto Toruń: Przydzielono Ci sprawę ({office['case'].sign})"
        body = email.get_body(("plain",)).get_content()
        assert body.startswith("kierownik@urzad.example przydzielił(a) Ci sprawę w urzędzie Miasto Toruń:")
        assert f"{unit_root_url(unit_a)}urzad/sprawy/{office['case'].pk}/" in body
        assert office["case"].sign in body and "Pismo ogólne" in body

    def test_assigning_a_case_to_oneself_tells_nobody(self, office, unit_a, smtp):
        with tenant_context(unit_a):
            case_assign(user=office["head"], case=office["case"], assignee=office["head"])
            assert not Notification.objects.exists() and not notify_messages()
            assert delivered(smtp) == []

    def test_a_switched_off_e_mail_leaves_the_notification_in_the_list(self, office, unit_a, smtp):
        with tenant_context(unit_a):
            preferences_save(
                user=office["clerk"],
                offered=(Kind.CASE_ASSIGNED, Kind.RESIDENT_ANSWERED),
                emails_off=[Kind.CASE_ASSIGNED],
                language="pl",
                actor="urzednik",
            )
            case_assign(user=office["head"], case=office["case"], assignee=office["clerk"])
            [notification] = Notification.objects.all()
            assert notification.recipient_id == office["clerk"].pk and notification.email == ""
            assert not notify_messages()
            assert delivered(smtp) == []
            # The other kind still comes by e-mail.
            case_write(user=office["clerk"], case=office["case"], kind="request", text=REQUEST_TEXT)
            answer(office["case"])
            [email] = [email for email in delivered(smtp) if email["To"] == "urzednik@urzad.example"]
        assert "Mieszkaniec odpowiedział" in email["Subject"]

    def test_the_answer_goes_to_the_assignee(self, office, unit_a, smtp):
        with tenant_context(unit_a):
            case_assign(user=office["head"], case=office["case"], assignee=office["clerk"])
            case_write(user=office["clerk"], case=office["case"], kind="request", text=REQUEST_TEXT)
            delivered(smtp)
            smtp.messages.clear()
            entry = answer(office["case"])
            [notification] = Notification.objects.filter(kind=Kind.RESIDENT_ANSWERED)
            sent = delivered(smtp)
        assert (notification.recipient_id, notification.entry_id) == (office["clerk"].pk, entry.pk)
        [email] = [email for email in sent if email["To"] == "urzednik@urzad.example"]
        # The rest is the answer's own receipt, to the resident.
        assert {email["To"] for email in sent} == {"urzednik@urzad.example", "anna@example.pl"} and len(sent) == 2
        body = email.get_body(("plain",)).get_content()
        assert entry.label in body and f"urzad/sprawy/{office['case'].pk}/" in body

    def test_an_unassigned_answer_goes_to_the_department_heads_and_without_a_department_to_the_administrators(
        self, office, unit_a, smtp
    ):
        with tenant_context(unit_a):
            case_write(user=office["admin"], case=office["case"], kind="request", text=REQUEST_TEXT)
            answer(office["case"])
            assert list(
                Notification.objects.filter(kind=Kind.RESIDENT_ANSWERED).values_list("recipient", flat=True)
            ) == [office["head"].pk]
            Notification.objects.all().delete()
            Case.objects.filter(pk=office["case"].pk).update(department=None)
            case_write(user=office["admin"], case=office["case"], kind="request", text=REQUEST_TEXT)
            answer(Case.objects.get(pk=office["case"].pk))
            assert list(
                Notification.objects.filter(kind=Kind.RESIDENT_ANSWERED).values_list("recipient", flat=True)
            ) == [office["admin"].pk]
            staff_mail = [email["To"] for email in delivered(smtp) if email["To"].endswith("@urzad.example")]
        assert staff_mail == ["admin@urzad.example"]  # the head's notification was deleted before the worker ran

    def test_an_e_mail_the_server_refuses_is_retried_later(self, office, unit_a, smtp, settings):
        with tenant_context(unit_a):
            case_assign(user=office["head"], case=office["case"], assignee=office["clerk"])
            settings.EMAIL_PORT = int(closed_port_url().rsplit(":", 1)[1].strip("/"))
            assert outbox_run() == 1
            [message] = notify_messages()
            assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1) and message.last_error
            settings.EMAIL_PORT = smtp.port
            OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
            [email] = delivered(smtp)
            message.refresh_from_db()
        assert message.status == OutboxStatus.DONE and email["To"] == "urzednik@urzad.example"


class TestResident:
    def test_a_request_and_a_reply_are_e_mailed_with_a_link_to_the_residents_own_case_page(self, office, unit_a, smtp):
        with tenant_context(unit_a):
            case_write(user=office["admin"], case=office["case"], kind="note", text="Sprawdzić PESEL.")
            assert not Notification.objects.exists()  # an internal note reaches nobody
            case_write(user=office["admin"], case=office["case"], kind="request", text=REQUEST_TEXT)
            answer(office["case"])
            delivered(smtp)
            smtp.messages.clear()
            note = case_write(user=office["admin"], case=office["case"], kind="reply", text="Dowód do odbioru.")
            [notification] = Notification.objects.filter(kind=Kind.OFFICE_REPLIED)
            [email] = delivered(smtp)
        assert (notification.recipient_id, notification.note_id, notification.email) == (
            office["resident"].pk,
            note.pk,
            "anna@example.pl",
        )
        assert email["To"] == "anna@example.pl" and email["Subject"] == f"Miasto Toruń: {office['case'].sign}"
        assert email["Message-ID"] == f"<case-note-{note.pk}.{unit_a.schema_name}@ratusz>"
        body = email.get_body(("plain",)).get_content()
        assert "Dowód do odbioru." in body and "odpowiada w Twojej sprawie" in body
        assert f"{unit_root_url(unit_a)}wnioski/{office['awaiting'].reference}/sprawa/" in body
        assert office["awaiting"].access_code not in body

    def test_a_resident_without_an_account_is_sent_to_the_access_code_page_not_given_the_code(
        self, full_catalogue, unit_a, smtp
    ):
        awaiting = case_awaiting_resident(unit_a)  # filed without an account; the office asked for documents
        with tenant_context(unit_a):
            [notification] = Notification.objects.all()
            sent = delivered(smtp)
        assert notification.recipient_id is None and notification.kind == Kind.OFFICE_REQUESTED
        [email] = [email for email in sent if "UPO" not in email["Subject"]]
        body = email.get_body(("plain",)).get_content()
        assert REQUEST_TEXT in body and f"{unit_root_url(unit_a)}sprawa/" in body
        assert awaiting.access_code not in body and f"wnioski/{awaiting.reference}" not in body

    def test_a_resident_who_switched_replies_off_gets_no_e_mail_but_still_a_request(self, office, unit_a, smtp):
        with tenant_context(unit_a):
            preferences_save(
                user=office["resident"],
                offered=(Kind.OFFICE_REQUESTED, Kind.OFFICE_REPLIED),
                emails_off=[Kind.OFFICE_REPLIED],
                language="en",
                actor="anna",
            )
            case_write(user=office["admin"], case=office["case"], kind="reply", text="Odpowiedź.")
            case_write(user=office["admin"], case=office["case"], kind="request", text=REQUEST_TEXT)
            assert Notification.objects.count() == 2 and len(notify_messages()) == 1
            [email] = delivered(smtp)
        body = email.get_body(("plain",)).get_content()
        assert REQUEST_TEXT in body and "asks you for more documents" in body  # in the language she chose


class TestOutboxHandlers:
    def test_a_kind_has_one_handler(self):
        with pytest.raises(ImproperlyConfigured):
            register_handler("notify")(lambda payload: None)

    def test_the_inboxs_waiting_case_messages_become_notifications(self, office, unit_a, smtp):
        from importlib import import_module

        from django.apps import apps

        migration = import_module(
            "shared_services.notifications.migrations.0002_inbox_case_messages_become_notifications"
        )
        with tenant_context(unit_a):
            note = CaseNote.objects.create(case=office["case"], kind="reply", author=office["admin"], text="Stara.")
            outbox_add(kind="case_message", key=f"case_message:{note.pk}", payload={"note_id": note.pk})
            migration.case_messages_to_notifications(apps, None)
            [message] = OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
            [notification] = Notification.objects.all()
            [email] = delivered(smtp)
        assert (message.kind, message.key) == ("notify", f"notify:{notification.pk}")
        assert (notification.note_id, notification.recipient_id) == (note.pk, office["resident"].pk)
        assert "Stara." in email.get_body(("plain",)).get_content()
