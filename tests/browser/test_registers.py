"""The office's register pages in a real browser: the list of registers, a register's records, a record, the
form to enter one (empty, then with its errors), the form to change one and the import page with a file's errors
pass axe (WCAG 2.1 AA) and the structure checks in Polish and English, with no CSP violation."""

import pytest
from django.db import connection
from django_tenants.utils import tenant_context
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions

from onboarding.demo_registers import demo_registers_load
from shared_services.bip.services import bip_seed
from shared_services.catalogue.models import RegisterListing, StandardRegister, StandardRegisterVersion
from shared_services.catalogue.register_services import registers_seed_read, standard_registers_load
from shared_services.identity.access import StaffRole
from tenants.models import Tenant
from tests.browser.conftest import check_page, sign_in_at_provider, use_language, wait_for
from tests.conftest import UNIT_A
from tests.support.accounts import kc_account

pytestmark = pytest.mark.browser
EDITOR = "redaktor.rejestrow"
UNIT_TABLES = (
    "registers_recordimport",
    "registers_record",
    "registers_register",
    "bip_publicationversion",
    "bip_publication",
    "bip_section",
    "bip_editor",
    "bip_editorialoffice",
)


@pytest.fixture(scope="module")
def demo_registers(committed_catalogue, django_db_blocker):
    """Toruń's registers with its demo records, committed for the server."""
    unit = Tenant.objects.get(code=UNIT_A["code"])
    with django_db_blocker.unblock():
        kc_account(EDITOR, unit_roles={UNIT_A["slug"]: StaffRole.DEPARTMENT_HEAD})
        standard_registers_load(document=registers_seed_read())
        with tenant_context(unit):
            bip_seed(unit_kind=unit.kind, unit_name=unit.name)
            demo_registers_load(unit=unit)
        connection.set_schema_to_public()
        try:
            yield
        finally:
            with tenant_context(unit), connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {', '.join(UNIT_TABLES)} CASCADE")
            connection.set_schema_to_public()
            RegisterListing.objects.filter(unit=unit).delete()
            StandardRegister.objects.update(current=None)
            StandardRegisterVersion.objects.all().delete()
            StandardRegister.objects.all().delete()


@pytest.mark.parametrize("language", ["pl", "en"])
def test_every_office_register_page_is_accessible(browser, browser_server, demo_registers, language):
    start = browser_server.unit(UNIT_A["slug"], "/urzad/rejestry/")
    use_language(browser, start, language)
    browser.get(start)
    sign_in_at_provider(browser, EDITOR)
    wait_for(browser, expected_conditions.presence_of_element_located((By.TAG_NAME, "h1")))
    for path in [
        "/urzad/rejestry/",
        "/urzad/rejestry/uchwaly-rady/",
        "/urzad/rejestry/uchwaly-rady/1/",
        "/urzad/rejestry/uchwaly-rady/1/zmien/",
        "/urzad/rejestry/uchwaly-rady/nowy/",
        "/urzad/rejestry/rejestr-umow/import/",
    ]:
        browser.get(browser_server.unit(UNIT_A["slug"], path))
        wait_for(browser, expected_conditions.presence_of_element_located((By.TAG_NAME, "h1")))
        check_page(browser, language)
    # A new record sent empty: the errors are shown accessibly.
    browser.get(browser_server.unit(UNIT_A["slug"], "/urzad/rejestry/uchwaly-rady/nowy/"))
    browser.find_element(By.CSS_SELECTOR, ".form-actions button[type=submit]").click()
    wait_for(browser, expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".error-summary")))
    check_page(browser, language)
