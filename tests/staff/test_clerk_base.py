"""The office's menu (staff/clerk_base.html): what each member of staff finds in it."""

import pytest
from django.conf import settings

from shared_services.identity.access import StaffRole
from tests.support.accounts import signed_in, staff_account
from tests.support.letters import TORUN

pytestmark = pytest.mark.django_db


def menu_of(client, path="/urzad/skrzynka/"):
    page = client.get(path, HTTP_HOST=TORUN).content.decode()
    start = page.index('<nav class="console-nav"')
    return page[start : page.index("</nav>", start)]


def test_a_unit_administrator_finds_the_payment_settings_and_report_in_the_menu(client, unit_a):
    signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))
    menu = menu_of(client)
    assert '<a href="/urzad/platnosci/">Płatności</a>' in menu
    assert '<a href="/urzad/platnosci/#payment-report">Raport płatności</a>' in menu
    assert '<a href="/urzad/platnosci/" aria-current="page">Płatności</a>' in menu_of(client, "/urzad/platnosci/")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    menu = menu_of(client)
    assert '<a href="/urzad/platnosci/">Payments</a>' in menu
    assert '<a href="/urzad/platnosci/#payment-report">Payment report</a>' in menu


@pytest.mark.parametrize("role", [StaffRole.CLERK, StaffRole.DEPARTMENT_HEAD])
def test_other_staff_do_not_see_the_payment_pages_they_may_not_open(client, unit_a, role):
    signed_in(client, unit_a, staff_account(unit_a, "urzednik", role))
    assert "/urzad/platnosci/" not in menu_of(client)
    assert client.get("/urzad/platnosci/", HTTP_HOST=TORUN).status_code == 403


def test_a_success_message_says_so_in_a_word_and_an_icon_not_in_the_alarm_colour(client, unit_a):
    import json

    from tests.eforms.test_definition import HALL_RENTAL

    signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))
    data = {"name": "Wynajem sali", "slug": "wynajem-sali", "json_schema": json.dumps(HALL_RENTAL), "layout": ""}
    page = client.post("/urzad/formularze/nowy/", data, HTTP_HOST=TORUN, follow=True).content.decode()
    message = page[page.index('<p class="message') : page.index("</p>", page.index('<p class="message'))]
    assert message.startswith('<p class="message success">')
    assert '<strong class="message-kind"><svg class="message-icon"' in message and "Gotowe:</strong>" in message
    assert 'aria-hidden="true"' in message  # the icon is decoration; the word says it
    assert "Zapisano wersję 1 formularza." in message
