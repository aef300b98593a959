"""People are named by the name from their identity claims (kept on the local account), else by e-mail; never by
the account's technical name `kc:<subject>` (identity.people.person_name)."""

import pytest
from django_tenants.utils import tenant_context

from shared_services.identity.access import StaffRole
from tests.support.accounts import local_account, signed_in, staff_account
from tests.support.letters import TORUN

pytestmark = pytest.mark.django_db


def named(unit, user, first_name: str, last_name: str):
    with tenant_context(unit):
        user.first_name, user.last_name = first_name, last_name
        user.save(update_fields=["first_name", "last_name"])
    return user


def test_the_staff_screen_names_each_member_and_never_by_subject(client, unit_a):
    admin = named(unit_a, staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN), "Ewa", "Zielińska")
    clerk = named(unit_a, staff_account(unit_a, "urzednik", StaffRole.CLERK), "Piotr", "Lis")
    unnamed = staff_account(unit_a, "bez.imienia", StaffRole.CLERK)
    signed_in(client, unit_a, admin)

    page = client.get("/urzad/pracownicy/", HTTP_HOST=TORUN).content.decode()

    assert "Ewa Zielińska" in page
    assert f'<a href="/urzad/pracownicy/{clerk.pk}/">Piotr Lis</a><br>urzednik@urzad.example</span>' in page
    assert "Usuń Piotr Lis z pracowników" in page
    assert "Usuń bez.imienia@urzad.example z pracowników" in page  # no name in the claims: the e-mail
    for person in (admin, clerk, unnamed):
        assert person.username not in page  # kc:<subject>


def test_a_resident_is_greeted_by_name_on_their_account_page(client, unit_a):
    with tenant_context(unit_a):
        resident = local_account(email="anna@example.org")
    named(unit_a, resident, "Anna", "Kowalska")
    signed_in(client, unit_a, resident)

    page = client.get("/konto/", HTTP_HOST=TORUN).content.decode()

    assert "Zalogowano jako Anna Kowalska." in page
    assert resident.username.startswith("kc:") and resident.username not in page


def test_a_resident_without_a_name_in_the_claims_is_greeted_by_e_mail(client, unit_a):
    with tenant_context(unit_a):
        resident = local_account(email="jan@example.org")
    signed_in(client, unit_a, resident)

    page = client.get("/konto/", HTTP_HOST=TORUN).content.decode()

    assert "Zalogowano jako jan@example.org." in page and resident.username not in page


def test_the_staff_screen_asks_the_database_as_often_for_many_members_as_for_few(
    client, unit_a, django_assert_num_queries
):
    admin = staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN)
    signed_in(client, unit_a, admin)
    client.get("/urzad/pracownicy/", HTTP_HOST=TORUN)  # the first request warms the unit's caches
    # The unit's search path, session, user, role; departments for the list and, through a server-side cursor,
    # for the invitation's choice; members, and their groups in one more (the header's count of unread notifications
    # is cached).
    with django_assert_num_queries(QUERIES_OF_THE_STAFF_SCREEN):
        assert client.get("/urzad/pracownicy/", HTTP_HOST=TORUN).status_code == 200
    for number in range(5):
        named(unit_a, staff_account(unit_a, f"urzednik{number}", StaffRole.CLERK), "Jan", f"Nowak{number}")
    with django_assert_num_queries(QUERIES_OF_THE_STAFF_SCREEN):
        page = client.get("/urzad/pracownicy/", HTTP_HOST=TORUN).content.decode()
    assert "Jan Nowak4" in page


QUERIES_OF_THE_STAFF_SCREEN = 8
