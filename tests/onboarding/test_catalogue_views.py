"""The regional catalogue's cards in the operators' console: the list, the editor, the draft → review →
publish flow, the diff, retiring, the history, the audit log, and who may use any console page at all."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django_tenants.utils import tenant_context

from onboarding.models import OperatorAction, OperatorActionKind
from shared_services.catalogue.models import StandardService, StandardServiceVersion, VersionStatus
from shared_services.eforms.models import Submission
from shared_services.offer.models import AdoptedService
from shared_services.offer.services import offer_adopt_defaults
from tests.support.accounts import local_account, signed_in
from tests.support.letters import LETTER, TORUN, application_file

pytestmark = pytest.mark.django_db
PORTAL = {"HTTP_HOST": "localhost"}
SLUG = "wydanie-dowodu-osobistego"
CARD = f"/konsola/katalog/karty/{SLUG}/"


@pytest.fixture
def operator(client):
    user = get_user_model().objects.create_user(
        "kc:5b9f0f7e-0000-4000-8000-00000000000b", "redaktorka@woj.example", is_staff=True
    )
    signed_in(client, None, user)
    return user


def text_of(response) -> str:
    return response.content.decode()


def either(body: str, polish: str, english: str) -> bool:
    """The page says it in Polish, or in English where the Polish catalogue does not have the message yet."""
    return polish in body or english in body


def editor_data(service: StandardService, **changes) -> dict:
    """What the editor sends for the published card unchanged, with `changes` typed over it."""
    card = service.published
    data = {
        "name": card.name,
        "name_en": card.name_en,
        "short_description": card.short_description,
        "description": card.description,
        "who_may_apply": card.who_may_apply,
        "legal_basis": "\n".join(card.legal_basis),
        "required_documents": "\n".join(card.required_documents),
        "fee_kind": card.fee_kind,
        "fee_amount": f"{card.fee_grosze // 100},{card.fee_grosze % 100:02d}",
        "fee_description": card.fee_description,
        "fee_exemptions": card.fee_exemptions,
        "deadline_days": "" if card.deadline_days is None else str(card.deadline_days),
        "deadline_description": card.deadline_description,
        "appeal": card.appeal,
        "where_to_file": card.where_to_file,
        "jrwa": card.jrwa,
        "maturity_level": str(card.maturity_level),
        "categories": [str(pk) for pk in card.categories.values_list("pk", flat=True)],
        "life_events": [str(pk) for pk in card.life_events.values_list("pk", flat=True)],
        "unit_kinds": card.unit_kinds,
        "keywords": "\n".join(card.keywords),
        "form": str(card.form_id or ""),
        "change_note": "Poprawka opisu.",
    }
    data.update(changes)
    return data


@pytest.fixture
def visitor():
    """A resident's browser, apart from the operator's."""
    return Client()


def service() -> StandardService:
    return StandardService.objects.select_related("published").get(slug=SLUG)


def edit(client, **changes):
    return client.post(f"{CARD}edycja/", editor_data(service(), **changes), **PORTAL)


class TestList:
    def test_lists_cards_with_their_status_and_how_many_units_offer_them(self, full_catalogue, client, operator):
        edit(client, short_description="Nowy krótki opis.")
        body = text_of(client.get("/konsola/katalog/karty/", **PORTAL))
        row = re.search(rf'<tr>\s*<th scope="row"><a href="{CARD}">.*?</tr>', body, re.S).group(0)
        assert "Wydanie dowodu osobistego" in row and "opublikowana" in row
        assert either(row, "wersja robocza (wersja 2)", "draft of version 2")
        assert "<td>2</td>" in row  # Toruń and Lubicz offer it

    @pytest.mark.parametrize(
        ("typed", "expected"),
        [
            ("becikowe", "Jednorazowa zapomoga z tytułu urodzenia się dziecka"),  # a colloquial name
            ("meldunek", "Zameldowanie na pobyt stały"),
            ("zameldowanei", "Zameldowanie na pobyt stały"),  # a typing mistake
            ("slub", "Złożenie zapewnienia o braku przeszkód"),  # no diacritics
        ],
    )
    def test_search_forgives_like_the_residents_search(self, full_catalogue, client, operator, typed, expected):
        body = text_of(client.get("/konsola/katalog/karty/", {"q": typed}, **PORTAL))
        first = re.search(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', body).group(1)
        assert first.startswith(expected[:20]), first

    def test_filters_by_category_life_event_unit_kind_maturity_and_status(self, full_catalogue, client, operator):
        def names(**filters):
            body = text_of(client.get("/konsola/katalog/karty/", filters, **PORTAL))
            return set(re.findall(r'<th scope="row"><a href="/konsola/katalog/karty/([^/]+)/">', body))

        every = StandardService.objects.count()
        assert len(names()) == min(every, 50)
        in_category = names(category="stan-cywilny")
        assert in_category and all(
            service.published.categories.filter(slug="stan-cywilny").exists()
            for service in StandardService.objects.filter(slug__in=in_category)
        )
        assert "rejestracja-pojazdu" not in in_category
        assert SLUG in names(life_event="utrata-dokumentow")
        assert names(unit_kind="wojewodztwo") == set(
            StandardService.objects.filter(published__unit_kinds__contains=["wojewodztwo"]).values_list(
                "slug", flat=True
            )
        )
        level = service().published.maturity_level
        assert SLUG in names(maturity_level=level) and SLUG not in names(maturity_level=level % 5 + 1)
        assert names(status="draft") == set() and names(status="retired") == set()
        edit(client, short_description="Zmieniony opis.")
        assert names(status="draft") == {SLUG}
        client.post(f"{CARD}do-przegladu/", **PORTAL)
        assert names(status="review") == {SLUG} and names(status="draft") == set()
        client.post(f"{CARD}wycofaj/", {"reason": "Usługa przeniesiona do gov.pl."}, **PORTAL)
        assert names(status="retired") == {SLUG} and SLUG not in names(status="published")

    def test_bad_filters_are_ignored_not_an_error(self, full_catalogue, client, operator):
        response = client.get(
            "/konsola/katalog/karty/", {"maturity_level": "x", "status": "?", "page": "999", "q": "a" * 500}, **PORTAL
        )
        assert response.status_code == 200
        # Only the bad value is dropped: the category still filters.
        body = text_of(
            client.get("/konsola/katalog/karty/", {"category": "stan-cywilny", "maturity_level": "x"}, **PORTAL)
        )
        assert "Rejestracja pojazdu" not in body and "Rejestracja urodzenia dziecka" in body

    def test_the_list_costs_a_fixed_number_of_queries(
        self, full_catalogue, client, operator, django_assert_num_queries
    ):
        client.get("/konsola/katalog/karty/", **PORTAL)
        # the schema, session, user, the filters' categories and life events, count, page of cards (with their
        # status and how many units offer them)
        with django_assert_num_queries(7):
            assert client.get("/konsola/katalog/karty/", {"status": "published"}, **PORTAL).status_code == 200
        with django_assert_num_queries(8):  # and the search's first tier
            assert client.get("/konsola/katalog/karty/", {"q": "meldunek"}, **PORTAL).status_code == 200


class TestEditorAndFlow:
    def test_draft_review_publish_reaches_every_unit_at_once(
        self, full_catalogue, client, operator, visitor, unit_a, unit_b
    ):
        before = service().published
        page = text_of(client.get(f"{CARD}edycja/", **PORTAL))
        assert (
            either(page, "Synonimy i nazwy potoczne", "Synonyms and colloquial names") and "dowód osobisty" in page
        )  # the keywords, one per line
        assert visitor.get(f"/uslugi/{SLUG}/", HTTP_HOST=TORUN).status_code == 200

        saved = edit(client, short_description="Nowy dowód wydaje każdy urząd gminy w Polsce.", fee_amount="0")
        assert saved.status_code == 302 and saved["Location"] == f"{CARD}zmiany/"
        draft = StandardServiceVersion.objects.get(service__slug=SLUG, status=VersionStatus.DRAFT)
        assert (draft.number, draft.created_by) == (before.number + 1, "redaktorka@woj.example")
        # Residents still read the published card.
        card = text_of(visitor.get(f"/uslugi/{SLUG}/", HTTP_HOST=TORUN))
        assert "każdy urząd gminy w Polsce" not in card

        diff = text_of(client.get(f"{CARD}zmiany/", **PORTAL))
        assert "<ins>" in diff and "każdy" in diff and either(diff, "[dodano:", "[added:")

        assert client.post(f"{CARD}do-przegladu/", **PORTAL).status_code == 302
        draft.refresh_from_db()
        assert draft.status == VersionStatus.IN_REVIEW and draft.submitted_by == "redaktorka@woj.example"
        # In review, the editor is closed.
        assert client.get(f"{CARD}edycja/", **PORTAL)["Location"] == CARD
        assert edit(client, name="Inna nazwa").status_code == 302
        assert StandardServiceVersion.objects.get(pk=draft.pk).name == before.name

        publish_page = text_of(client.get(f"{CARD}publikuj/", **PORTAL))
        assert re.search(r"\b2 (units|jednostk)", publish_page) and "każdy" in publish_page
        assert client.post(f"{CARD}publikuj/", **PORTAL).status_code == 302
        published = service().published
        assert published.pk == draft.pk and published.published_by == "redaktorka@woj.example"
        assert StandardServiceVersion.objects.get(pk=before.pk).status == VersionStatus.SUPERSEDED
        for host in (TORUN, "lubicz.localhost"):
            assert "każdy urząd gminy w Polsce" in text_of(visitor.get(f"/uslugi/{SLUG}/", HTTP_HOST=host))

        history = text_of(client.get(CARD, **PORTAL))
        assert f"/wersje/{before.number}/" in history and "Poprawka opisu." in history
        old = text_of(client.get(f"{CARD}wersje/{before.number}/", **PORTAL))
        assert before.short_description in old  # read-only: nothing on the page changes the card
        assert 'action="/konsola/katalog' not in old and "<textarea" not in old

        actions = list(
            OperatorAction.objects.filter(details__slug=SLUG).order_by("id").values_list("action", "details")
        )
        assert [action for action, _ in actions] == ["card_draft", "card_submit", "card_publish"]
        assert all(details["version"] == draft.number and details["slug"] == SLUG for _, details in actions)
        assert actions[-1][1]["units_reached"] == 2
        assert not OperatorAction.objects.filter(details__slug=SLUG).exclude(unit=None).exists()

    def test_a_new_keyword_is_found_once_published(self, full_catalogue, client, operator, visitor, unit_a):
        assert "dowod" not in text_of(visitor.get("/szukaj/", {"q": "plastikowa legitymacja"}, HTTP_HOST=TORUN))
        edit(client, keywords="dowód osobisty\nplastikowa legitymacja")
        client.post(f"{CARD}do-przegladu/", **PORTAL)
        client.post(f"{CARD}publikuj/", **PORTAL)
        results = text_of(visitor.get("/szukaj/", {"q": "plastikowa legitymacja"}, HTTP_HOST=TORUN))
        assert f"/uslugi/{SLUG}/" in results

    def test_a_reviewer_returns_the_version_with_a_note_and_the_author_reads_it(self, full_catalogue, client, operator):
        edit(client, description="Nowy opis.")
        client.post(f"{CARD}do-przegladu/", **PORTAL)
        refused = client.post(f"{CARD}zwroc/", {"note": "  "}, **PORTAL)
        assert refused.status_code == 302
        assert StandardServiceVersion.objects.get(service__slug=SLUG, status__in=["draft", "review"]).status == "review"
        client.post(f"{CARD}zwroc/", {"note": "Brakuje podstawy prawnej."}, **PORTAL)
        draft = StandardServiceVersion.objects.get(service__slug=SLUG, status__in=["draft", "review"])
        assert draft.status == VersionStatus.DRAFT and draft.submitted_at is None
        assert "Brakuje podstawy prawnej." in text_of(client.get(CARD, **PORTAL))
        # Editable again; only a version in review can be published.
        assert edit(client, description="Nowy opis, poprawiony.").status_code == 302
        assert client.post(f"{CARD}publikuj/", **PORTAL).status_code == 302
        assert service().published.number == draft.number - 1
        returned = OperatorAction.objects.get(action=OperatorActionKind.CARD_RETURN)
        assert returned.details == {"slug": SLUG, "version": draft.number, "note": "Brakuje podstawy prawnej."}

    def test_discarding_a_draft_leaves_the_published_card(self, full_catalogue, client, operator):
        edit(client, name="Szkic do wyrzucenia")
        assert client.post(f"{CARD}odrzuc/", **PORTAL)["Location"] == CARD
        assert not StandardServiceVersion.objects.filter(service__slug=SLUG, status="draft").exists()
        assert service().published.name == "Wydanie dowodu osobistego"
        assert OperatorAction.objects.filter(action=OperatorActionKind.CARD_DISCARD, details__slug=SLUG).exists()

    def test_a_new_card_is_a_draft_nobody_sees_until_published(self, full_catalogue, client, operator, unit_a):
        data = editor_data(service(), slug="nowa-karta-testowa", name="Nowa karta testowa", change_note="Nowa.")
        response = client.post("/konsola/katalog/karty/nowa/", data, **PORTAL)
        assert response.status_code == 302 and response["Location"] == "/konsola/katalog/karty/nowa-karta-testowa/"
        created = StandardService.objects.get(slug="nowa-karta-testowa")
        assert created.published is None and created.versions.get().status == VersionStatus.DRAFT
        new_card = "/konsola/katalog/karty/nowa-karta-testowa/"
        for page in ("", "edycja/", "zmiany/", "wersje/1/"):  # a card never published has every page
            assert client.get(new_card + page, **PORTAL).status_code == 200, page
        edit_page = text_of(client.get(new_card + "edycja/", **PORTAL))
        assert "Nowa karta testowa" in edit_page and 'name="slug"' not in edit_page  # the address stays
        assert "Nowa karta testowa" in text_of(client.get("/konsola/katalog/karty/", {"q": "nowa karta"}, **PORTAL))
        again = client.post("/konsola/katalog/karty/nowa/", data, **PORTAL)
        assert again.status_code == 400 and either(text_of(again), "już istnieje", "exists already")
        # Discarding its only draft removes the card.
        client.post("/konsola/katalog/karty/nowa-karta-testowa/odrzuc/", **PORTAL)
        assert not StandardService.objects.filter(slug="nowa-karta-testowa").exists()


class TestValidation:
    @pytest.mark.parametrize(
        ("changes", "field", "message"),
        [
            ({"name": ""}, "name", "To pole jest wymagane."),
            ({"fee_amount": "dużo"}, "fee_amount", "Podaj kwotę"),
            ({"fee_amount": "17,555"}, "fee_amount", ""),
            ({"fee_amount": "-5"}, "fee_amount", ""),
            ({"fee_kind": "none", "fee_amount": "17"}, "fee_amount", ""),
            ({"jrwa": "53a"}, "jrwa", ""),
            ({"maturity_level": "9"}, "maturity_level", ""),
            ({"deadline_days": "-1"}, "deadline_days", ""),
            ({"deadline_days": "abc"}, "deadline_days", ""),
            ({"categories": []}, "categories", "To pole jest wymagane."),
            ({"categories": ["999999"]}, "categories", ""),
            ({"unit_kinds": ["gmina_marsjanska"]}, "unit_kinds", ""),
            ({"legal_basis": "\n \n"}, "legal_basis", "To pole jest wymagane."),
            ({"required_documents": ""}, "required_documents", "To pole jest wymagane."),
            ({"required_documents": "\n".join(f"dokument {i}" for i in range(70))}, "required_documents", ""),
            ({"keywords": "x" * 1200}, "keywords", ""),
            ({"description": "x" * 10_001}, "description", ""),
            ({"form": "999999"}, "form", ""),
            ({"change_note": ""}, "change_note", "To pole jest wymagane."),
        ],
    )
    def test_bad_input_is_explained_in_polish_and_nothing_is_saved(
        self, full_catalogue, client, operator, changes, field, message
    ):
        response = edit(client, **changes)
        assert response.status_code == 400
        body = text_of(response)
        assert 'class="error-summary"' in body and f'id="id_{field}_error"' in body
        assert message in body
        assert not StandardServiceVersion.objects.filter(service__slug=SLUG, status="draft").exists()

    def test_a_fee_is_typed_in_zloty_and_kept_in_grosze(self, full_catalogue, client, operator):
        edit(client, fee_kind="oplata_skarbowa", fee_amount="17,50 zł")
        assert StandardServiceVersion.objects.get(service__slug=SLUG, status="draft").fee_grosze == 1750
        assert 'value="17,50"' in text_of(client.get(f"{CARD}edycja/", **PORTAL))

    def test_unknown_cards_and_versions_are_404(self, full_catalogue, client, operator):
        assert client.get("/konsola/katalog/karty/nie-ma-takiej/", **PORTAL).status_code == 404
        assert client.get(f"{CARD}wersje/99/", **PORTAL).status_code == 404
        assert (
            client.post("/konsola/katalog/karty/nie-ma-takiej/wycofaj/", {"reason": "x"}, **PORTAL).status_code == 404
        )

    def test_actions_without_an_open_version_say_so(self, full_catalogue, client, operator):
        for action in ("do-przegladu", "zwroc", "odrzuc"):
            response = client.post(f"{CARD}{action}/", {"note": "x"}, **PORTAL)
            assert response.status_code == 302
        assert client.get(f"{CARD}publikuj/", **PORTAL).status_code == 302
        assert client.get(f"{CARD}zmiany/", **PORTAL).status_code == 302
        assert service().versions.count() == 1


class TestRetiring:
    def test_retired_card_is_no_longer_offered_to_residents_and_units_keep_their_history(
        self, full_catalogue, client, operator, visitor, unit_a
    ):
        filed = application_file(visitor, f"/uslugi/{SLUG}/wniosek/", {**LETTER, "tresc": "Wniosek."}, HTTP_HOST=TORUN)
        assert filed.status_code == 302
        refused = client.post(f"{CARD}wycofaj/", {"reason": " "}, **PORTAL)
        assert refused.status_code == 400 and "To pole jest wymagane." in text_of(refused)
        assert service().retired_at is None

        client.post(f"{CARD}wycofaj/", {"reason": "Wnioski składa się teraz w gov.pl."}, **PORTAL)
        card = visitor.get(f"/uslugi/{SLUG}/", HTTP_HOST=TORUN)
        assert card.status_code == 410
        assert either(text_of(card), "nie jest już świadczona", "no longer offered") and "gov.pl" in text_of(card)
        form = visitor.get(f"/uslugi/{SLUG}/wniosek/", HTTP_HOST=TORUN)
        assert form.status_code == 410
        again = application_file(visitor, f"/uslugi/{SLUG}/wniosek/", {**LETTER, "tresc": "Drugi."}, HTTP_HOST=TORUN)
        assert again.status_code == 410
        assert SLUG not in text_of(visitor.get("/szukaj/", {"q": "dowód osobisty"}, HTTP_HOST=TORUN))
        assert SLUG not in text_of(visitor.get("/kategorie/sprawy-obywatelskie/", HTTP_HOST=TORUN))
        with tenant_context(unit_a):
            assert Submission.objects.count() == 1  # the case filed earlier stays, and no second one
            assert AdoptedService.objects.filter(standard_service__slug=SLUG, enabled=True).exists()

        client.post(f"{CARD}przywroc/", **PORTAL)
        assert visitor.get(f"/uslugi/{SLUG}/", HTTP_HOST=TORUN).status_code == 200
        kinds = list(OperatorAction.objects.filter(details__slug=SLUG).values_list("action", flat=True).order_by("id"))
        assert kinds == ["card_retire", "card_restore"]
        assert (
            OperatorAction.objects.get(action="card_retire").details["reason"] == "Wnioski składa się teraz w gov.pl."
        )


# --- Who may use the console: every page, including those other parts of the console add -------------------


def _console_patterns(resolver=None, prefix="/konsola/"):
    """(path, pattern name) of every URL pattern of the console's URLconf and what it includes, with each
    parameter filled with a plausible value."""
    resolver = resolver or get_resolver("onboarding.console_urls")
    for entry in resolver.url_patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _console_patterns(entry, prefix + route)
        elif isinstance(entry, URLPattern):
            filled = re.sub(r"<int:[^>]+>", "1", route)
            filled = re.sub(r"<[^>]+>", "0463011", filled)
            yield prefix + filled, entry.name


CONSOLE_PAGES = list(_console_patterns())


def test_the_walk_finds_the_catalogue_pages():
    names = {name for _, name in CONSOLE_PAGES}
    assert {"console-units", "console-cards", "console-card-publish", "console-card-retire"} <= names


@pytest.mark.parametrize(("path", "name"), CONSOLE_PAGES, ids=[name for _, name in CONSOLE_PAGES])
def test_every_console_page_refuses_clerks_residents_and_anonymous_visitors(client, unit_a, path, name):
    before = OperatorAction.objects.count(), StandardService.objects.count()
    # Anonymous: sent to sign in (a page that takes only POST may first say 405).
    for method in (client.get, client.post):
        response = method(path, **PORTAL)
        assert response.status_code in (302, 405), (name, response.status_code)
        if response.status_code == 302:
            assert response["Location"].startswith("/oidc/logowanie/"), name
    # A resident: signed in on the platform, not an operator.
    signed_in(client, None, get_user_model().objects.create_user("mieszkaniec-konsola", password="x"))
    for method in (client.get, client.post):
        assert method(path, **PORTAL).status_code in (403, 405), name
    client.logout()
    # A clerk: their account and session live in their unit's schema; the platform does not know them, and the
    # console does not exist on the unit's subdomain.
    with tenant_context(unit_a):
        clerk = local_account(role="clerk")
    signed_in(client, unit_a, clerk)
    for method in (client.get, client.post):
        response = method(path, **PORTAL)
        assert response.status_code in (302, 405) and "/oidc/logowanie/" in response.get("Location", "/oidc/logowanie/")
        assert method(path, HTTP_HOST=TORUN).status_code == 404
    assert (OperatorAction.objects.count(), StandardService.objects.count()) == before


class TestRetiredCardsAreNotAdopted:
    def test_onboarding_and_offices_do_not_adopt_a_retired_card(self, full_catalogue, client, operator, unit_a):
        client.post(f"{CARD}wycofaj/", {"reason": "Nieaktualna."}, **PORTAL)
        with tenant_context(unit_a):
            AdoptedService.objects.filter(standard_service__slug=SLUG).delete()
            offer_adopt_defaults(unit_kind=unit_a.kind)
            assert not AdoptedService.objects.filter(standard_service__slug=SLUG).exists()
