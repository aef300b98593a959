"""The office's pages of a case's and a letter's places: the clerk adds, corrects and removes places (audited), sees
the lookup's status and the flag of a parcel outside the unit — and nobody else sees or changes any of it."""

import pytest
from django_tenants.utils import tenant_context

from shared_services.audit.models import AuditEntry
from shared_services.identity.access import StaffRole
from shared_services.places import services
from shared_services.places.models import Place, Resolution
from tests.places.factories import case_make
from tests.support.accounts import local_account, signed_in, staff_account
from tests.support.letters import LUBICZ, TORUN

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(unit_a):
    with tenant_context(unit_a):
        return case_make()


@pytest.fixture
def admin(unit_a):
    return staff_account(unit_a, "admin", StaffRole.UNIT_ADMIN)


def _url(case):
    return f"/urzad/sprawy/{case.pk}/miejsca/"


def test_a_clerk_adds_corrects_and_removes_places_each_audited(client, unit_a, case, admin):
    signed_in(client, unit_a, admin)
    added = client.post(_url(case), {"op": "add", "parcel": "046301_1.0012.123/4"}, HTTP_HOST=TORUN)
    assert added.status_code == 302
    with tenant_context(unit_a):
        place = Place.objects.get(case=case)
        assert (place.identifier, place.status, place.added_by_id) == ("046301_1.0012.123/4", "pending", admin.pk)
    page = client.get(_url(case), HTTP_HOST=TORUN).content.decode()
    assert "046301_1.0012.123/4" in page and "place-status-pending" in page
    corrected = client.post(
        _url(case), {"op": "correct", "place": place.pk, "parcel": "041504_2.0008.112/3"}, HTTP_HOST=TORUN
    )
    assert corrected.status_code == 302
    page = client.get(_url(case), HTTP_HOST=TORUN).content.decode()
    assert "041504_2.0008.112/3" in page and "place-outside" in page  # Lubicz's parcel in Toruń's case
    removed = client.post(_url(case), {"op": "remove", "place": place.pk}, HTTP_HOST=TORUN)
    assert removed.status_code == 302
    with tenant_context(unit_a):
        assert not Place.objects.filter(case=case).exists()
        actions = list(
            AuditEntry.objects.filter(target__startswith=f"case:{case.pk}/place:").values_list("action", flat=True)
        )
    assert actions == ["place.add", "place.correct", "place.remove"]


def test_a_bad_identifier_is_explained_not_stored(client, unit_a, case, admin):
    signed_in(client, unit_a, admin)
    response = client.post(_url(case), {"op": "add", "parcel": "123/4"}, HTTP_HOST=TORUN)
    assert response.status_code == 400
    assert "WWPPGG_R.OOOO.NR" in response.content.decode()
    with tenant_context(unit_a):
        assert not Place.objects.exists()


def test_the_status_of_a_lookup_is_shown_to_the_clerk(client, unit_a, case, admin, dev_uldk):
    with tenant_context(unit_a):
        place = services.place_add({"kind": "parcel", "parcel": "046301_1.0012.123/4"}, actor="test", case=case)
        dev_uldk.outage = True
        services.place_resolve(place.pk)
    signed_in(client, unit_a, admin)
    page = client.get(_url(case), HTTP_HOST=TORUN).content.decode()
    assert "usługa nie odpowiedziała 1 raz" in page  # Polish, the office's default language
    dev_uldk.outage = False
    with tenant_context(unit_a):
        services.place_resolve(place.pk)
    page = client.get(_url(case), HTTP_HOST=TORUN).content.decode()
    assert "place-status-resolved" in page and "Toruń-Starówka" in page


def test_a_letters_places_are_kept_with_it_and_its_case(client, unit_a, case, admin):
    signed_in(client, unit_a, admin)
    entry = case.register_entry
    url = f"/urzad/rejestr/{entry.pk}/miejsca/"
    response = client.post(url, {"op": "add", "locality": "Toruń", "street": "Szeroka", "number": "1"}, HTTP_HOST=TORUN)
    assert response.status_code == 302
    with tenant_context(unit_a):
        place = Place.objects.get()
    assert (place.register_entry_id, place.case_id, place.kind) == (entry.pk, case.pk, "address")
    assert "Toruń, Szeroka 1" in client.get(url, HTTP_HOST=TORUN).content.decode()


def test_another_units_staff_residents_and_visitors_see_none_of_it(client, unit_a, unit_b, case, admin):
    with tenant_context(unit_a):
        place = services.place_add({"kind": "parcel", "parcel": "046301_1.0012.123/4"}, actor="test", case=case)
    letter_url = f"/urzad/rejestr/{case.register_entry.pk}/miejsca/"
    # A visitor: to sign in.
    for url in (_url(case), letter_url):
        assert client.get(url, HTTP_HOST=TORUN).status_code == 302
        assert client.post(url, {"op": "remove", "place": place.pk}, HTTP_HOST=TORUN).status_code == 302
    # A resident of the unit: refused.
    with tenant_context(unit_a):
        resident = local_account(email="mieszkaniec@example.pl")
    signed_in(client, unit_a, resident)
    for url in (_url(case), letter_url):
        assert client.get(url, HTTP_HOST=TORUN).status_code == 403
        assert client.post(url, {"op": "remove", "place": place.pk}, HTTP_HOST=TORUN).status_code == 403
    # Another unit's administrator, on their own unit's address: there is no such case there.
    client.logout()
    signed_in(client, unit_b, staff_account(unit_b, "wojt", StaffRole.UNIT_ADMIN))
    for url in (_url(case), letter_url):
        assert client.get(url, HTTP_HOST=LUBICZ).status_code == 404
        assert client.post(url, {"op": "remove", "place": place.pk}, HTTP_HOST=LUBICZ).status_code == 404
    # A clerk of the unit who was not given the case.
    client.logout()
    signed_in(client, unit_a, staff_account(unit_a, "urzednik", StaffRole.CLERK))
    assert client.get(_url(case), HTTP_HOST=TORUN).status_code == 404
    assert client.post(_url(case), {"op": "remove", "place": place.pk}, HTTP_HOST=TORUN).status_code == 404
    with tenant_context(unit_a):
        assert Place.objects.filter(pk=place.pk).exists()
    with tenant_context(unit_b):
        assert not Place.objects.exists()  # and the other unit's schema holds none of it


def test_a_place_of_another_case_cannot_be_changed_through_this_one(client, unit_a, case, admin):
    with tenant_context(unit_a):
        other = case_make()
        foreign = services.place_add({"kind": "parcel", "parcel": "046301_1.0012.1"}, actor="test", case=other)
    signed_in(client, unit_a, admin)
    assert client.post(_url(case), {"op": "remove", "place": foreign.pk}, HTTP_HOST=TORUN).status_code == 404
    with tenant_context(unit_a):
        assert Place.objects.filter(pk=foreign.pk, status=Resolution.PENDING).exists()
