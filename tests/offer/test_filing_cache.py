"""The filing cache (shared_services/offer/filing_cache.py): a warm form page reads its service without a
query, every change to what filing reads (the unit's fee, a newly published card or form) counts at the next
request, and units never read each other's entries."""

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context, tenant_context

from shared_services.catalogue.models import StandardForm, StandardService
from shared_services.catalogue.services import service_draft_create, service_version_publish
from shared_services.eforms.models import Submission
from shared_services.eforms.services import form_version_create
from shared_services.offer import filing_cache
from shared_services.offer.models import AdoptedService
from shared_services.offer.services import offer_localise, offerings_rebuild
from tests.support.letters import FORM_URL, LETTER, LUBICZ, TORUN, application_file

pytestmark = pytest.mark.django_db
SLUG = "wydanie-dowodu-osobistego"  # free as standard; its form is the general letter (pismo-ogolne)


def warm(client, host):
    """The very first request starts the generations; the next one stores the entry."""
    for _ in range(2):
        assert client.get(FORM_URL, HTTP_HOST=host).status_code == 200


def fee_charged(client, unit, host) -> int:
    """File the letter on `host` and return the fee its payment was created with (0: no payment)."""
    assert application_file(client, FORM_URL, LETTER, HTTP_HOST=host).status_code == 302
    with tenant_context(unit):
        submission = Submission.objects.select_related("payment").latest("submitted_at")
        return submission.payment.amount_grosze if hasattr(submission, "payment") else 0


def localise_fee(unit, grosze):
    with tenant_context(unit):
        offer_localise(adopted=AdoptedService.objects.get(standard_service__slug=SLUG), fee_override_grosze=grosze)


def test_a_warm_form_page_reads_no_service(full_catalogue, client, unit_a):
    warm(client, TORUN)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(FORM_URL, HTTP_HOST=TORUN).status_code == 200
    assert not [query for query in captured.captured_queries if "offer_adoptedservice" in query["sql"]]


def test_a_fee_the_unit_sets_is_charged_from_the_next_application(full_catalogue, client, unit_a):
    warm(client, TORUN)
    assert fee_charged(client, unit_a, TORUN) == 0
    localise_fee(unit_a, 1700)
    assert fee_charged(client, unit_a, TORUN) == 1700
    localise_fee(unit_a, None)  # back to the standard's (free)
    assert fee_charged(client, unit_a, TORUN) == 0


def test_a_newly_published_card_and_form_are_shown_at_once(full_catalogue, client, unit_a):
    warm(client, TORUN)
    assert "Wydanie dowodu osobistego" in client.get(FORM_URL, HTTP_HOST=TORUN).content.decode()
    with schema_context("public"):
        service = StandardService.objects.get(slug=SLUG)
        service_version_publish(version=service_draft_create(service=service, changes={"name": "Dowód osobisty"}))
        form = StandardForm.objects.select_related("current").get(slug="pismo-ogolne")
        schema = {**form.current.json_schema, "title": "Pismo do urzędu, wersja nowa"}
        form_version_create(form=form, json_schema=schema, layout=form.current.layout)
    page = client.get(FORM_URL, HTTP_HOST=TORUN).content.decode()
    assert "Usługa: Dowód osobisty." in page and "Pismo do urzędu, wersja nowa" in page


def test_units_never_read_each_others_entries(full_catalogue, client, unit_a, unit_b):
    localise_fee(unit_a, 1100)
    localise_fee(unit_b, 2500)
    warm(client, TORUN)
    warm(client, LUBICZ)
    with CaptureQueriesContext(connection) as captured:
        assert fee_charged(client, unit_a, TORUN) == 1100
        assert fee_charged(client, unit_b, LUBICZ) == 2500
    assert not [query for query in captured.captured_queries if "offer_adoptedservice" in query["sql"]]  # cached


def test_a_unit_loaded_from_its_archive_is_read_afresh(full_catalogue, client, unit_a):
    warm(client, TORUN)
    with tenant_context(unit_a):
        # An archive's rows are loaded without the ORM's signals; the import then rebuilds the unit's offer.
        AdoptedService.objects.filter(standard_service__slug=SLUG).update(fee_override_grosze=900)
        offerings_rebuild()
    assert fee_charged(client, unit_a, TORUN) == 900


def test_the_token_written_before_commit_is_replaced_once_after_commit(
    full_catalogue, client, unit_a, django_capture_on_commit_callbacks
):
    warm(client, TORUN)
    key = filing_cache._unit_generation_key(unit_a.pk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        localise_fee(unit_a, 1300)
        localise_fee(unit_a, 1400)
        interim = caches["offer"].get(key, version=filing_cache._KEY_VERSION)
        # A request now, which may read the rows as they were before commit, stores them under `interim`.
        assert client.get(FORM_URL, HTTP_HOST=TORUN).status_code == 200
        assert caches["offer"].get(f"to-file:{unit_a.pk}:standard:{SLUG}", version=filing_cache._KEY_VERSION)
    assert len([callback for callback in callbacks if getattr(callback, "generation_key", None) == key]) == 1
    assert caches["offer"].get(key, version=filing_cache._KEY_VERSION) not in (None, interim)  # retired


def unreachable(*args, **kwargs):
    raise ConnectionError("the cache is unreachable")


def test_a_cache_failure_after_commit_is_logged_and_the_other_callbacks_run(
    unit_a, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    ran = []
    with tenant_context(unit_a), django_capture_on_commit_callbacks(execute=True):
        filing_cache.unit_offer_changed()
        transaction.on_commit(lambda: ran.append("the next callback"))
        monkeypatch.setattr(filing_cache._cache().signed, "set", unreachable)  # gone by the time of the commit
    assert ran == ["the next callback"]
    assert "the cache is unreachable" in caplog.text


def test_a_unit_without_own_services_searches_only_the_standard_ones_until_it_adds_one(full_catalogue, unit_a):
    from shared_services.offer.models import UnitService
    from shared_services.offer.selectors import OWN, service_search
    from shared_services.offer.services import unit_service_save

    def own_found(text):
        return [result.slug for result in service_search(text) if result.kind == OWN]

    with tenant_context(unit_a):
        service_search("wynajem sali")  # counts the unit's services: none of its own
        with CaptureQueriesContext(connection) as captured:
            assert not own_found("wynajem sali")
        assert not [query for query in captured.captured_queries if "offer_unitservice" in query["sql"]]
        unit_service_save(
            service=UnitService(
                slug="wynajem-sali", name="Wynajem sali w ratuszu", short_description="Sala na 50 osób."
            )
        )
        assert own_found("wynajem sali") == ["wynajem-sali"]
