"""`make bench-kpi`: how fast the regional usage dashboard answers at 2,807 units with a year of facts, against
the naive way that visits every unit's schema.

A measurement, not a test: it prints figures and the target next to them, and never fails because the target
is missed. Everything runs in a database of its own, `ratusz_bench_kpi` (dropped first if it exists and at the
end unless `--keep`), on the embedded server or on the server of `DATABASE_URL`.

    python -m infra.bench.kpi                    # every unit of Poland's TERC register (2,807), a year of facts
    python -m infra.bench.kpi --schemas 400      # the naive way on 400 schemas, extrapolated (said so)
    python -m infra.bench.kpi --rounds 50 --keep

Set-up: the public schema is migrated and the standard catalogue loaded; every unit of the TERC register
becomes a registry row (no schema: the dashboard reads only the public schema), active, offering the standard
services of its kind (catalogue.Offering, as adoption mirrors it). A year of facts is generated in SQL with
volumes by kind of unit (a rural gmina ~150 applications filed electronically a year, a city with powiat rights
~5,000; lognormal spread), a fifth of intakes on paper, a case closing for nine applications in ten with
exponentially spread handling times, an online fee for one in five, and a daily overdue count per unit. Then
the roll-up (`usage_rollup`) is run over the whole year, and timed.

Measured in the same run, wall clock (time.perf_counter), rounds interleaved:
  a. the dashboard's query path: `onboarding.usage.region_figures(period)` — every query of the regional page
     and the folding into kinds and powiats — for the last 12 months, this year and this month;
  b. the whole public page: Django's test Client GET /wskazniki/ (participation, usage, charts, templates),
     and the console's GET /konsola/wskazniki/ (usage only) signed in as an operator;
  c. the naive way: for every unit, in its own schema, the same indicators computed from tables shaped like
     the unit's register entries, cases and payments (a lightweight schema holding just those three tables,
     with indexes on the dates, filled with that unit's share of the year) — one statement per schema, all
     indicators at once (kinder to the naive way than the ORM's several queries per schema would be).
The page is rendered afresh each time: nothing of it is cached. The last line compares (b)'s p95 — the page
the issue's target is about, with its default period, the last 12 months — with (c)'s; (a)'s p95 is printed
above it.
"""

from __future__ import annotations

import argparse
import statistics
import sys

from infra.bench.common import bench_session, timed, verdict
from infra.bench.search import _django_setup

BENCH_DATABASE = "ratusz_bench_kpi"
TARGET_P95_MS = 100.0
# Applications filed electronically a year, by kind of unit (the mean of a lognormal spread).
YEARLY_APPLICATIONS = {
    "gmina_wiejska": 150,
    "gmina_miejsko_wiejska": 300,
    "gmina_miejska": 400,
    "miasto_na_prawach_powiatu": 5000,
    "powiat": 800,
    "wojewodztwo": 2000,
}
SPREAD = 0.6  # sigma of the lognormal: most units near the mean, a few several times it


def _percentile(samples: list[float], share: int) -> float:
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[share - 1]


def _progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# --- set-up ---------------------------------------------------------------------------------------------


def _setup() -> int:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from onboarding.terc import units_by_code
    from shared_services.catalogue.models import Offering, StandardService
    from shared_services.catalogue.services import form_definitions_read, seed_read, standard_catalogue_load
    from tenants.codes import schema_name_for_code
    from tenants.models import Tenant, UnitStatus

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    standard_catalogue_load(seed=seed_read(), form_definitions=form_definitions_read())
    now = timezone.now()
    register = sorted(units_by_code().values(), key=lambda unit: unit.code)
    Tenant.objects.bulk_create(
        Tenant(
            name=unit.official_name,
            code=unit.code,
            kind=unit.kind,
            slug=f"u{unit.code}",
            schema_name=schema_name_for_code(unit.code),
            status=UnitStatus.ACTIVE,
            activated_at=now - timezone.timedelta(days=400 - index % 365),
        )
        for index, unit in enumerate(register)
    )
    services = list(StandardService.objects.select_related("published").exclude(published=None))
    offerings = [
        Offering(unit_id=unit_id, standard_service_id=service.pk)
        for unit_id, kind in Tenant.objects.values_list("pk", "kind")
        for service in services
        if kind in (service.published.unit_kinds or [kind])
    ]
    Offering.objects.bulk_create(offerings, batch_size=5000)
    slugs = [service.slug for service in services]
    with connection.cursor() as cursor:
        _facts_generate(cursor, slugs)
    return len(register)


def _facts_generate(cursor, slugs: list[str]) -> None:
    """A year of facts ending today, in SQL: intakes, closings, online payments; and daily overdue counts."""
    volumes = " ".join(f"WHEN '{kind}' THEN {mean}" for kind, mean in YEARLY_APPLICATIONS.items())
    cursor.execute(
        "CREATE TEMP TABLE bench_volume AS SELECT id AS unit_id, "
        f"greatest(1, round((CASE kind {volumes} ELSE 100 END) * exp({SPREAD} * sqrt(-2 * ln(1 - random())) "
        f"* cos(2 * pi() * random()) - {SPREAD}^2 / 2)))::int AS yearly FROM tenants_tenant"
    )
    # Intakes: electronic (yearly) and on paper (a quarter as many again: a fifth of all), days spread over the
    # year; a service chosen with a skew (a few services take most applications).
    cursor.execute(
        "INSERT INTO usage_usagefact (unit_id, kind, source_id, service_key, channel, day, recorded_at) "
        "SELECT v.unit_id, 'intake', g, CASE WHEN g <= v.yearly THEN "
        "(%(slugs)s::text[])[1 + floor(random() ^ 3 * %(count)s)::int] ELSE '' END, "
        "CASE WHEN g <= v.yearly THEN 'electronic' ELSE 'paper' END, "
        "current_date - floor(random() * 365)::int, now() - interval '1 day' "
        "FROM bench_volume v CROSS JOIN LATERAL generate_series(1, v.yearly + v.yearly / 4) g",
        {"slugs": slugs, "count": len(slugs)},
    )
    # Closings: nine in ten intakes, days exponentially spread (mean 12), late past 30 days.
    cursor.execute(
        "INSERT INTO usage_usagefact (unit_id, kind, source_id, service_key, channel, day, duration_days, late, "
        "recorded_at) SELECT unit_id, 'closing', source_id, service_key, channel, closed, closed - received, "
        "closed - received > 30, now() - interval '1 day' FROM (SELECT unit_id, source_id, service_key, channel, day AS received, "
        "least(current_date, day + floor(-ln(1 - random()) * 12)::int) AS closed FROM usage_usagefact "
        "WHERE kind = 'intake' AND random() < 0.9) c"
    )
    # Online fees: one electronic application in five, 10 to 600 zł, paid on its day.
    cursor.execute(
        "INSERT INTO usage_usagefact (unit_id, kind, source_id, service_key, channel, day, amount_grosze, "
        "recorded_at) SELECT unit_id, 'payment', source_id, service_key, 'electronic', day, "
        "(1000 + floor(random() * 59000))::int, now() - interval '1 day' FROM usage_usagefact "
        "WHERE kind = 'intake' AND channel = 'electronic' AND random() < 0.2"
    )
    # A daily count of open and overdue cases per unit, for a year.
    cursor.execute(
        "INSERT INTO usage_overduecount (unit_id, day, open_cases, overdue_cases) "
        "SELECT v.unit_id, current_date - d, greatest(1, v.yearly / 20), floor(random() * (v.yearly / 100 + 2))::int "
        "FROM bench_volume v CROSS JOIN generate_series(0, 364) d"
    )
    cursor.execute("ANALYZE usage_usagefact; ANALYZE usage_overduecount")


def _naive_schemas(cursor, units: list[tuple[int, str]]) -> None:
    """Per unit, a schema with just the tables the naive query reads, filled with the unit's year."""
    for index, (unit_id, schema) in enumerate(units):
        cursor.execute(
            f'CREATE SCHEMA "{schema}"; '
            f'CREATE TABLE "{schema}".entry (id bigint PRIMARY KEY, received_at timestamptz, channel text, '
            "kind text, service_key text); "
            f'CREATE TABLE "{schema}".kase (id bigint PRIMARY KEY, entry_id bigint, status text, deadline date, '
            "paused_since date, closed_at timestamptz); "
            f'CREATE TABLE "{schema}".payment (id bigint PRIMARY KEY, status text, provider text, '
            "amount_grosze int, paid_at timestamptz); "
            f'INSERT INTO "{schema}".entry SELECT source_id, day::timestamptz, channel, '
            "CASE WHEN channel = 'electronic' THEN 'application' ELSE 'letter' END, service_key "
            "FROM usage_usagefact WHERE unit_id = %(unit)s AND kind = 'intake'; "
            f'INSERT INTO "{schema}".kase SELECT i.source_id, i.source_id, '
            "CASE WHEN c.id IS NULL THEN 'in_progress' ELSE 'closed' END, i.day + 30, NULL, c.day::timestamptz "
            "FROM usage_usagefact i LEFT JOIN usage_usagefact c ON c.unit_id = i.unit_id "
            "AND c.kind = 'closing' AND c.source_id = i.source_id "
            "WHERE i.unit_id = %(unit)s AND i.kind = 'intake'; "
            f"INSERT INTO \"{schema}\".payment SELECT source_id, 'paid', 'przelewy24', amount_grosze, "
            "day::timestamptz FROM usage_usagefact WHERE unit_id = %(unit)s AND kind = 'payment'; "
            f'CREATE INDEX ON "{schema}".entry (received_at); CREATE INDEX ON "{schema}".kase (closed_at); '
            f'CREATE INDEX ON "{schema}".payment (paid_at)',
            {"unit": unit_id},
        )
        if index % 250 == 249:
            _progress(f"  naive schemas: {index + 1} of {len(units)}")
    cursor.execute("ANALYZE")


def _naive_statement(schema: str) -> str:
    """Every indicator of one unit for the period, from its own tables, in one statement."""
    return (
        "SELECT "
        f"(SELECT json_agg(r) FROM (SELECT date_trunc('month', received_at) m, channel, count(*) "
        f'FROM "{schema}".entry WHERE received_at >= %(first)s AND received_at < %(after)s GROUP BY 1, 2) r), '
        f'(SELECT json_agg(r) FROM (SELECT service_key, count(*) FROM "{schema}".entry '
        "WHERE received_at >= %(first)s AND received_at < %(after)s AND kind = 'application' GROUP BY 1) r), "
        "(SELECT json_agg(r) FROM (SELECT k.closed_at::date - e.received_at::date d, count(*), "
        "count(*) FILTER (WHERE k.closed_at::date > k.deadline) late "
        f'FROM "{schema}".kase k JOIN "{schema}".entry e ON e.id = k.entry_id '
        "WHERE k.closed_at >= %(first)s AND k.closed_at < %(after)s GROUP BY 1) r), "
        "(SELECT count(*) FILTER (WHERE deadline < current_date AND paused_since IS NULL) "
        f"FROM \"{schema}\".kase WHERE status <> 'closed'), "
        f'(SELECT row(count(*), sum(amount_grosze)) FROM "{schema}".payment '
        "WHERE status = 'paid' AND provider <> 'office' AND paid_at >= %(first)s AND paid_at < %(after)s)"
    )


def _operator_client():
    """A test Client signed in as an operator on the platform domain, its identity-provider tokens current (as
    a sign-in through Keycloak leaves the session), for the console's page."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from shared_services.identity.services import SESSION_TOKENS

    user = get_user_model().objects.create_user("bench-kpi-operator", "operator@bench.example", is_staff=True)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    session = client.session
    later = (timezone.now() + timezone.timedelta(days=1)).timestamp()
    session[SESSION_TOKENS] = {"id_token": "", "refresh_token": "", "expires_at": later, "refresh_expires_at": later}
    session.save()
    return client


# --- the run --------------------------------------------------------------------------------------------


def run(options) -> None:
    import datetime

    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from onboarding.usage import region_figures
    from shared_services.usage.models import UsageFact
    from shared_services.usage.selectors import period_of
    from tenants.models import Tenant

    units, seconds = timed(_setup)
    facts = UsageFact.objects.count()
    print(f"set-up: {units} units, {facts:,} facts of a year, in {seconds:.0f} s")
    from shared_services.usage.services import usage_rollup

    months, seconds = timed(usage_rollup, everything=True)
    print(f"roll-up of the whole year ({len(months)} months): {seconds:.1f} s")
    # As between two runs of the beat: the year's facts were recorded before the last roll-up (a day ago), one
    # has just been recorded.
    UsageFact.objects.filter(pk=UsageFact.objects.order_by("-pk").values("pk")[:1]).update(recorded_at=timezone.now())
    _, seconds = timed(usage_rollup)
    print(f"roll-up every few minutes (the current month rebuilt): {seconds:.1f} s")

    today = timezone.localdate()
    periods = {
        "last 12 months": period_of("12m"),
        "this year": period_of(str(today.year)),
        "this month": period_of(today.strftime("%Y-%m")),
    }
    client, operator = Client(HTTP_HOST="localhost"), _operator_client()
    pages = {"page": (client, "/wskazniki/"), "console": (operator, "/konsola/wskazniki/")}
    samples = {name: [] for name in periods} | {name: [] for name in pages}
    for period in periods.values():  # warm-up
        region_figures(period)
    for page_client, path in pages.values():
        page_client.get(path)
    for _round in range(options.rounds):
        for name, period in periods.items():
            samples[name].append(timed(region_figures, period)[1] * 1000)
        for name, (page_client, path) in pages.items():
            response, seconds = timed(page_client.get, path)
            assert response.status_code == 200, (path, response.status_code)
            samples[name].append(seconds * 1000)
    figures = region_figures(periods["last 12 months"])
    print(
        f"the last 12 months: {figures.totals.applications:,} applications filed electronically, "
        f"{figures.totals.letters:,} on paper, {figures.active_units} active units, median {figures.median_days} "
        f"days, p90 {figures.p90_days} days, {figures.totals.payments:,} fees paid online"
    )
    labels = {"page": "whole public page GET /wskazniki/", "console": "whole console page GET /konsola/wskazniki/"}
    for name, values in samples.items():
        label = labels.get(name, f"dashboard query path, {name}")
        print(f"  {label}: median {statistics.median(values):.1f} ms, p95 {_percentile(values, 95):.1f} ms")

    # The naive way.
    schemas = list(Tenant.objects.order_by("code").values_list("pk", "schema_name"))
    measured = schemas[: options.schemas] if options.schemas else schemas
    _progress(f"naive: creating {len(measured)} lightweight schemas")
    with connection.cursor() as cursor:
        _, seconds = timed(_naive_schemas, cursor, measured)
    print(f"naive: {len(measured)} lightweight unit schemas (3 tables each) made in {seconds:.0f} s")
    period = periods["last 12 months"]
    bounds = {"first": period.first, "after": period.end + datetime.timedelta(days=1)}
    naive = []
    with connection.cursor() as cursor:
        for _round in range(options.naive_rounds):
            started = timed(lambda: None)[1]
            total = 0.0
            for _unit_id, schema in measured:
                total += timed(cursor.execute, _naive_statement(schema), bounds)[1]
                cursor.fetchall()
            naive.append((total + started) * 1000)
    scale = len(schemas) / len(measured)
    naive = [value * scale for value in naive]
    how = "measured" if scale == 1 else f"measured on {len(measured)} schemas and multiplied by {scale:.2f}"
    print(
        f"naive, every schema visited for the last 12 months ({how}): median {statistics.median(naive):,.0f} ms, "
        f"p95 {_percentile(naive, 95):,.0f} ms over {len(naive)} rounds"
    )
    query_path, page = _percentile(samples["last 12 months"], 95), _percentile(samples["page"], 95)
    print(f"target: dashboard query path p95 < {TARGET_P95_MS:.0f} ms: {verdict(query_path < TARGET_P95_MS)}")
    print(f"target: whole public page p95 < {TARGET_P95_MS:.0f} ms: {verdict(page < TARGET_P95_MS)}")
    console = _percentile(samples["console"], 95)
    print(f"target: whole console page p95 < {TARGET_P95_MS:.0f} ms: {verdict(console < TARGET_P95_MS)}")
    # The target is "a page of the regional dashboard": the figure of the last line is the whole page
    # (its queries, the folding, the charts and the templates), compared with the naive way's queries alone.
    ratio = _percentile(naive, 95) / page
    print(f"kpi: {page:.1f} ms p95 at {len(schemas)} units, {ratio:,.0f}x faster than scanning every schema")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m infra.bench.kpi", description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=30, help="timed rounds of the dashboard (default 30)")
    parser.add_argument("--naive-rounds", type=int, default=3, help="timed passes over every schema (default 3)")
    parser.add_argument(
        "--schemas", type=int, default=0, help="make only this many naive schemas and extrapolate (default: all)"
    )
    parser.add_argument("--keep", action="store_true", help=f"keep the database {BENCH_DATABASE} at the end")
    options = parser.parse_args(argv)
    if options.rounds < 2 or options.naive_rounds < 1:
        parser.error("--rounds must be at least 2 and --naive-rounds at least 1")
    sys.stdout.reconfigure(line_buffering=True)
    with bench_session(BENCH_DATABASE, keep=options.keep, folder_prefix="ratusz-bench-kpi-") as bench:
        _django_setup(bench.url, str(bench.folder))
        run(options)


if __name__ == "__main__":
    main()
