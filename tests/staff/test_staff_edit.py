"""The unit administrator edits a member of staff (/urzad/pracownicy/<id>/): name and role here and in Keycloak,
department here, one audit entry; nobody else may, and bad input or Keycloak away changes nothing."""

import pytest
from django.contrib.auth.models import User
from django_tenants.utils import tenant_context

from shared_services.audit.models import AuditEntry
from shared_services.identity.access import StaffRole, office_role
from shared_services.identity.provisioning import keycloak_admin
from shared_services.identity.services import local_username, role_apply
from shared_services.staff.models import Department, StaffMember
from tests.support.accounts import closed_port_url, kc_account, local_account, signed_in, staff_account
from tests.support.letters import LUBICZ, TORUN

pytestmark = pytest.mark.django_db


@pytest.fixture
def departments(unit_a):
    with tenant_context(unit_a):
        return {
            "SO": Department.objects.create(name="Wydział Spraw Obywatelskich", code="SO"),
            "FN": Department.objects.create(name="Wydział Podatków i Opłat", code="FN"),
        }


@pytest.fixture
def administrator(client, unit_a):
    admin = staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN)
    signed_in(client, unit_a, admin)
    return admin


def page_of(user) -> str:
    return f"/urzad/pracownicy/{user.pk}/"


def standing(unit, user):
    with tenant_context(unit):
        user = User.objects.select_related("staff_member__department").get(pk=user.pk)
        department = user.staff_member.department
        return user.first_name, user.last_name, office_role(user), department.code if department else None


def test_an_administrator_renames_a_clerk_makes_them_a_head_and_moves_them_here_and_in_keycloak(
    client, unit_a, departments, administrator
):
    subject = kc_account("edyta.zmiana", unit_roles={"torun": StaffRole.CLERK})
    with tenant_context(unit_a):
        clerk = User.objects.create(username=local_username(subject), email="edyta.zmiana@test.ratusz.example")
        role_apply(clerk, StaffRole.CLERK)
        StaffMember.objects.update_or_create(user=clerk, defaults={"department": departments["SO"]})
    page = client.get(page_of(clerk), HTTP_HOST=TORUN)
    assert page.status_code == 200 and "Wydział Spraw Obywatelskich (SO)" in page.content.decode()

    answer = client.post(
        page_of(clerk),
        {"first_name": "Edyta", "last_name": "Nowicka", "role": "department_head", "department": departments["FN"].pk},
        HTTP_HOST=TORUN,
        follow=True,
    )

    assert answer.redirect_chain == [("/urzad/pracownicy/", 302)]
    assert "Zapisano dane: Edyta Nowicka." in answer.content.decode()
    assert standing(unit_a, clerk) == ("Edyta", "Nowicka", StaffRole.DEPARTMENT_HEAD, "FN")
    account = keycloak_admin().get_user(subject)
    assert (account["firstName"], account["lastName"], account["email"]) == (
        "Edyta",
        "Nowicka",
        "edyta.zmiana@test.ratusz.example",  # the rest of the account as it was
    )
    assert {group["path"] for group in keycloak_admin().get_user_groups(subject)} == {"/units/torun/department_head"}
    with tenant_context(unit_a):
        entry = AuditEntry.objects.filter(action="staff.update").get()
    assert entry.target == f"user:{clerk.pk}"
    assert entry.before == {"first_name": "", "last_name": "", "role": "clerk", "department": "SO"}
    assert entry.after == {"first_name": "Edyta", "last_name": "Nowicka", "role": "department_head", "department": "FN"}


def test_the_member_page_offers_taking_them_off_the_staff_but_not_to_oneself(
    client, unit_a, departments, administrator
):
    clerk = staff_account(unit_a, "urzednik", StaffRole.CLERK, departments["SO"])
    remove = f'action="/urzad/pracownicy/{clerk.pk}/usun/"'
    assert remove in client.get(page_of(clerk), HTTP_HOST=TORUN).content.decode()
    assert "/usun/" not in client.get(page_of(administrator), HTTP_HOST=TORUN).content.decode()
    # The staff screen's own action (views.staff_member_remove) does the rest, tested with it.


def test_a_department_change_alone_does_not_need_keycloak(client, unit_a, departments, administrator, settings):
    clerk = staff_account(unit_a, "urzednik", StaffRole.CLERK, departments["SO"])
    settings.KEYCLOAK_SERVER_URL = closed_port_url()
    answer = client.post(page_of(clerk), {"role": "clerk", "department": departments["FN"].pk}, HTTP_HOST=TORUN)
    assert answer.status_code == 302
    assert standing(unit_a, clerk) == ("", "", StaffRole.CLERK, "FN")


def test_keycloak_away_changes_nothing_and_says_so(client, unit_a, departments, administrator, settings):
    clerk = staff_account(unit_a, "urzednik", StaffRole.CLERK, departments["SO"])
    settings.KEYCLOAK_SERVER_URL = closed_port_url()
    answer = client.post(
        page_of(clerk),
        {"first_name": "Piotr", "last_name": "Lis", "role": "clerk", "department": departments["FN"].pk},
        HTTP_HOST=TORUN,
    )
    assert answer.status_code == 503
    assert "Keycloak" in answer.content.decode()  # the Polish message is checked with the translations below
    assert standing(unit_a, clerk) == ("", "", StaffRole.CLERK, "SO")
    with tenant_context(unit_a):
        assert not AuditEntry.objects.filter(action="staff.update").exists()


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"role": "clerk", "department": ""}, "Kierownik wydziału i urzędnik pracują w wydziale."),
        ({"role": "department_head"}, "Kierownik wydziału i urzędnik pracują w wydziale."),
        ({"role": "burmistrz", "department": "SO"}, "Wybierz poprawną wartość."),
        ({"role": "clerk", "department": "999999"}, "Wybierz poprawną wartość."),
        ({"role": "clerk", "department": "SO", "last_name": "x" * 151}, "150"),
    ],
)
def test_bad_input_answers_400_with_a_reason_and_changes_nothing(
    client, unit_a, departments, administrator, data, problem
):
    clerk = staff_account(unit_a, "urzednik", StaffRole.CLERK, departments["SO"])
    if data.get("department") == "SO":
        data = {**data, "department": departments["SO"].pk}
    answer = client.post(page_of(clerk), data, HTTP_HOST=TORUN)
    assert answer.status_code == 400 and problem in answer.content.decode()
    assert standing(unit_a, clerk) == ("", "", StaffRole.CLERK, "SO")


def test_an_administrator_cannot_take_away_their_own_role(client, unit_a, departments, administrator):
    answer = client.post(page_of(administrator), {"role": "clerk", "department": departments["SO"].pk}, HTTP_HOST=TORUN)
    assert answer.status_code == 400 and "Nie możesz odebrać sobie roli administratora" in answer.content.decode()
    assert standing(unit_a, administrator)[2] == StaffRole.UNIT_ADMIN


def test_the_staff_screen_links_each_member_to_their_page(client, unit_a, departments, administrator):
    clerk = staff_account(unit_a, "urzednik", StaffRole.CLERK, departments["SO"])
    assert (
        f'<a href="/urzad/pracownicy/{clerk.pk}/">'
        in client.get("/urzad/pracownicy/", HTTP_HOST=TORUN).content.decode()
    )


@pytest.mark.parametrize("role", [StaffRole.CLERK, StaffRole.DEPARTMENT_HEAD])
def test_other_staff_may_not_edit_staff(client, unit_a, departments, role):
    clerk = staff_account(unit_a, "urzednik", StaffRole.CLERK, departments["SO"])
    signed_in(client, unit_a, staff_account(unit_a, "inny", role, departments["SO"]))
    assert client.get(page_of(clerk), HTTP_HOST=TORUN).status_code == 403
    data = {"role": "unit_admin", "department": ""}
    assert client.post(page_of(clerk), data, HTTP_HOST=TORUN).status_code == 403
    assert standing(unit_a, clerk)[2] == StaffRole.CLERK


def test_a_resident_and_an_anonymous_visitor_may_not_edit_staff(client, unit_a, departments):
    clerk = staff_account(unit_a, "urzednik", StaffRole.CLERK, departments["SO"])
    data = {"role": "unit_admin", "department": ""}
    anonymous = client.post(page_of(clerk), data, HTTP_HOST=TORUN)
    assert anonymous.status_code == 302 and "/oidc/logowanie/" in anonymous["Location"]
    with tenant_context(unit_a):
        resident = local_account()
    signed_in(client, unit_a, resident)
    assert client.get(page_of(clerk), HTTP_HOST=TORUN).status_code == 403
    assert client.post(page_of(clerk), data, HTTP_HOST=TORUN).status_code == 403
    assert standing(unit_a, clerk)[2] == StaffRole.CLERK


def test_another_units_administrator_reaches_nobody_here(client, unit_a, unit_b, departments):
    clerk = staff_account(unit_a, "urzednik", StaffRole.CLERK, departments["SO"])
    signed_in(client, unit_b, staff_account(unit_b, "admin", StaffRole.UNIT_ADMIN))
    data = {"role": "unit_admin", "department": ""}
    # On Lubicz's subdomain Toruń's people do not exist (ids are per schema: the same number is nobody or
    # somebody of Lubicz); on Toruń's, Lubicz's session means nothing.
    with tenant_context(unit_b):
        namesake = User.objects.filter(pk=clerk.pk).first()
    there = client.get(page_of(clerk), HTTP_HOST=LUBICZ)
    assert there.status_code == (200 if namesake else 404) and "urzednik@urzad.example" not in there.content.decode()
    assert client.post(page_of(clerk), data, HTTP_HOST=TORUN).status_code == 302
    assert standing(unit_a, clerk)[2] == StaffRole.CLERK
