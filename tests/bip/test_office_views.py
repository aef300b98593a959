"""The office's BIP at /urzad/bip/: administrators and department heads publish, change, schedule, withdraw
and keep the menu and the editorial office; clerks, another unit's staff, residents and anonymous visitors
cannot. Bad input is a 400 with the form, never a 500."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_services.audit.selectors import audit_entries
from shared_services.bip.models import Editor, Publication, Section
from shared_services.bip.selectors import published_publications
from shared_services.identity.access import StaffRole
from tests.bip.conftest import item_publish
from tests.support.accounts import local_account, signed_in, staff_account
from tests.support.letters import LUBICZ, TORUN

pytestmark = pytest.mark.django_db


def _new_item(section_pk, **changes):
    data = {
        "section": section_pk,
        "title": "Ogłoszenie o naborze na stanowisko podinspektora",
        "summary": "",
        "body": "Burmistrz ogłasza nabór.",
        "produced_by": "Wydział Organizacyjny",
        "produced_on": "2026-12-01",
        "entered_by": "Kierownik",
        "published_at": "",
        "publish": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def head(bip_a):
    return staff_account(bip_a, "kierownik", StaffRole.DEPARTMENT_HEAD)


def test_a_department_head_publishes_changes_and_withdraws_an_item(client, bip_a, head):
    signed_in(client, bip_a, head)
    with tenant_context(bip_a):
        section = Section.objects.get(key="nabor-na-stanowiska")
    response = client.post("/urzad/bip/nowa/", _new_item(section.pk), HTTP_HOST=TORUN)
    assert response.status_code == 302
    with tenant_context(bip_a):
        publication = Publication.objects.get()
        assert published_publications().filter(pk=publication.pk).exists()
    detail = f"/urzad/bip/pozycje/{publication.pk}/"
    assert "Burmistrz ogłasza nabór." in client.get(detail, HTTP_HOST=TORUN).content.decode()
    changed = _new_item(section.pk, body="Termin przedłużony.", change_note="Przedłużono termin")
    assert client.post(f"{detail}zmien/", changed, HTTP_HOST=TORUN).status_code == 302
    withdraw = {"reason": "Nabór unieważniony", "entered_by": "Kierownik"}
    assert client.post(f"{detail}wycofaj/", withdraw, HTTP_HOST=TORUN).status_code == 302
    with tenant_context(bip_a):
        assert [v.kind for v in publication.versions.order_by("number")] == ["created", "changed", "withdrawn"]
        actions = {entry.action for entry in audit_entries(target=f"bip_publication:{publication.pk}")}
        assert actions == {"bip.publish", "bip.change", "bip.withdraw"}


def test_scheduling_a_draft_and_previewing_write_nothing_public(client, bip_a, head):
    signed_in(client, bip_a, head)
    with tenant_context(bip_a):
        section = Section.objects.get(key="prawo-lokalne")
    preview = client.post("/urzad/bip/nowa/", {**_new_item(section.pk), "preview": ""}, HTTP_HOST=TORUN)
    assert preview.status_code == 200 and "Burmistrz ogłasza nabór." in preview.content.decode()
    later = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    assert (
        client.post("/urzad/bip/nowa/", _new_item(section.pk, published_at=later), HTTP_HOST=TORUN).status_code == 302
    )
    draft = {**_new_item(section.pk, title="Projekt"), "draft": ""}
    del draft["publish"]
    assert client.post("/urzad/bip/nowa/", draft, HTTP_HOST=TORUN).status_code == 302
    with tenant_context(bip_a):
        assert Publication.objects.count() == 2
        assert not published_publications().exists()
    listing = client.get("/urzad/bip/", HTTP_HOST=TORUN).content.decode()
    assert "Projekt" in listing and "Ogłoszenie o naborze" in listing


@pytest.mark.parametrize(
    "changes",
    [
        {"title": ""},
        {"produced_on": "jutro"},
        {"produced_on": "2999-01-01"},
        {"published_at": "2001-01-01T10:00"},
        {"section": "999999"},
        {"withheld_scope": "dane osobowe"},  # without the legal basis and who decided
        {"title": "x" * 301},
    ],
)
def test_bad_input_is_refused_with_400_and_nothing_saved(client, bip_a, head, changes):
    signed_in(client, bip_a, head)
    with tenant_context(bip_a):
        section = Section.objects.get(key="prawo-lokalne")
    response = client.post("/urzad/bip/nowa/", _new_item(section.pk, **changes), HTTP_HOST=TORUN)
    assert response.status_code == 400
    with tenant_context(bip_a):
        assert not Publication.objects.exists()


def test_withdrawing_without_a_reason_is_400(client, bip_a, head):
    signed_in(client, bip_a, head)
    with tenant_context(bip_a):
        publication = item_publish(bip_a)
    response = client.post(f"/urzad/bip/pozycje/{publication.pk}/wycofaj/", {"entered_by": "K"}, HTTP_HOST=TORUN)
    assert response.status_code == 400


def test_the_menu_and_the_editorial_office_are_kept_in_the_office(client, bip_a, head):
    signed_in(client, bip_a, head)
    added = {"key": "sport", "title": "Sport i rekreacja", "title_en": "Sport", "visible": "on"}
    assert client.post("/urzad/bip/menu/", added, HTTP_HOST=TORUN).status_code == 302
    assert client.post("/urzad/bip/menu/", added, HTTP_HOST=TORUN).status_code == 400  # the key is taken
    assert client.post("/urzad/bip/menu/", {**added, "key": "Zła Nazwa"}, HTTP_HOST=TORUN).status_code == 400
    assert "Sport i rekreacja" in client.get("/bip/", HTTP_HOST=TORUN).content.decode()
    office = {"name": "Redakcja BIP", "address": "ul. Rynek 1, 87-100 Toruń", "phone": "56 000 00 00", "email": "x"}
    assert client.post("/urzad/bip/redakcja/", office, HTTP_HOST=TORUN).status_code == 400
    office["email"] = "bip@torun.example"
    assert client.post("/urzad/bip/redakcja/", office, HTTP_HOST=TORUN).status_code == 302
    editor = {"name": "Ewa Nowa", "phone": "abc", "email": "ewa@torun.example"}
    assert client.post("/urzad/bip/redakcja/redaktorzy/nowy/", editor, HTTP_HOST=TORUN).status_code == 400
    editor["phone"] = "+48 56 611 00 00"
    assert client.post("/urzad/bip/redakcja/redaktorzy/nowy/", editor, HTTP_HOST=TORUN).status_code == 302
    body = client.get("/bip/redakcja/", HTTP_HOST=TORUN).content.decode()
    assert "ul. Rynek 1" in body and "Ewa Nowa" in body
    with tenant_context(bip_a):
        for each in Editor.objects.all()[1:]:
            each.delete()
        last = Editor.objects.get()
    client.post(f"/urzad/bip/redakcja/redaktorzy/{last.pk}/usun/", HTTP_HOST=TORUN)
    with tenant_context(bip_a):
        assert Editor.objects.exists()


def test_clerks_residents_other_units_staff_and_anonymous_cannot_edit(client, bip_a, bip_b):
    with tenant_context(bip_a):
        publication = item_publish(bip_a)
        section = Section.objects.get(key="prawo-lokalne")
    pages = [
        "/urzad/bip/",
        "/urzad/bip/nowa/",
        f"/urzad/bip/pozycje/{publication.pk}/",
        f"/urzad/bip/pozycje/{publication.pk}/zmien/",
        "/urzad/bip/menu/",
        "/urzad/bip/redakcja/",
    ]
    response = client.get(pages[0], HTTP_HOST=TORUN)
    assert response.status_code == 302 and "oidc" in response["Location"]  # anonymous: sign in first
    clerk = staff_account(bip_a, "urzednik", StaffRole.CLERK)
    with tenant_context(bip_a):
        resident = local_account(email="mieszkaniec@example.pl")
    other_admin = staff_account(bip_b, "admin-lubicz", StaffRole.UNIT_ADMIN)
    for user, unit in ((clerk, bip_a), (resident, bip_a), (other_admin, bip_b)):
        client.logout()
        signed_in(client, unit, user)
        for page in pages:
            assert client.get(page, HTTP_HOST=TORUN).status_code in (302, 403), page
        client.post("/urzad/bip/nowa/", _new_item(section.pk), HTTP_HOST=TORUN)
        client.post(
            f"/urzad/bip/pozycje/{publication.pk}/wycofaj/", {"reason": "x", "entered_by": "x"}, HTTP_HOST=TORUN
        )
    with tenant_context(bip_a):
        assert Publication.objects.count() == 1 and not Publication.objects.get().withdrawn
    # Lubicz's administrator on Lubicz's own office sees only Lubicz's items.
    signed_in(client, bip_b, other_admin)
    body = client.get("/urzad/bip/", HTTP_HOST=LUBICZ).content.decode()
    assert "Zarządzenie nr 12/2026" not in body
    assert client.get(f"/urzad/bip/pozycje/{publication.pk}/", HTTP_HOST=LUBICZ).status_code == 404


def test_the_office_sees_a_scheduled_version_and_cancels_it(client, bip_a, head):
    signed_in(client, bip_a, head)
    with tenant_context(bip_a):
        publication = item_publish(bip_a, published_at=timezone.now() + timedelta(days=2))
    detail = f"/urzad/bip/pozycje/{publication.pk}/"
    body = client.get(detail, HTTP_HOST=TORUN).content.decode()
    assert "anuluj-harmonogram" in body
    assert "Version 1 is scheduled" in body or "Wersja 1 jest zaplanowana" in body
    assert client.post(f"{detail}anuluj-harmonogram/", HTTP_HOST=TORUN).status_code == 302
    assert client.post(f"{detail}anuluj-harmonogram/", HTTP_HOST=TORUN).status_code == 302  # nothing left: a message
    with tenant_context(bip_a):
        assert publication.versions.get().published_at is None


def test_the_office_discards_a_draft(client, bip_a, head):
    signed_in(client, bip_a, head)
    with tenant_context(bip_a):
        draft = item_publish(bip_a, draft=True)
    response = client.post(f"/urzad/bip/pozycje/{draft.pk}/odrzuc-szkic/", HTTP_HOST=TORUN)
    assert response.status_code == 302 and response["Location"] == "/urzad/bip/"
    with tenant_context(bip_a):
        assert not Publication.objects.exists()
        published = item_publish(bip_a)
    assert client.post(f"/urzad/bip/pozycje/{published.pk}/odrzuc-szkic/", HTTP_HOST=TORUN).status_code == 302
    with tenant_context(bip_a):
        assert Publication.objects.filter(pk=published.pk).exists()
