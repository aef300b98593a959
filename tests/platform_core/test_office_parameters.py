"""What the office's pages read from their address or from the rows a page sent back is checked by a form first:
a value that cannot be read gets a 400 saying why (in Polish; checked here in English, the source language), never
a 500, and the page's permission is checked before anything is read (issue 15, item 4)."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone, translation

from platform_core.forms import BoundedDateField, YearField, row_ids
from shared_services.identity.access import StaffRole
from shared_services.inbox.correspondence_forms import LetterForm
from tests.support.accounts import signed_in, staff_account
from tests.support.letters import TORUN

pytestmark = pytest.mark.django_db
YEAR_MESSAGE = "Give a year from 1900 to 2999."
DATE_MESSAGE = "Give a date in a year from 1900 to 2999."


@pytest.fixture
def admin(client, unit_a):
    signed_in(client, unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


class TestTheRegistersYear:
    @pytest.mark.parametrize("year", ["abc", "2026.5", "²", "١٩٩٩٩", "99999999999999999999", "1899", "3000"])
    def test_a_year_that_cannot_be_read_is_explained_above_this_years_register(self, admin, year):
        response = admin.get("/urzad/rejestr/", {"rok": year}, HTTP_HOST=TORUN)
        page = response.content.decode()
        assert response.status_code == 400
        assert YEAR_MESSAGE in page and 'class="error-summary"' in page and "<title>Error:" in page
        assert f"Register of incoming correspondence {timezone.localdate().year}" in page

    @pytest.mark.parametrize(("year", "shown"), [("2025", 2025), ("", timezone.localdate().year)])
    def test_a_year_is_shown_and_none_means_this_year(self, admin, year, shown):
        response = admin.get("/urzad/rejestr/", {"rok": year}, HTTP_HOST=TORUN)
        assert response.status_code == 200
        assert f"Register of incoming correspondence {shown}" in response.content.decode()

    def test_a_clerk_is_refused_before_the_year_is_read(self, client, unit_a):
        signed_in(client, unit_a, staff_account(unit_a, "urzednik", StaffRole.CLERK))
        response = client.get("/urzad/rejestr/", {"rok": "²"}, HTTP_HOST=TORUN)
        assert response.status_code == 403
        client.logout()
        assert client.get("/urzad/rejestr/", {"rok": "²"}, HTTP_HOST=TORUN).status_code == 302  # to sign in


@pytest.mark.parametrize(("since", "until"), [("2026-01-01", "9999-12-31"), ("0001-01-01", "2026-01-01")])
def test_the_payment_report_refuses_a_day_out_of_the_calendars_reach(admin, since, until):
    response = admin.get(
        "/urzad/platnosci/raport/",
        {"report-date_from": since, "report-date_to": until, "report-format": "csv"},
        HTTP_HOST=TORUN,
    )
    assert response.status_code == 400 and DATE_MESSAGE in response.content.decode()


@pytest.mark.parametrize("deadline", ["9999-12-31", "0001-01-01"])
def test_a_letters_deadline_must_leave_room_to_move_it(deadline):
    # Waiting for the resident moves a case's deadline on by the days waited: 9999-12-31 would have no next day.
    form = LetterForm(
        {
            "channel": "paper",
            "received_on": timezone.localdate().isoformat(),
            "sender_name": "Jan Nowak",
            "subject": "Wniosek",
            "deadline": deadline,
        },
        case_required=False,
    )
    with translation.override("en"):
        assert not form.is_valid() and form.errors["deadline"][0].startswith("Give a date in a year from")


@pytest.mark.parametrize("value", ["²", "١", "1.0", "-1", "1" * 19, "a\x00b"])
def test_ticked_rows_that_are_not_ids_are_refused(admin, value):
    bulk = admin.post("/urzad/skrzynka/zaznaczone/", {"action": "print", "sprawa": ["1", value]}, HTTP_HOST=TORUN)
    assert bulk.status_code == 400
    assert "Some of the ticked cases are not among the cases you may see." in bulk.content.decode()
    read = admin.post("/urzad/powiadomienia/przeczytane/", {"notification": value}, HTTP_HOST=TORUN)
    assert read.status_code == 400 and "Choose a notification to mark as read." in read.content.decode()


def test_adopting_a_service_by_something_that_is_not_a_slug_finds_none(admin):
    assert admin.post("/urzad/uslugi/", {"adopt": "a\x00b"}, HTTP_HOST=TORUN).status_code == 404


def test_the_shared_fields():
    assert row_ids(["1", "042", "9" * 18]) == [1, 42, int("9" * 18)]
    for bad in (["²"], ["-1"], [""], ["9" * 19]):
        with pytest.raises(ValueError):
            row_ids(bad)
    assert YearField(required=False).clean(" 2026 ") == 2026
    assert BoundedDateField().clean("2999-12-31") == datetime.date(2999, 12, 31)
