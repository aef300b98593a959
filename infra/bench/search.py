"""`make bench-search`: how fast the Polish-aware search answers over a full regional catalogue.

A measurement, not a test: it prints figures and the target next to them, and never fails because the
target is missed (speed targets live in benchmarks, never in timed tests). Everything runs in a database
of its own, `ratusz_bench_search` (dropped first if it exists and at the end unless `--keep`), on the
embedded server or on the server of `DATABASE_URL`; the development and test databases are not touched.

    python -m infra.bench.search                 # 875 services, 30 rounds over every query
    python -m infra.bench.search --show          # also the top 3 services of each query, to tune ranking
    python -m infra.bench.search --rounds 10 --keep

Set-up, all through the project's services: the public schema is migrated; the standard catalogue is
loaded from its seed with its forms; it is enlarged to 875 published services (one real regional portal
lists 875) with cards generated from the seed's, published one by one (service_draft_create +
service_version_publish, which indexes them); one unit, Toruń, is created with unit_create and adopts
all of them.

Measured in the same run, wall clock per call (time.perf_counter), interleaved round by round so that a
slower moment of the machine is shared by every approach:
  a. `service_search(text)`, the unit's search selector, inside the unit's schema;
  b. the whole page: Django's test Client GET /szukaj/?q=… on the unit's host (routing, middleware,
     templates; the connection stays open between requests, as with CONN_MAX_AGE > 0);
  c. `regional_search(text)`, in the public schema;
  d. the baseline, what one writes without full-text search: the unit's offer filtered with
     name/short_description/description `icontains` each word (all words), in the same shape as (a).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass

from infra.bench.common import bench_session, timed, verdict

BENCH_DATABASE = "ratusz_bench_search"
FULL_CATALOGUE = 875  # published services of one real regional portal
UNIT = {"name": "Toruń", "code": "0463011", "kind": "miasto_na_prawach_powiatu", "slug": "torun"}
TARGET_P95_MS = 30.0
GENERATED_SLUG = "-wariant-"  # generated card: <seed slug>-wariant-<n>

# What residents type: with and without diacritics, inflected, single words and phrases.
QUERIES = [
    "zaswiadczenie o zameldowaniu",
    "zaświadczenie o zameldowaniu",
    "meldunek",
    "wymeldowanie",
    "dowód osobisty",
    "dowodu",
    "dowod osobisty",
    "zgubiłem dowód",
    "podatek od nieruchomości",
    "podatku rolnego",
    "podatek lesny",
    "wycinka drzew",
    "drzewa",
    "alkohol",
    "koncesja na alkohol",
    "rejestracja samochodu",
    "prawo jazdy",
    "prawa jazdy",
    "ślub",
    "slub",
    "akt urodzenia",
    "zgon",
    "informacja publiczna",
    "dodatek mieszkaniowy",
    "karta dużej rodziny",
    "karta duzej rodziny",
    "odpady",
    "śmieci",
    "działalność gospodarcza",
    "dzialalnosc gospodarcza",
    "pozwolenie na budowę",
    "warunki zabudowy",
    "wędkarska",
    "karta parkingowa",
    "pies",
    # Typing mistakes and colloquial names (issue 16): the trigram tier answers these.
    "zameldowanei",
    "zamledowanie",
    "dowod osobity",
    "podatek od nieruchomosic",
    "wycinka drzwe",
    "ślub w usc",
    "wuzetka",
    "becikowe",
]

# Variants a real catalogue lists besides the standard card: districts, channels, groups of applicants.
# Fifteen of them and at most fifteen copies of a seed card, so each generated name is unique.
QUALIFIERS = [
    "sprawy lokalne",
    "delegatura Podgórz",
    "delegatura Śródmieście",
    "punkt obsługi na Rubinkowie",
    "tryb przyspieszony",
    "sprawy przedsiębiorców",
    "sprawy cudzoziemców",
    "przez pełnomocnika",
    "sprawy archiwalne",
    "korekta wcześniejszego wniosku",
    "w imieniu osoby małoletniej",
    "wniosek elektroniczny",
    "obsługa w polskim języku migowym",
    "sprawy sprzed 2015 r.",
    "obsługa seniorów 65+",
]


# --- the database (no Django needed) --------------------------------------------------------------


def _django_setup(bench_url: str, cache_dir: str) -> None:
    """The normal settings, pointed at the bench database; read at import, so set before django.setup()."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "platform_core.settings"
    os.environ["DATABASE_URL"] = bench_url
    # As in production: no query log in memory, cached template loaders.
    os.environ["DEBUG"] = "False"
    # The test Client's host must pass ALLOWED_HOSTS whatever the shell exported.
    domain = os.environ.get("PLATFORM_DOMAIN", "localhost").lower().strip(".")
    os.environ["ALLOWED_HOSTS"] = f"{domain},.{domain}"
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # not one request log line per timed page
    # The host → unit cache: files of our own, not the developer's .data/cache (a set CACHE_URL is kept).
    os.environ.setdefault("CACHE_URL", f"filecache://{cache_dir}")
    import django

    django.setup()


# --- set-up through the project's services --------------------------------------------------------


def _migrate() -> None:
    from django.core.management import call_command

    # Units' schemas are copies of the template, which the first unit_create migrates.
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)


def _load_seed() -> dict:
    from shared_services.catalogue.services import form_definitions_read, seed_read, standard_catalogue_load

    return standard_catalogue_load(seed=seed_read(), form_definitions=form_definitions_read())


def _card_content(version) -> dict:
    """Everything a card says: its editable fields except its identity and lifecycle."""
    from shared_services.catalogue.models import StandardServiceVersion

    excluded = {"id", "service", "number", "status", "published_at"}
    return {
        field.name: getattr(version, field.name)
        for field in StandardServiceVersion._meta.concrete_fields
        if field.editable and field.name not in excluded
    }


def _enlarge_catalogue(total: int, unit_kind: str) -> int:
    """Publish generated cards until `total` services are published; returns how many were added.

    Copy k of a seed card is named "<name> – <qualifier>" and keeps the description and keywords, so the
    index holds as much real text per card as the seed's. Every copy lists `unit_kind`, so the unit's
    default adoption takes it. One transaction: the same services, without a commit per card.
    """
    from django.db import transaction

    from shared_services.catalogue.models import StandardService
    from shared_services.catalogue.services import service_draft_create, service_version_publish

    seeds = list(StandardService.objects.filter(published__isnull=False).select_related("published").order_by("slug"))
    missing = total - len(seeds)
    with transaction.atomic():
        for n in range(missing):
            origin, copy = seeds[n % len(seeds)], n // len(seeds) + 1
            card = origin.published
            qualifier = QUALIFIERS[(n % len(seeds) + copy) % len(QUALIFIERS)]
            service = StandardService.objects.create(slug=f"{origin.slug}{GENERATED_SLUG}{copy}")
            draft = service_draft_create(
                service=service,
                changes={
                    **_card_content(card),
                    "name": f"{card.name} – {qualifier}",
                    "unit_kinds": sorted({*card.unit_kinds, unit_kind}),
                },
                categories=list(card.categories.all()),
                life_events=list(card.life_events.all()),
            )
            service_version_publish(version=draft)
            if (n + 1) % 200 == 0:
                print(f"  … {n + 1}/{missing} generated cards published", file=sys.stderr, flush=True)
    return max(missing, 0)


def _unit_create_adopting_everything():
    """The unit, offering every published service: its kind's by default, the others (voivodeship
    services of the seed) adopted one by one."""
    from django_tenants.utils import tenant_context

    from shared_services.catalogue.models import StandardService
    from shared_services.offer.models import AdoptedService
    from shared_services.offer.services import offer_adopt, offer_adopt_defaults
    from tenants.services import unit_create

    unit = unit_create(**UNIT)
    with tenant_context(unit):
        offer_adopt_defaults(unit_kind=unit.kind)
        adopted = AdoptedService.objects.values_list("standard_service_id", flat=True)
        for service in StandardService.objects.filter(published__isnull=False).exclude(pk__in=list(adopted)):
            offer_adopt(standard_service=service)
    return unit


def _vacuum() -> None:
    """The steady state of a production database: planner statistics (without them the planner scans the
    whole table instead of the GIN index), the GIN index's pending list merged, no dead rows from
    publishing. Right after the set-up's writes autovacuum may not have run yet, or may run mid-measurement."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # autocommit: VACUUM cannot run inside a transaction


# --- what is measured -----------------------------------------------------------------------------


def naive_search(text: str, *, limit: int = 20) -> list[tuple[str, str]]:
    """The baseline: the unit's offer whose card contains every typed word (case-insensitive LIKE)."""
    from django.db.models import Q

    from shared_services.offer.selectors import offered_services

    matches = offered_services()
    for word in text.split():
        matches = matches.filter(
            Q(standard_service__published__name__icontains=word)
            | Q(standard_service__published__short_description__icontains=word)
            | Q(standard_service__published__description__icontains=word)
        )
    return [(adopted.standard_service.slug, adopted.standard_service.published.name) for adopted in matches[:limit]]


@dataclass
class Approach:
    key: str
    label: str
    run: Callable[[str], object]
    context: Callable[[], object]  # entered around a round of calls, outside the timer


def _approaches(unit) -> list[Approach]:
    from django.test import Client
    from django_tenants.utils import schema_context, tenant_context

    from shared_services.catalogue.selectors import regional_search
    from shared_services.offer.selectors import service_search

    client, host = Client(), unit.primary_host

    def page(text):
        response = client.get("/szukaj/", {"q": text}, HTTP_HOST=host)
        if response.status_code != 200:
            raise SystemExit(f"GET /szukaj/?q={text} on {host} answered {response.status_code}")
        return response

    return [
        Approach("a", "service_search (selector, unit schema)", service_search, lambda: tenant_context(unit)),
        Approach("b", "GET /szukaj/ (whole page, test Client)", page, nullcontext),  # the middleware routes
        Approach("c", "regional_search (public schema)", regional_search, lambda: schema_context("public")),
        Approach("d", "baseline: icontains per word", naive_search, lambda: tenant_context(unit)),
    ]


def _measure(approaches: list[Approach], queries: list[str], rounds: int, warmup: int) -> dict:
    """Seconds per call, by approach and query. Each round runs every approach (in an order rotated from
    round to round) over every query (forwards in even rounds, backwards in odd ones)."""
    seconds = {(approach.key, text): [] for approach in approaches for text in queries}
    for round_number in range(-warmup, rounds):
        order = queries if round_number % 2 == 0 else queries[::-1]
        shift = round_number % len(approaches)
        for approach in approaches[shift:] + approaches[:shift]:
            with approach.context():
                for text in order:
                    started = time.perf_counter()
                    approach.run(text)
                    elapsed = time.perf_counter() - started
                    if round_number >= 0:  # warm-up rounds are not counted
                        seconds[approach.key, text].append(elapsed)
        if round_number >= 0 and (round_number + 1) % 10 == 0:
            print(f"  … {round_number + 1}/{rounds} rounds", file=sys.stderr, flush=True)
    return seconds


def _percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 in milliseconds."""
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000


# --- figures --------------------------------------------------------------------------------------


def _catalogue_figures(unit) -> dict:
    from django.db import connection
    from django_tenants.utils import tenant_context

    from shared_services.catalogue.models import StandardService
    from shared_services.offer.selectors import service_count

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (server_version,) = cursor.fetchone()
        cursor.execute(r"""
            SELECT sum(pg_total_relation_size(c.oid)),
                   pg_total_relation_size('catalogue_standardserviceversion'),
                   pg_relation_size('catalogue_version_search')
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname LIKE 'catalogue\_%'""")
        tables, versions, index = cursor.fetchone()
    with tenant_context(unit):
        offer = service_count()
    return {
        "services": StandardService.objects.filter(published__isnull=False).count(),
        "offer": offer,
        "tables_b": tables,
        "versions_b": versions,
        "index_b": index,
        "postgres": server_version,
    }


def _matching(text: str) -> str:
    """Which tier of service_search (catalogue.search.SEARCH_TIERS) answers `text` in the current unit."""
    from shared_services.catalogue.search import SEARCH_TIERS, SIMILAR, query_words, similar_filter, tier_query
    from shared_services.offer.selectors import offered_services

    card = "standard_service__published__"
    for tier in SEARCH_TIERS if query_words(text) else ():
        if tier == SIMILAR:
            condition = similar_filter(words=f"{card}search_words", text=text)
        else:
            condition = {f"{card}search_vector": tier_query(text, tier)}
        if offered_services().filter(**condition).exists():
            return tier
    return "NOTHING"


def _origin(slug: str) -> str:
    return slug.split(GENERATED_SLUG)[0]


def _show(unit, queries: list[str]) -> None:
    """Per query: how many services match, how many the baseline finds, and the first three distinct
    services in service_search's order (a generated copy counts as its seed card, or the copies of one card
    would fill the top)."""
    from django_tenants.utils import tenant_context

    from shared_services.offer.selectors import service_search

    print("top 3 per query (service_search's order; generated copies collapsed into their seed card):")
    with tenant_context(unit):
        for text in queries:
            results = service_search(text, limit=FULL_CATALOGUE)
            distinct = list(dict.fromkeys(_origin(result.slug) for result in results))
            seed_names = {result.slug: result.name for result in results if result.slug == _origin(result.slug)}
            print(
                f"  {text!r}: {len(results)} services ({len(distinct)} distinct), matched on {_matching(text)}; "
                f"the baseline finds {len(naive_search(text, limit=FULL_CATALOGUE))}"
            )
            for place, slug in enumerate(distinct[:3], start=1):
                print(f"      {place}. {seed_names.get(slug, slug)}  [{slug}]")


def _report_timings(approaches: list[Approach], seconds: dict, queries: list[str], rounds: int, warmup: int) -> dict:
    pooled = {approach.key: [s for text in queries for s in seconds[approach.key, text]] for approach in approaches}
    figures = {key: _percentiles(samples) for key, samples in pooled.items()}
    baseline_p95 = figures["d"][1]
    print(
        f"timing: {len(queries)} queries x {rounds} rounds = {len(pooled['a'])} calls per approach "
        f"(after {warmup} warm-up rounds), wall clock per call"
    )
    print(f"    {'':42} {'p50 ms':>7} {'p95 ms':>7}  p95 / baseline p95")
    for approach in approaches:
        p50, p95 = figures[approach.key]
        print(f"    {approach.key}. {approach.label:39} {p50:7.2f} {p95:7.2f}  {p95 / baseline_p95:.2f}x")
    for key in ("a", "b"):
        slowest = sorted(queries, key=lambda text: _percentiles(seconds[key, text])[1], reverse=True)[:3]
        print(
            f"    slowest queries for ({key}), by p95: "
            + ", ".join(f"{text!r} {_percentiles(seconds[key, text])[1]:.1f} ms" for text in slowest)
        )
    return figures


def _set_up():
    """The bench database's content, timed step by step; returns the unit and the set-up's figures."""
    _, migrate_s = timed(_migrate)
    counts, seed_s = timed(_load_seed)
    added, enlarge_s = timed(_enlarge_catalogue, FULL_CATALOGUE, UNIT["kind"])
    unit, unit_s = timed(_unit_create_adopting_everything)
    _vacuum()
    print(
        f"set-up: public schema migrated in {migrate_s:.1f} s; seed catalogue ({counts['created']} services) "
        f"loaded in {seed_s:.1f} s; {added} generated cards published in {enlarge_s:.1f} s; "
        f"{unit.name} ({unit.code}) created and adopted its offer in {unit_s:.1f} s"
    )
    return unit


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.1f} MB"


def _print_catalogue(unit, figures: dict) -> None:
    from django_tenants.utils import tenant_context

    print(
        f"catalogue: {figures['services']} published services; offer of {unit.name}: {figures['offer']} services; "
        f"catalogue tables {_megabytes(figures['tables_b'])} (service versions {_megabytes(figures['versions_b'])}, "
        f"of which the search GIN index {_megabytes(figures['index_b'])})"
    )
    with tenant_context(unit):
        matching = {text: _matching(text) for text in QUERIES}
    odd = [f"{text!r} ({how})" for text, how in matching.items() if how != "name_or_keywords"]
    print(
        f"queries: {len(QUERIES)}; all words in a name or keywords for {len(QUERIES) - len(odd)}"
        f"{'; otherwise: ' + ', '.join(odd) if odd else ''}"
    )


def run(options) -> None:
    from django.db import connection

    unit = _set_up()
    figures = _catalogue_figures(unit)
    _print_catalogue(unit, figures)
    if options.show:
        _show(unit, QUERIES)

    approaches = _approaches(unit)
    seconds = _measure(approaches, QUERIES, options.rounds, options.warmup)
    connection.set_schema_to_public()
    timings = _report_timings(approaches, seconds, QUERIES, options.rounds, options.warmup)
    selector_p95, page_p95, baseline_p95 = timings["a"][1], timings["b"][1], timings["d"][1]
    print(
        f"target: results in ≤ {TARGET_P95_MS:.0f} ms at p95 over the full catalogue "
        f"({figures['services']} services): selector {selector_p95:.1f} ms — "
        f"{verdict(selector_p95 <= TARGET_P95_MS)}; whole page {page_p95:.1f} ms — "
        f"{verdict(page_p95 <= TARGET_P95_MS)}"
    )
    print(
        f"search: {figures['services']} services, p95 {selector_p95:.1f} ms (selector), {page_p95:.1f} ms (page), "
        f"{timings['c'][1]:.1f} ms (regional); icontains baseline p95 {baseline_p95:.1f} ms "
        f"(Python {platform.python_version()}, PostgreSQL {figures['postgres']})"
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m infra.bench.search", description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=30, help="timed rounds over every query (default 30)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed rounds first (default 2)")
    parser.add_argument(
        "--show", action="store_true", help="print the first three services of each query (to tune the ranking)"
    )
    parser.add_argument("--keep", action="store_true", help=f"keep the database {BENCH_DATABASE} at the end")
    options = parser.parse_args(argv)
    if options.rounds < 2 or options.warmup < 0:  # percentiles need two samples per query
        parser.error("--rounds must be at least 2 and --warmup at least 0")
    sys.stdout.reconfigure(line_buffering=True)  # in order with the progress lines on stderr

    with bench_session(BENCH_DATABASE, keep=options.keep, folder_prefix="ratusz-bench-search-cache-") as bench:
        _django_setup(bench.url, str(bench.folder))
        run(options)


if __name__ == "__main__":
    main()
