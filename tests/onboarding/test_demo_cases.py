"""The demo consortium's correspondence (onboarding/demo_cases.py): every demo office gets applications filed and
worked through the real services — numbered, signed, audited — spread over six weeks, and loading again adds
nothing."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone
from django_tenants.utils import tenant_context

from onboarding.management.commands.load_demo_consortium import DEMO_UNIT_CODES
from shared_services.audit.models import AuditEntry
from shared_services.audit.selectors import audit_check
from shared_services.catalogue.models import StandardForm
from shared_services.eforms.filling import ApplicationForm
from shared_services.eforms.models import Submission
from shared_services.inbox import upo
from shared_services.inbox.models import Case, CaseNote, CaseStatus, Channel, EntryKind, RegisterEntry
from shared_services.inbox.services import application_receive
from shared_services.payments.models import Payment, PaymentStatus
from tenants.models import Tenant
from tests.support.letters import LETTER

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signing_keys(settings, tmp_path):
    settings.UPO_KEYS_DIR = tmp_path / "upo-keys"


@pytest.fixture
def demo(full_catalogue):
    call_command("load_demo_consortium")
    return {unit.slug: unit for unit in Tenant.objects.filter(code__in=DEMO_UNIT_CODES)}


def test_every_demo_office_has_a_working_register_and_loading_again_adds_nothing(demo, capsys):
    today = timezone.localdate()
    before = {}
    for unit in demo.values():
        with tenant_context(unit):
            cases = list(Case.objects.select_related("register_entry", "assignee"))
            applications = [case for case in cases if case.register_entry.kind == EntryKind.APPLICATION]
            assert 15 <= len(applications) <= 30, unit.slug
            statuses = {case.status for case in cases}
            assert statuses == set(CaseStatus.values), unit.slug
            received = [case.register_entry.received_at for case in applications]
            assert min(received) >= timezone.now() - datetime.timedelta(days=43)
            assert {timezone.localtime(moment).date() for moment in received} >= {today}
            assert max(today - timezone.localtime(moment).date() for moment in received).days >= 35
            assert Case.objects.filter(Case.overdue_q(today)).count() >= 2, unit.slug
            assignees = {case.assignee.email.split("@")[0] for case in cases if case.assignee}
            assert {f"urzednik.{unit.slug}", f"kierownik.{unit.slug}"} <= assignees
            assert all(case.assignee.get_full_name() for case in cases if case.assignee)  # named, not kc:…
            closed = [case for case in cases if case.status == CaseStatus.CLOSED]
            assert closed and all(case.resolution and case.sign for case in closed)
            assert CaseNote.objects.filter(kind=CaseNote.Kind.REPLY).count() >= len(closed)
            # The register: numbered in the order received, gapless, each application with its signed receipt.
            entries = list(RegisterEntry.objects.order_by("year", "number").select_related("receipt"))
            by_year = {}
            for entry in entries:
                by_year.setdefault(entry.year, []).append(entry.number)
            assert all(numbers == list(range(1, len(numbers) + 1)) for numbers in by_year.values())
            filed = [entry for entry in entries if entry.kind == EntryKind.APPLICATION]
            assert filed == sorted(filed, key=lambda entry: entry.received_at)
            oldest = filed[0]
            verification = upo.receipt_verify(bytes(oldest.receipt.signed_xml))
            assert verification.valid and verification.facts.received_at == oldest.received_at
            # The paper letters and the resident's answer are in the same register.
            assert RegisterEntry.objects.filter(channel=Channel.PAPER).count() == 2
            assert RegisterEntry.objects.filter(kind=EntryKind.ANSWER, channel=Channel.ELECTRONIC).exists()
            assert audit_check() == []
            before[unit.slug] = (len(entries), _audited(), Payment.objects.count())

    capsys.readouterr()
    call_command("load_demo_consortium")
    assert "demo applications filed 0" in capsys.readouterr().out
    for unit in demo.values():
        with tenant_context(unit):
            assert before[unit.slug] == (
                RegisterEntry.objects.count(),
                _audited(),
                Payment.objects.count(),
            ), unit.slug


def test_the_demo_residents_find_their_cases_and_fees_are_paid_where_the_office_takes_them(demo):
    with tenant_context(demo["lubicz"]):
        anna = User.objects.get(email="anna.kowalska@demo.ratusz.example")
        mine = Submission.objects.filter(submitted_by=anna).select_related("register_entry__case")
        assert {submission.register_entry.case.status for submission in mine} >= {
            CaseStatus.NEW,
            CaseStatus.AWAITING_RESIDENT,
            CaseStatus.CLOSED,
        }
        assert {submission.data["email"] for submission in mine} == {"anna.kowalska@demo.ratusz.example"}
        assert Submission.objects.filter(submitted_by__email="jan.nowak@demo.ratusz.example").count() >= 3
        assert Payment.objects.filter(status=PaymentStatus.PAID, provider="office").count() >= 2
    with tenant_context(demo["torun"]):
        # Toruń takes fees online (the development gateway): they wait for the resident to pay.
        assert not Payment.objects.filter(status=PaymentStatus.PAID).exists()
        assert Payment.objects.filter(provider="przelewy24").exists()


def _audited() -> int:
    # The demo staff are invited again at every load (Keycloak may have forgotten them); nothing else is redone.
    return AuditEntry.objects.exclude(action="staff.invite").count()


def test_intake_backdated_for_the_demo_registers_signs_and_times_the_deadline_from_that_moment(full_catalogue, unit_a):
    received_at = timezone.now() - datetime.timedelta(days=20)
    form = ApplicationForm(LETTER, {}, definition=StandardForm.objects.get(slug="pismo-ogolne").current)
    assert form.is_valid()
    with tenant_context(unit_a):
        entry, _code = application_receive(
            form=form, service_key="standard:pismo", service_name="Pismo", deadline_days=14, received_at=received_at
        )
        entry.refresh_from_db()
        assert entry.received_at == received_at and entry.number == 1
        assert entry.case.deadline == (received_at + datetime.timedelta(days=14)).date()
        assert entry.case.overdue  # received 20 days ago with 14 days to answer
        facts = upo.receipt_verify(bytes(entry.receipt.signed_xml)).facts
        assert facts.received_at == received_at and facts.produced_at > received_at
