"""The office's notifications at /urzad/powiadomienia/ and the choice of e-mails, for staff and residents
(notifications/views.py): each person sees and marks only their own; nobody else — another member of staff,
another unit's staff, residents, anonymous visitors — sees or changes them; the header counts them in one query."""

import pytest
from django.contrib.auth.models import User
from django_tenants.utils import tenant_context

from shared_services.audit.models import AuditEntry
from shared_services.identity.access import StaffRole
from shared_services.notifications.models import Kind, Notification, NotificationPreferences
from shared_services.notifications.services import notify
from tests.support.accounts import local_account, signed_in, staff_account
from tests.support.cases import cases_filed
from tests.support.letters import LUBICZ, TORUN

pytestmark = pytest.mark.django_db

LIST = "/urzad/powiadomienia/"
READ = "/urzad/powiadomienia/przeczytane/"
PREFERENCES = "/urzad/powiadomienia/ustawienia/"


@pytest.fixture
def office(unit_a):
    """A clerk with two notifications (one per staff kind) and a colleague with one of their own."""
    head = staff_account(unit_a, "kierownik", StaffRole.DEPARTMENT_HEAD)
    clerk = staff_account(unit_a, "urzednik", StaffRole.CLERK)
    colleague = staff_account(unit_a, "kolega", StaffRole.CLERK)
    with tenant_context(unit_a):
        first, second = cases_filed(2, sender_name="Anna Kowalska", subject="Wycinka drzewa")
        mine = [
            notify(recipient=clerk, kind=Kind.CASE_ASSIGNED, case=first, email="", actor=head),
            notify(recipient=clerk, kind=Kind.RESIDENT_ANSWERED, case=second, email=""),
        ]
        theirs = notify(recipient=colleague, kind=Kind.CASE_ASSIGNED, case=second, email="", actor=head)
    return {
        "clerk": clerk,
        "colleague": colleague,
        "head": head,
        "mine": mine,
        "theirs": theirs,
        "cases": (first, second),
    }


def unread(unit, notification) -> bool:
    with tenant_context(unit):
        return Notification.objects.get(pk=notification.pk).read_at is None


class TestList:
    def test_the_list_shows_ones_own_notifications_linking_to_the_case_and_the_header_counts_them(
        self, office, client, unit_a
    ):
        signed_in(client, unit_a, office["clerk"])
        page = client.get(LIST, HTTP_HOST=TORUN).content.decode()
        first, second = office["cases"]
        assert f'href="/urzad/sprawy/{first.pk}/"' in page and f'href="/urzad/sprawy/{second.pk}/"' in page
        assert "przydzielił(a) Ci sprawę" in page and "Mieszkaniec odpowiedział" in page
        assert page.count('name="notification"') == 2  # the colleague's is not here
        assert '<span class="unread-count">2<span class="visually-hidden"> nieprzeczytane' in page
        start = client.get("/urzad/", HTTP_HOST=TORUN).content.decode()
        assert '<span class="unread-count">2<' in start and 'href="/urzad/powiadomienia/"' in start

    def test_marking_one_then_all_as_read(self, office, client, unit_a):
        signed_in(client, unit_a, office["clerk"])
        first, second = office["mine"]
        response = client.post(READ, {"notification": first.pk}, HTTP_HOST=TORUN)
        assert response.status_code == 302 and response["Location"] == LIST
        assert not unread(unit_a, first) and unread(unit_a, second)
        page = client.get(LIST, HTTP_HOST=TORUN).content.decode()
        assert "Oznaczono 1 powiadomienie jako przeczytane." in page and '"unread-count">1<' in page
        client.post(READ, {"all": "1"}, HTTP_HOST=TORUN)
        assert not unread(unit_a, second)
        assert unread(unit_a, office["theirs"])  # everyone's "all" is their own
        assert "unread-count" not in client.get(LIST, HTTP_HOST=TORUN).content.decode()

    def test_a_bad_choice_is_explained(self, office, client, unit_a):
        signed_in(client, unit_a, office["clerk"])
        for data in ({}, {"notification": "abc"}):
            response = client.post(READ, data, HTTP_HOST=TORUN)
            assert response.status_code == 400
            assert "Wybierz powiadomienie do oznaczenia jako przeczytane." in response.content.decode()

    def test_a_colleague_neither_sees_nor_marks_someone_elses(self, office, client, unit_a):
        signed_in(client, unit_a, office["colleague"])
        page = client.get(LIST, HTTP_HOST=TORUN).content.decode()
        assert page.count('name="notification"') == 1 and f'value="{office["theirs"].pk}"' in page
        for notification in office["mine"]:
            assert client.post(READ, {"notification": notification.pk}, HTTP_HOST=TORUN).status_code == 404
            assert unread(unit_a, notification)
        # Nor with one of their own beside it: all or nothing.
        mixed = {"notification": [office["theirs"].pk, office["mine"][0].pk]}
        assert client.post(READ, mixed, HTTP_HOST=TORUN).status_code == 404
        assert unread(unit_a, office["theirs"]) and unread(unit_a, office["mine"][0])

    def test_residents_anonymous_visitors_and_another_units_staff_are_refused(self, office, client, unit_a, unit_b):
        target = {"notification": office["mine"][0].pk}
        assert client.get(LIST, HTTP_HOST=TORUN).status_code == 302  # to sign in
        assert client.post(READ, {"all": "1"}, HTTP_HOST=TORUN).status_code == 302
        with tenant_context(unit_a):
            resident = local_account(email="anna@example.pl")
        with tenant_context(unit_b):
            resident_of_lubicz = local_account(email="ewa@example.pl")
        for unit, person in ((unit_a, resident), (unit_b, resident_of_lubicz)):
            signed_in(client, unit, person)
            host = TORUN if unit == unit_a else LUBICZ
            assert client.get(LIST, HTTP_HOST=host).status_code == 403
            assert client.post(READ, {"all": "1"}, HTTP_HOST=host).status_code == 403
            assert client.get(PREFERENCES, HTTP_HOST=host).status_code == 403
        lubicz_admin = staff_account(unit_b, "wojt", StaffRole.UNIT_ADMIN)
        signed_in(client, unit_b, lubicz_admin)
        assert "Wycinka drzewa" not in client.get(LIST, HTTP_HOST=LUBICZ).content.decode()
        assert client.post(READ, target, HTTP_HOST=LUBICZ).status_code == 404
        client.post(READ, {"all": "1"}, HTTP_HOST=LUBICZ)
        assert all(unread(unit_a, notification) for notification in (*office["mine"], office["theirs"]))

    def test_the_list_takes_the_same_queries_however_many_notifications(
        self, office, client, unit_a, django_assert_num_queries
    ):
        signed_in(client, unit_a, office["clerk"])
        client.get(LIST, HTTP_HOST=TORUN)  # warm the session, the unit's host and the header's count
        # the unit's search path, session, user, role, the pages' count, the page of notifications with their cases,
        # entries and who assigned them; the header's count (unread) comes from the cache
        with django_assert_num_queries(6):
            client.get(LIST, HTTP_HOST=TORUN)
        with tenant_context(unit_a):
            for case in cases_filed(10, first_number=3):
                notify(recipient=office["clerk"], kind=Kind.CASE_ASSIGNED, case=case, email="", actor=office["head"])
        with django_assert_num_queries(7):  # and the header's count once more: new notifications changed it
            page = client.get(LIST, HTTP_HOST=TORUN).content.decode()
        assert page.count('name="notification"') == 12 and '"unread-count">12<' in page


class TestPreferences:
    def test_staff_switch_an_e_mail_off_and_the_change_is_audited(self, office, client, unit_a):
        signed_in(client, unit_a, office["clerk"])
        page = client.get(PREFERENCES, HTTP_HOST=TORUN).content.decode()
        assert page.count("checked") == 2 and "ktoś przydzieli mi sprawę" in page
        response = client.post(
            PREFERENCES,
            {"notifications-emails": [Kind.RESIDENT_ANSWERED], "notifications-language": "en"},
            HTTP_HOST=TORUN,
        )
        assert response.status_code == 302
        with tenant_context(unit_a):
            preferences = NotificationPreferences.objects.get(user=office["clerk"])
            entry = AuditEntry.objects.get(action="notifications.preferences")
        assert (preferences.emails_off, preferences.language) == ([Kind.CASE_ASSIGNED], "en")
        assert entry.target == f"user:{office['clerk'].pk}" and entry.after["emails_off"] == [Kind.CASE_ASSIGNED]
        assert entry.before == {"emails_off": [], "language": "pl"}

    def test_a_bad_language_is_explained(self, office, client, unit_a):
        signed_in(client, unit_a, office["clerk"])
        response = client.post(PREFERENCES, {"notifications-language": "xx"}, HTTP_HOST=TORUN)
        assert response.status_code == 400 and "Wybierz poprawną wartość" in response.content.decode()
        with tenant_context(unit_a):
            assert not NotificationPreferences.objects.exists()

    def test_a_resident_chooses_on_the_account_page_without_touching_the_staff_kinds(self, office, client, unit_a):
        with tenant_context(unit_a):
            NotificationPreferences.objects.create(user=office["clerk"], emails_off=[Kind.CASE_ASSIGNED])
        # A member of staff who is also a resident of the unit: the account page holds the resident's side.
        signed_in(client, unit_a, office["clerk"])
        account = client.get("/konto/", HTTP_HOST=TORUN).content.decode()
        assert "E-maile o moich sprawach" in account and "urząd odpowie w mojej sprawie" in account
        response = client.post(
            "/konto/powiadomienia/",
            {"notifications-emails": [Kind.OFFICE_REQUESTED], "notifications-language": "pl"},
            HTTP_HOST=TORUN,
        )
        assert response.status_code == 302 and response["Location"] == "/konto/"
        with tenant_context(unit_a):
            preferences = NotificationPreferences.objects.get(user=office["clerk"])
        assert sorted(preferences.emails_off) == [Kind.CASE_ASSIGNED, Kind.OFFICE_REPLIED]

    def test_a_residents_choice_is_their_own_and_needs_signing_in(self, client, unit_a, unit_b):
        with tenant_context(unit_a):
            resident = local_account(email="anna@example.pl")
            other = local_account(email="jan@example.pl")
        data = {"notifications-language": "pl"}  # every e-mail off
        assert client.post("/konto/powiadomienia/", data, HTTP_HOST=TORUN).status_code == 302  # to sign in
        signed_in(client, unit_a, resident)
        assert client.post("/konto/powiadomienia/", data, HTTP_HOST=TORUN).status_code == 302
        with tenant_context(unit_a):
            assert sorted(NotificationPreferences.objects.get(user=resident).emails_off) == [
                Kind.OFFICE_REPLIED,
                Kind.OFFICE_REQUESTED,
            ]
            assert not NotificationPreferences.objects.filter(user=other).exists()
            assert User.objects.filter(pk=resident.pk).exists()
        with tenant_context(unit_b):
            assert not NotificationPreferences.objects.exists()  # Lubicz keeps its own people's choices


def test_the_header_count_is_each_units_and_each_persons_own_though_their_ids_are_the_same(office, unit_a, unit_b):
    from django.test import Client

    from shared_services.identity.services import role_apply
    from shared_services.notifications.services import notifications_read

    # Each unit numbers its accounts on its own: Lubicz's clerk has the id of Toruń's clerk, who has two unread.
    with tenant_context(unit_b):
        User.objects.filter(pk=office["clerk"].pk).delete()
        lubicz_clerk = User.objects.create(pk=office["clerk"].pk, username="lubicz", email="lubicz@urzad.example")
        role_apply(lubicz_clerk, StaffRole.CLERK)
    torun, lubicz = Client(), Client()
    signed_in(torun, unit_a, office["clerk"])
    signed_in(lubicz, unit_b, lubicz_clerk)
    for _ in range(2):  # counted, then from the cache
        assert '"unread-count">2<' in torun.get("/urzad/", HTTP_HOST=TORUN).content.decode()
        assert "unread-count" not in lubicz.get("/urzad/", HTTP_HOST=LUBICZ).content.decode()
    signed_in(torun, unit_a, office["colleague"])
    assert '"unread-count">1<' in torun.get("/urzad/", HTTP_HOST=TORUN).content.decode()
    with tenant_context(unit_a):
        notifications_read(user=office["colleague"])
    assert "unread-count" not in torun.get("/urzad/", HTTP_HOST=TORUN).content.decode()
