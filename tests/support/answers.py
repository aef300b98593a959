"""A filed application whose case waits for the resident's documents: the office has asked for them. Filed
through intake's service (not the form pages), so the tests of answers do not depend on the filing screens."""

from dataclasses import dataclass

from django_tenants.utils import tenant_context

from shared_services.catalogue.models import StandardForm
from shared_services.eforms.filling import ApplicationForm
from shared_services.identity.access import StaffRole
from shared_services.inbox.case_services import case_write
from shared_services.inbox.models import Case
from shared_services.inbox.services import application_receive
from tests.support.accounts import staff_account
from tests.support.letters import LETTER

REQUEST_TEXT = "Prosimy o skan dowodu osobistego w ciągu 7 dni."


@dataclass
class Awaiting:
    case: Case
    reference: str  # the application's, in the resident's addresses /wnioski/<reference>/…
    access_code: str
    admin: object  # the unit administrator who asked


def case_awaiting_resident(unit, *, submitted_by=None, deadline_days: int = 30, asked: bool = True) -> Awaiting:
    """An application filed in `unit` (by `submitted_by`, or without an account) with a 30-day deadline, and the
    office's request for documents on its case (unless `asked` is False)."""
    definition = StandardForm.objects.get(slug="pismo-ogolne").current
    form = ApplicationForm(LETTER, {}, definition=definition)
    assert form.is_valid(), form.errors
    admin = staff_account(unit, "admin", StaffRole.UNIT_ADMIN)
    with tenant_context(unit):
        entry, code = application_receive(
            form=form,
            service_key="standard:pismo-ogolne",
            service_name="Pismo ogólne",
            submitted_by=submitted_by,
            deadline_days=deadline_days,
        )
        if asked:
            case_write(user=admin, case=entry.case, kind="request", text=REQUEST_TEXT)
        case = Case.objects.select_related("register_entry").get(pk=entry.case.pk)
    return Awaiting(case=case, reference=str(entry.submission.reference), access_code=code, admin=admin)
