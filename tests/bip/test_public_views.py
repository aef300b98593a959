"""The public BIP at /bip/: the elements the BIP regulation requires on the page, published items with their
metadata, versions and change register, the search, and nothing unpublished — drafts and scheduled items stay
hidden, and another unit's host does not show them."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_services.bip.services import publication_change, publication_withdraw
from tests.bip.conftest import item_publish
from tests.support.letters import LUBICZ, TORUN

pytestmark = pytest.mark.django_db


def _get(client, path, host=TORUN, status=200):
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == status, path
    return response.content.decode()


def test_the_home_page_has_every_element_the_regulation_requires(client, bip_a):
    body = _get(client, "/bip/")
    assert "/static/bip/bip-logo.svg" in body  # the BIP mark at the top, served by the platform
    assert 'alt="Biuletyn Informacji Publicznej' in body or 'alt="Public Information Bulletin' in body
    assert "ul. Wały gen. Sikorskiego 8" in body  # the editorial office's address
    assert "Anna Redaktorska" in body and "56 611 88 78" in body and "redaktor@example.pl" in body
    assert 'href="/bip/instrukcja/"' in body
    assert 'role="search"' in body and 'action="/bip/szukaj/"' in body
    assert 'href="/bip/dzial/prawo-lokalne/"' in body and "Deklaracja dostępności" in body  # the subject menu
    assert 'href="/bip/informacja-nieudostepniona/"' in body
    assert 'href="/bip/rejestr-zmian/"' in body
    for page in ("/bip/instrukcja/", "/bip/redakcja/", "/bip/informacja-nieudostepniona/", "/bip/rejestr-zmian/"):
        _get(client, page)


def test_the_unit_home_page_links_to_its_bip(client, bip_a):
    assert 'href="/bip/"' in _get(client, "/")


def test_an_item_shows_its_metadata_versions_and_change_register(client, bip_a):
    with tenant_context(bip_a):
        publication = item_publish(bip_a)
        publication_change(actor="kierownik", publication=publication, change_note="Poprawka", body="Nowa treść.")
    body = _get(client, f"/bip/pozycje/{publication.pk}/")
    assert "Nowa treść." in body and "Jan Kowalski, Wydział Organizacyjny" in body and "Anna Redaktorska" in body
    assert bip_a.name in body
    assert "Treść zarządzenia." in _get(client, f"/bip/pozycje/{publication.pk}/wersje/1/")
    changes = _get(client, f"/bip/pozycje/{publication.pk}/rejestr-zmian/")
    assert (
        f"/bip/pozycje/{publication.pk}/wersje/1/" in changes and f"/bip/pozycje/{publication.pk}/wersje/2/" in changes
    )
    assert "Poprawka" in _get(client, "/bip/rejestr-zmian/")
    assert "Zarządzenie nr 12/2026" in _get(client, "/bip/dzial/prawo-lokalne/")
    assert "Zarządzenie nr 12/2026" in _get(client, "/bip/szukaj/?q=regulaminu")


def test_a_withdrawn_item_shows_the_reason_and_stays_in_the_register(client, bip_a):
    with tenant_context(bip_a):
        publication = item_publish(bip_a)
        publication_withdraw(actor="k", publication=publication, reason="Uchylone przez wojewodę", entered_by="Anna")
    body = _get(client, f"/bip/pozycje/{publication.pk}/")
    assert "Uchylone przez wojewodę" in body and "Treść zarządzenia." not in body
    assert "Treść zarządzenia." in _get(client, f"/bip/pozycje/{publication.pk}/wersje/1/")
    assert "Zarządzenie nr 12/2026" not in _get(client, "/bip/dzial/prawo-lokalne/")
    assert "Uchylone przez wojewodę" in _get(client, "/bip/rejestr-zmian/")


def test_drafts_and_scheduled_items_are_not_public(client, bip_a):
    with tenant_context(bip_a):
        draft = item_publish(bip_a, title="Projekt tajny", draft=True)
        scheduled = item_publish(bip_a, title="Ogłoszenie jutrzejsze", published_at=timezone.now() + timedelta(days=1))
        published = item_publish(bip_a, title="Widoczne")
        publication_change(
            actor="k",
            publication=published,
            change_note="zmiana jutro",
            title="Widoczne jutro",
            published_at=timezone.now() + timedelta(days=1),
        )
    for pk in (draft.pk, scheduled.pk):
        _get(client, f"/bip/pozycje/{pk}/", status=404)
        _get(client, f"/bip/pozycje/{pk}/rejestr-zmian/", status=404)
        _get(client, f"/bip/pozycje/{pk}/wersje/1/", status=404)
    _get(client, f"/bip/pozycje/{published.pk}/wersje/2/", status=404)
    for page in ("/bip/", "/bip/dzial/prawo-lokalne/", "/bip/rejestr-zmian/", "/bip/szukaj/?q=jutr"):
        body = _get(client, page)
        assert "Projekt tajny" not in body and "Ogłoszenie jutrzejsze" not in body and "Widoczne jutro" not in body


def test_another_units_host_does_not_show_the_item(client, bip_a, bip_b):
    with tenant_context(bip_a):
        publication = item_publish(bip_a, title="Tylko Toruń")
    _get(client, f"/bip/pozycje/{publication.pk}/", host=LUBICZ, status=404)
    assert "Tylko Toruń" not in _get(client, "/bip/", host=LUBICZ)
    assert "Tylko Toruń" not in _get(client, "/bip/szukaj/?q=Toruń", host=LUBICZ)


def test_unknown_pages_and_bad_input_are_4xx(client, bip_a):
    _get(client, "/bip/dzial/nie-ma-takiego/", status=404)
    _get(client, "/bip/pozycje/999999/", status=404)
    _get(client, "/bip/szukaj/?q=" + "x" * 5000)
    _get(client, "/bip/rejestr-zmian/?strona=abc")
    _get(client, "/bip/subskrypcja/?key=bip:nie-ma", status=404)


def test_the_bip_home_page_costs_a_fixed_number_of_queries(client, bip_a, django_assert_num_queries):
    with tenant_context(bip_a):
        for number in range(3):
            item_publish(bip_a, title=f"Pozycja {number}")
    _get(client, "/bip/")  # warm the routing and branding caches
    with django_assert_num_queries(5):
        _get(client, "/bip/")


def test_an_item_page_costs_a_fixed_number_of_queries(client, bip_a, django_assert_num_queries):
    with tenant_context(bip_a):
        publication = item_publish(bip_a)
        publication_change(actor="k", publication=publication, change_note="Poprawka", body="Nowa treść.")
    path = f"/bip/pozycje/{publication.pk}/"
    _get(client, path)  # warm the routing and branding caches
    with django_assert_num_queries(5):
        _get(client, path)


def test_in_english_the_menu_and_the_lists_name_sections_in_english(client, bip_a):
    with tenant_context(bip_a):
        item_publish(bip_a)
    client.cookies["django_language"] = "en"
    body = _get(client, "/bip/")
    assert "Local law" in body and "Accessibility statement" in body
    assert "Prawo lokalne" not in body


def test_the_section_on_information_not_published_leads_to_its_page(client, bip_a):
    body = _get(client, "/bip/dzial/informacja-nieudostepniona/")
    assert body.count('href="/bip/informacja-nieudostepniona/"') == 2  # the menu's link, and the section's own
