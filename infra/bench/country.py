"""`make bench-country`: the whole country in one deployment, served under a realistic load.

A measurement, not a test: it prints figures and the targets next to them, and never fails because a
target is missed. Everything runs in a database of its own, `ratusz_bench_country`, on the embedded server or on
the server of `DATABASE_URL`, with signing keys, files, the cache and the Celery queue in a folder of its own.

    python -m infra.bench.country                 # every unit of the TERC register (~2,807)
    python -m infra.bench.country --units 50      # the first 50 units: a quick run while developing
    python -m infra.bench.country --keep          # keep the database, and reuse it next time (no onboarding;
                                                  # with --units N, a larger kept one serves its first N units)
    python -m infra.bench.country --max-schemas 0 # no bound on the schemas a connection visits, to compare
    python -m infra.bench.country --per-thread 15 # up to 15 connections a worker, a unit sticking to one: the
                                                  # country's units served warm, for more memory
    python -m infra.bench.country --citus         # the first 100 units on plain PostgreSQL and on Citus (below)

1. The database: the public schema migrated, the standard catalogue loaded and the units onboarded through the
   real path (one bulk job, `onboarding_job_create` + `onboarding_job_run`, each unit's Organization made in the
   development identity provider), in a subprocess. With `--keep` an existing database that holds the same units
   is reused as it is, and it stays at the end.
2. What the load needs, per unit (in this process): the services it offers, and a clerk (a local account with
   the clerk's role in the unit's schema) signed in with a session of the unit, as a sign-in through Keycloak
   leaves it; a receipt-signing key.
3. A serving run (`serving_run`, against any database URL): gunicorn, pre-fork sync workers (`--workers`, 4: two
   per core, as requests wait for PostgreSQL on the same machine), DEBUG off, and production's persistent
   connections: at most CONN_MAX_SCHEMAS unit schemas a connection (`--max-schemas`, default the settings' 200),
   CONN_MAX_PER_THREAD connections a worker (`--per-thread`, default the settings' 1; with more, a unit sticks to
   the one that served it), kept for CONN_MAX_AGE (`--conn-max-age`, default 60 s, production's; 3600 s with
   several connections a worker, as docs/deployment.md advises). The report names the database server's
   shared_buffers next to the size of its system catalogue, and says when they are smaller (the embedded server's
   default 128 MB against the country's ~2.6 GB: each unit met cold is then read from the kernel's cache). Workers
   are not recycled during the run. `--clients` threads (http.client) make `--actions` actions per load,
   the same sequence of kinds twice in one run — spread uniformly over every unit, and on one unit (a city
   with powiat rights) — after an untimed warm-up on the one unit, as `--rounds` rounds (4) alternating the order
   (spread, one, one, spread, …) so that the machine's drift is shared. The mix, by weight:
       home page 25, search 10, service card 25, form page 10: one GET each on the unit's host;
       office 25: a signed-in clerk's GET of the office's start, cases or notifications page;
       intake 5: a new visitor GETs the general letter's form (the CSRF token), POSTs it with a ~20 KB PDF,
         GETs the check page and POSTs the send (four requests; bench-inbox's filing) — only in units that
         offer the ID card service, whose general letter the inbox tests file.
   Throughput = HTTP requests answered as expected / wall time of the load; p50/p95 of a page (one request;
   intakes apart, their four requests together). Meanwhile PostgreSQL's memory is sampled every 0.5 s (25 ms a
   backend with more than 20): each backend of the database (on Citus, on every node) from /proc/<pid>/smaps (the
   embedded server runs on this machine; "own" = Private_Clean + Private_Dirty of the backend's private
   mappings, the memory it alone holds, its catalogue caches included; the shared buffers are left out, though
   the kernel counts a buffer page only this backend has touched as private; Pss shares them out). Largest
   backend and sum over backends; the spread loads' trend: the largest backend in each third of their samples
   (bounded: the last third's no larger than the first two thirds', +10%).
4. Afterwards, in each unit's schema: every acknowledged intake (a 302 to /wnioski/<uuid>/) is an application
   with its register entry and signed receipt, the applications filed during the run are exactly those, and
   the register's numbers are 1..n without gaps.

Last line: `country: <N> units, <ratio> of one-unit throughput, p95 <ms> ms, backend max <MB> MB` (the spread
load's throughput against the one-unit load's, its p95 of a page, and the largest backend seen while serving).

`--citus`: the same steps twice in one run, on the first `--units` units (default 100) and a shorter load (2 rounds
of 500 actions unless given), first on plain PostgreSQL and then on a Citus coordinator with two workers on
loopback (../shared/citus, started afresh on `--citus-port` as make bench-citus does, stopped at the end), each in
an empty database `ratusz_bench_country_citus` made for it (no `--keep`). Each side is a whole run of this bench
in a subprocess, its report printed as it goes: Django's connection and the check for Citus are per process. On
Citus the backends sampled for memory and CPU are those of the three nodes (the workers' serve the coordinator's
queries to the units' schemas). Then both side by side, with what failed on either, and the last line `citus: <N> units,
onboarding <s> s/unit (<ratio>x plain), spread <r> req/s (<ratio> of plain), p95 <ms> ms`.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote_plus

from infra.bench.common import (
    bench_database,
    citus_cluster,
    citus_placement,
    citus_required,
    database_drop,
    database_recreate,
    fetch_all,
    verdict,
    with_address,
)
from infra.bench.inbox import (
    _TOKEN,
    ATTACHMENT_FIELD,
    Browser,
    _cookie_set,
    _cpu_times,
    _cpu_used,
    _environment,
    _filing,
    _multipart,
    _process_cpu,
    _process_tree,
    _server_start,
    _server_stop,
    sample_pdf,
)
from infra.bench.onboarding import RESULT_MARK, _manage, _result, _run
from tests.support.letters import FORM_URL, LETTER

BENCH_DATABASE = "ratusz_bench_country"
CITUS_DATABASE = "ratusz_bench_country_citus"  # --citus: on plain PostgreSQL, then on the cluster
SETTINGS = "platform_core.settings"
ONE_UNIT = "0463011"  # Toruń, a city with powiat rights: every kind of page and the intake
INTAKE_SERVICE = "wydanie-dowodu-osobistego"  # its general letter is what the inbox tests file (LETTER)
SEARCHES = ("dowód osobisty", "odpady", "podatek od nieruchomości", "meldunek", "ślub", "zasiłek")
OFFICE_PAGES = ("/urzad/", "/urzad/skrzynka/", "/urzad/powiadomienia/")  # any member of staff may see them
# Kinds of action and their weights in the mix; an intake is four requests.
MIX = {"home": 25, "search": 10, "card": 25, "form": 10, "office": 25, "intake": 5}
LOADS = ("spread", "one")  # every unit, uniformly; the one unit

# Targets on the reference machine (2 cores).
TARGET_RATIO = 0.9


# --- stage: onboarding (a subprocess, with the normal settings) ----------------------------------------------


def _first_codes(count: int | None) -> list[str]:
    from onboarding.terc import units_by_code

    codes = list(units_by_code())
    return codes if count is None else codes[:count]


def stage_onboard(count: int | None) -> None:
    """Onboard the first `count` units of the register (all with None) with one bulk job, as an operator would."""
    import django

    django.setup()
    from onboarding.actors import Actor
    from onboarding.models import ItemStatus
    from onboarding.services import onboarding_job_create, onboarding_job_run

    codes = _first_codes(count)
    done, every = [], max(1, len(codes) // 10)

    def progress(item):
        done.append(item)
        if len(done) % every == 0 and len(done) < len(codes):
            print(f"  … {len(done)}/{len(codes)} units in {time.perf_counter() - started:.0f} s", file=sys.stderr)

    started = time.perf_counter()
    job = onboarding_job_create(codes=codes, source=f"benchmark: {len(codes)} units", actor=Actor(label="benchmark"))
    onboarding_job_run(job=job, progress=progress)
    statuses = Counter(job.items.values_list("status", flat=True))
    failures = list(job.items.filter(status=ItemStatus.FAILED).values_list("code", "error")[:5])
    print(
        RESULT_MARK
        + json.dumps(
            {
                "units": len(codes),
                "done": statuses[ItemStatus.DONE],
                "failures": failures,
                "seconds": time.perf_counter() - started,
            }
        ),
        flush=True,
    )


# --- the database: onboarded, or reused ----------------------------------------------------------------------


def _onboarded_units(url: str) -> int | None:
    """Units with a schema in the database at `url`; None when there is no such database or no unit registry."""
    import psycopg2

    try:
        conn = psycopg2.connect(url)
    except psycopg2.OperationalError:
        return None
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT to_regclass('public.tenants_tenant') IS NOT NULL")
            if not cursor.fetchone()[0]:
                return None
            cursor.execute("SELECT count(*) FROM tenants_tenant WHERE schema_name <> 'public'")
            return cursor.fetchone()[0]
    finally:
        conn.close()


def units_onboard(url: str, units: int, env: dict) -> dict:
    """In the empty database at `url`: the public schema migrated and the standard catalogue loaded, then the first
    `units` units of the register onboarded by one bulk job, each step a subprocess with `env`. The job's figures
    (units, done, failures, seconds). make bench-citus onboards with it too."""
    env = {**env, "DATABASE_URL": url}
    _, seconds = _run(_manage("migrate_schemas", "--shared", "--noinput", "-v", "0"), env)
    print(f"public schema migrated in {seconds:.1f} s")
    _, seconds = _run(_manage("load_standard_catalogue"), env)
    print(f"standard catalogue loaded in {seconds:.1f} s")
    stage = [sys.executable, "-m", "infra.bench.country", "--stage", "onboard", "--units", str(units)]
    onboard = _result(_run(stage, env)[0])
    print(
        f"onboarded {onboard['done']} of {onboard['units']} units in {onboard['seconds']:.0f} s "
        f"({onboard['seconds'] / onboard['units']:.3f} s/unit)"
        + (f"; FAILED: {onboard['failures']}" if onboard["failures"] else "")
    )
    return onboard


def database_prepare(server_url: str, url: str, units: int, *, reuse: bool) -> dict | None:
    """The bench database with the first `units` units of the register onboarded: reused as it is when `reuse` and
    it holds at least that many (the first ones: it was made by this function), else made anew (migrated,
    catalogue loaded, units onboarded: the onboarding job's figures are returned)."""
    onboarded = _onboarded_units(url) if reuse else None
    if onboarded is not None and onboarded >= units:
        print(f"database: reused (--keep), {onboarded} units onboarded, the first {units} of them served")
        return None
    if reuse and onboarded is not None:
        print(f"database: holds {onboarded} units, fewer than {units}: made anew")
    database_recreate(server_url, BENCH_DATABASE)
    return units_onboard(url, units, dict(os.environ))


# --- what the load needs, per unit (in this process, with Django) --------------------------------------------


@dataclass(frozen=True)
class Target:
    """One unit as the load sees it."""

    code: str
    host: str  # without the port
    cards: tuple[str, ...]  # slugs of the services it offers
    intake: bool  # offers INTAKE_SERVICE: its form page and the intake
    clerk_session: str  # `sessionid=…` of a signed-in clerk


def targets_prepare(codes: list[str]) -> list[Target]:
    """Each unit's offered services and a clerk signed in there (made once, reused), and a signing key."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection, connections
    from django.test import Client
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from shared_services.identity.access import StaffRole
    from shared_services.identity.services import SESSION_TOKENS, role_apply
    from shared_services.inbox import signing_keys
    from shared_services.offer.selectors import offered_services
    from tenants.models import Tenant

    if signing_keys.current_key_id() is None:
        signing_keys.key_rotate()  # before the server starts: its workers must not race to make one
    later = (timezone.now() + timezone.timedelta(days=30)).timestamp()
    targets = []
    for unit in Tenant.objects.filter(code__in=codes).exclude(schema_name="public").order_by("code"):
        with tenant_context(unit):
            cards = tuple(adopted.standard_service.slug for adopted in offered_services())
            clerk, _ = get_user_model().objects.get_or_create(
                username="bench-clerk", defaults={"email": "clerk@bench.example", "is_staff": True}
            )
            role_apply(clerk, StaffRole.CLERK)
            client = Client(HTTP_HOST=unit.primary_host)
            client.force_login(clerk)
            session = client.session
            # As a sign-in through Keycloak leaves it, its tokens current: no refresh during the run.
            session[SESSION_TOKENS] = {
                "id_token": "",
                "refresh_token": "",
                "expires_at": later,
                "refresh_expires_at": later,
            }
            session.save()
        targets.append(
            Target(
                code=unit.code,
                host=unit.primary_host,
                cards=cards,
                intake=INTAKE_SERVICE in cards,
                clerk_session=f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
            )
        )
    connection.set_schema_to_public()
    connections.close_all()  # this process's backend has visited every schema: not one of the measured ones
    return targets


# --- the load ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    kind: str  # a key of MIX
    target: Target
    path: str  # what is requested (for an intake: the form's)


def actions_make(kinds: list[str], targets: list[Target], one: Target, load: str, seed: int) -> list[Action]:
    """The actions of a load: `kinds` in order, each on a unit drawn uniformly from those that have what it needs
    ("spread"), or all on `one`."""
    rng = random.Random(seed)
    with_cards = [target for target in targets if target.cards]
    with_intake = [target for target in targets if target.intake]
    eligible = {"card": with_cards, "form": with_intake, "intake": with_intake}
    actions = []
    for kind in kinds:
        target = one if load == "one" else rng.choice(eligible.get(kind, targets))
        path = {
            "home": "/",
            "search": f"/szukaj/?q={quote_plus(rng.choice(SEARCHES))}",
            "card": f"/uslugi/{rng.choice(target.cards)}/" if target.cards else "/",
            "form": FORM_URL,
            "office": rng.choice(OFFICE_PAGES),
            "intake": FORM_URL,
        }[kind]
        actions.append(Action(kind=kind, target=target, path=path))
    return actions


def first_visits(targets: list[Target], seed: int, passes: int) -> list[Action]:
    """Every unit's home page, its clerk's office start page, and its form page where it offers the intake, in a
    random order, `passes` times: what steady state leaves warm.

    - The shared cache: an entry there is warm when its key comes back within the entry's life, and at the spread
      load's rate (about 140 requests/s) a unit is asked for something every 20 s, its clerk for an office page
      every 80 s, its form page every 3 minutes — within the 300 s of its host → unit entry (TENANT_CACHE_SECONDS)
      and the hour of its branding, its counts of services, its form's filing entry and its clerk's count of
      unread notifications. Cards are not cached. One pass fills it.
    - What a worker's connections keep of the units they served: a unit is warm in a worker that has served it
      since it started. A worker serving uniform traffic over U units for L requests meets on average a share of
      about U / L of them cold: 5.6% for the country's 2,807 units and production's 50,000 requests a worker
      (GUNICORN_MAX_REQUESTS). A pass gives each of W workers about 3 × U / W requests, so after 4 passes with 4
      workers a worker meets e^(-3) ≈ 5% of its next requests' units cold: steady state, not better. With one
      connection a worker, replaced every CONN_MAX_SCHEMAS new units, nearly every unit is cold whatever the
      passes: one is steady state."""
    actions = []
    for number in range(passes):
        visits = [Action(kind="home", target=target, path="/") for target in targets]
        visits += [Action(kind="office", target=target, path=OFFICE_PAGES[0]) for target in targets]
        visits += [Action(kind="form", target=target, path=FORM_URL) for target in targets if target.intake]
        random.Random(seed + number).shuffle(visits)
        actions += visits
    return actions


def _intake(conn, host: str, pdf: bytes) -> tuple[str | None, str | None]:
    """A new visitor opens the form (its CSRF cookie and token) and files the general letter with the PDF:
    (the application's reference, None), or (None, what went wrong)."""
    conn.request("GET", FORM_URL, headers={"Host": host})
    response = conn.getresponse()
    page = response.read().decode()
    cookie, token = _cookie_set(response, "csrftoken"), _TOKEN.search(page)
    if response.status != 200 or cookie is None or token is None:
        return None, f"form GET: HTTP {response.status}"
    body, content_type = _multipart(
        {**LETTER, "csrfmiddlewaretoken": token[1]}, {ATTACHMENT_FIELD: ("skan.pdf", pdf, "application/pdf")}
    )
    return _filing(conn, Browser(host=host, csrf_cookie=cookie, body=body, content_type=content_type))


def _page(conn, action: Action, host: str) -> str | None:
    """One GET; None when it answered 200, else what it answered."""
    headers = {"Host": host}
    if action.kind == "office":
        headers["Cookie"] = action.target.clerk_session
    conn.request("GET", action.path, headers=headers)
    response = conn.getresponse()
    response.read()
    return None if response.status == 200 else f"{action.kind} {action.path}: HTTP {response.status}"


REQUESTS = {kind: 4 if kind == "intake" else 1 for kind in MIX}


@dataclass
class Load:
    label: str
    actions: list[Action]
    wall: float = 0.0
    requests: int = 0  # answered as expected
    latencies: dict[str, list[float]] = field(default_factory=dict)  # by kind, of the actions that succeeded
    filed: dict[str, list[str]] = field(default_factory=dict)  # unit code → references acknowledged
    failures: Counter = field(default_factory=Counter)
    started_at: float = 0.0  # time.monotonic(), for the memory samples
    ended_at: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds: "machine" (busy), "web", "clients"

    @property
    def rate(self) -> float:
        return self.requests / self.wall if self.wall else 0.0

    def percentiles(self, kinds) -> tuple[float, float]:
        samples = [latency for kind in kinds for latency in self.latencies.get(kind, [])]
        if len(samples) < 2:
            return (float("nan"),) * 2
        cuts = statistics.quantiles(samples, n=100, method="inclusive")
        return cuts[49] * 1000, cuts[94] * 1000


PAGE_KINDS = [kind for kind in MIX if kind != "intake"]


def load_drive(port: int, load: Load, clients: int, pdf: bytes, server_pid: int) -> Load:
    """The load's actions, taken in order by `clients` threads; the CPU time the machine, the web server's
    processes and this process (the clients) spent meanwhile."""
    tickets, lock = itertools.count(), threading.Lock()

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        latencies, filed, failures, requests = {}, {}, Counter(), 0
        while (index := next(tickets)) < len(load.actions):
            action = load.actions[index]
            host = f"{action.target.host}:{port}"
            started = time.perf_counter()
            try:
                if action.kind == "intake":
                    reference, failure = _intake(conn, host, pdf)
                else:
                    reference, failure = None, _page(conn, action, host)
            except Exception as error:  # any failure: counted, the load goes on (on a new connection)
                conn.close()
                reference, failure = None, f"{action.kind}: {type(error).__name__}"
            if failure is None:
                latencies.setdefault(action.kind, []).append(time.perf_counter() - started)
                requests += REQUESTS[action.kind]
                if reference:
                    filed.setdefault(action.target.code, []).append(reference)
            else:
                failures[failure] += 1
        conn.close()
        with lock:
            load.requests += requests
            for kind, values in latencies.items():
                load.latencies.setdefault(kind, []).extend(values)
            for code, references in filed.items():
                load.filed.setdefault(code, []).extend(references)
            load.failures.update(failures)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    machine, web, own = _cpu_times(), _process_cpu(_process_tree(server_pid)), time.process_time()
    load.started_at, started = time.monotonic(), time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    load.wall, load.ended_at = time.perf_counter() - started, time.monotonic()
    load.cpu = {
        "machine": (_cpu_times() or (0.0, 0.0))[0] - (machine or (0.0, 0.0))[0],
        "web": _cpu_used(web, _process_cpu(_process_tree(server_pid))),
        "clients": time.process_time() - own,
    }
    return load


# --- PostgreSQL's memory, sampled ----------------------------------------------------------------------------


def _backend_memory(pid: int) -> dict[str, int]:
    """kB of the process's memory: "own", the pages of its private mappings that it alone holds (its catalogue
    caches, plans, sorts), and "pss", its proportional share of everything it maps; {} when it has ended since
    it was listed. Shared mappings (PostgreSQL's shared buffers) are left out of "own": a buffer page that only
    this backend has touched yet counts as private in the kernel's figures, though it belongs to the server's
    fixed shared_buffers. Raises PermissionError for another user's process, OSError where there is no /proc."""
    try:
        lines = Path(f"/proc/{pid}/smaps").read_text().splitlines()
    except (FileNotFoundError, ProcessLookupError):
        return {}
    own = pss = 0
    shared = False
    for line in lines:
        name, _, rest = line.partition(":")
        if not rest.endswith("kB"):
            fields = line.split()
            if len(fields) > 1 and "-" in fields[0] and len(fields[1]) == 4:  # a mapping: "start-end perms …"
                shared = fields[1][3] == "s"
            continue
        if name == "Pss":
            pss += int(rest.split()[0])
        elif name in ("Private_Clean", "Private_Dirty") and not shared:
            own += int(rest.split()[0])
    return {"own": own, "pss": pss}


@dataclass(frozen=True)
class MemorySample:
    at: float  # time.monotonic()
    private_mb: dict[int, float]  # backend pid → private pages of its private mappings (_backend_memory's "own")
    pss_mb: float  # over the backends
    cpu: dict[int, float]  # backend pid → CPU seconds since it started


def _node_urls(url: str) -> list[str]:
    """`url`, and on a Citus coordinator the same database on each worker: the backends there serve it too."""
    if not fetch_all(url, "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')")[0][0]:
        return [url]
    workers = fetch_all(url, "SELECT nodename, nodeport FROM pg_dist_node WHERE groupid <> 0 AND noderole = 'primary'")
    return [url] + [with_address(url, host, port) for host, port in workers]


class MemorySampler:
    """Every `every` seconds, the memory of each client backend of the database at `url` (on Citus, on every node)
    but its own; less often with many backends (25 ms a backend), whose smaps this process reads on the same
    two cores as the load."""

    def __init__(self, url: str, every: float = 0.5):
        self.url, self.every = url, every
        self.samples: list[MemorySample] = []
        self.unreadable = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        import psycopg2

        conns = [psycopg2.connect(url) for url in _node_urls(self.url)]
        for conn in conns:
            conn.autocommit = True
        try:
            pids = []
            while not self._stop.wait(max(self.every, 0.025 * len(pids))):
                pids = []
                for conn in conns:
                    with conn.cursor() as cursor:
                        cursor.execute(
                            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                            "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
                        )
                        pids += [pid for (pid,) in cursor.fetchall()]
                private, pss = {}, 0.0
                for pid in pids:
                    try:
                        figures = _backend_memory(pid)
                    except OSError:  # not on this machine, or not ours
                        self.unreadable = True
                        continue
                    if not figures:  # a backend closed since the list was read
                        continue
                    private[pid] = figures["own"] / 1024
                    pss += figures["pss"] / 1024
                cpu = _process_cpu(private)
                self.samples.append(MemorySample(at=time.monotonic(), private_mb=private, pss_mb=pss, cpu=cpu))
        finally:
            for conn in conns:
                conn.close()

    def during(self, load: Load) -> list[MemorySample]:
        return [sample for sample in self.samples if load.started_at <= sample.at <= load.ended_at]

    def backend_cpu(self, load: Load) -> float:
        """CPU seconds of the database's backends during the load: from the last sample before it (0 for a backend
        that started during it) to the last sample of each backend in it (a backend's last half second is lost)."""
        before = next((sample.cpu for sample in reversed(self.samples) if sample.at < load.started_at), {})
        last: dict[int, float] = {}
        for sample in self.during(load):
            last.update(sample.cpu)
        return sum(seconds - before.get(pid, 0.0) for pid, seconds in last.items())


def memory_figures(samples: list[MemorySample]) -> dict:
    """Largest backend, largest sum over backends, backends seen; the largest backend in the first and the last
    third of the samples."""
    if not samples:
        return {}
    largest = [max(sample.private_mb.values(), default=0.0) for sample in samples]
    third = max(1, len(samples) // 3)
    return {
        "backend_max": max(largest),
        "sum_max": max(sum(sample.private_mb.values()) for sample in samples),
        "pss_max": max(sample.pss_mb for sample in samples),
        "backends": len({pid for sample in samples for pid in sample.private_mb}),
        "thirds_max": [max(largest[:third]), max(largest[third:-third] or [0.0]), max(largest[-third:])],
        "samples": len(samples),
    }


# --- a serving run -------------------------------------------------------------------------------------------


def serving_run(*, database_url: str, loads: list[Load], options, folder: Path, one: Target, pdf: bytes) -> dict:
    """The web server started on `database_url` (production's persistent connections, the schema bound of
    `options.max_schemas`), the `loads` driven in order while PostgreSQL's memory is sampled, the server stopped.
    Returns the server's label, the memory samples and the server log's warnings. A run on another database (a
    Citus cluster) is one more call with its URL."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["CONN_MAX_SCHEMAS"] = str(options.max_schemas)
    os.environ["CONN_MAX_PER_THREAD"] = str(options.per_thread)
    os.environ["CONN_MAX_AGE"] = str(options.conn_max_age)
    server = _server_start(
        SimpleNamespace(server="gunicorn", workers=options.workers, threads=1),
        one.host,
        folder / "server.log",
    )
    try:
        with MemorySampler(database_url) as sampler:
            for load in loads:
                load_drive(server.port, load, options.clients, pdf, server.process.pid)
                print(
                    f"  … {load.label}: {load.requests} requests in {load.wall:.1f} s ({load.rate:.0f}/s)"
                    + (f", {load.failures.total()} failed" if load.failures else ""),
                    file=sys.stderr,
                    flush=True,
                )
    finally:
        _server_stop(server)
    log = [
        line
        for line in (folder / "server.log").read_text().splitlines()
        if ("WARNING" in line or "ERROR" in line or "Traceback" in line) and "No hostname was supplied" not in line
    ]
    return {"server": server.label, "sampler": sampler, "log": log}


# --- checks --------------------------------------------------------------------------------------------------


def intakes_check(filed: dict[str, list[str]], since) -> bool:
    """In each unit's schema: the applications filed since `since` are exactly the acknowledged ones, each with its
    register entry and signed receipt, and the register's numbers are 1..n without gaps."""
    from django.db import connection
    from django_tenants.utils import tenant_context

    from shared_services.eforms.models import Submission
    from shared_services.inbox.models import RegisterEntry
    from tenants.models import Tenant

    acknowledged = sum(len(references) for references in filed.values())
    problems = []
    for unit in Tenant.objects.filter(code__in=filed):
        references = set(filed[unit.code])
        with tenant_context(unit):
            stored = {
                str(value)
                for value in Submission.objects.filter(submitted_at__gte=since).values_list("reference", flat=True)
            }
            registered = RegisterEntry.objects.filter(
                submission__reference__in=references, receipt__isnull=False
            ).count()
            numbers = sorted(RegisterEntry.objects.filter(year=since.year).values_list("number", flat=True))
        if len(references) != len(filed[unit.code]) or stored != references or registered != len(references):
            problems.append(
                f"{unit.code}: {len(references)} acknowledged, {len(stored)} stored, {registered} registered"
            )
        if numbers != list(range(1, len(numbers) + 1)):
            problems.append(f"{unit.code}: register numbers not 1..{len(numbers)}")
    connection.set_schema_to_public()
    print(
        f"check: {acknowledged} intakes acknowledged in {len(filed)} units; each is an application with its register "
        f"entry and signed receipt, the applications filed during the run are exactly those, numbers without gaps: "
        + ("yes" if not problems else f"NO ({len(problems)} units, e.g. {problems[:3]})")
    )
    return not problems


# --- the run -------------------------------------------------------------------------------------------------


def _files_folder() -> Path:
    """Signing keys, media, cache and queue of the bench database: kept with it (`--keep`), so named after it."""
    return Path(tempfile.gettempdir()) / f"{BENCH_DATABASE}-files"


def run(options) -> None:
    with ExitStack() as stack:
        if "CACHE_URL" not in os.environ and shutil.which("redis-server"):
            # As in production: a file cache culls its folder on every write once it holds 300 entries, and the
            # country's hosts are ten times that.
            from tests.support.redis_server import redis_server

            os.environ["CACHE_URL"] = stack.enter_context(redis_server())
        print(f"cache: {os.environ.get('CACHE_URL') or 'files (no redis-server on this machine)'}")
        run_with_cache(options)


def run_with_cache(options) -> None:
    if options.database_url:  # one side of --citus: an empty database that the caller made and drops
        server_url, url = None, options.database_url
        folder = Path(tempfile.mkdtemp(prefix=f"{CITUS_DATABASE}-"))
    else:
        server_url, url = bench_database(BENCH_DATABASE)
        folder = _files_folder()
    _environment(url, folder, conn_max_age=60)
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    import django

    django.setup()  # connects to nothing yet
    units = len(_first_codes(options.units))
    if "KEYCLOAK_SERVER_URL" not in os.environ:
        from infra.devservices.devidp import start_dev_idp

        os.environ["KEYCLOAK_SERVER_URL"] = start_dev_idp().base_url
    try:
        if server_url is None:
            onboarding = units_onboard(url, units, dict(os.environ))
        else:
            onboarding = database_prepare(server_url, url, units, reuse=options.keep)
        figures = _measure(options, url, folder)
    finally:
        from infra.bench.common import _close_django_connections

        _close_django_connections()
        if options.keep:
            print(f"(kept the database {BENCH_DATABASE}: {url}; files in {folder})", file=sys.stderr)
        else:
            if server_url is not None:
                database_drop(server_url, BENCH_DATABASE)
            shutil.rmtree(folder, ignore_errors=True)
    if options.database_url:  # for the caller's comparison
        print(RESULT_MARK + json.dumps({**figures, "onboarding": onboarding}))


def _measure(options, url: str, folder: Path) -> dict:
    """Steps 2–4 on the onboarded database at `url`, printed; the figures a comparison needs, returned."""
    from django.utils import timezone

    started = time.perf_counter()
    targets = targets_prepare(_first_codes(options.units))
    one = next((target for target in targets if target.code == ONE_UNIT), None) or next(
        target for target in targets if target.intake
    )
    print(
        f"set-up: {len(targets)} units, {sum(target.intake for target in targets)} of them offering {INTAKE_SERVICE}, "
        f"a clerk signed in in each, in {time.perf_counter() - started:.0f} s; the one unit: {one.host}"
    )
    pdf = sample_pdf()
    rng = random.Random(options.seed)
    kinds = rng.choices(list(MIX), weights=list(MIX.values()), k=options.actions)
    order = ["one warm-up"] + (["spread warm-up"] if options.spread_warmup else [])
    for round_number in range(options.rounds):
        order += list(LOADS) if round_number % 2 == 0 else list(reversed(LOADS))
    loads = []
    for index, label in enumerate(order):
        if label == "spread warm-up":
            actions = first_visits(targets, seed=options.seed, passes=options.warmup_passes)
        else:
            load = "one" if label.startswith("one") else "spread"
            count = options.warmup if label == "one warm-up" else options.actions
            actions = actions_make(kinds[:count], targets, one, load, seed=options.seed + index)
        loads.append(Load(label=label, actions=actions))
    since = timezone.now()
    result = serving_run(database_url=url, loads=loads, options=options, folder=folder, one=one, pdf=pdf)
    sampler = result["sampler"]

    measured = {load: [item for item in loads if item.label == load] for load in LOADS}
    print(
        f"server: {result['server']}; CONN_MAX_AGE={options.conn_max_age}, CONN_MAX_SCHEMAS={options.max_schemas}"
        f"{' (no bound)' if not options.max_schemas else ''}, CONN_MAX_PER_THREAD={options.per_thread}; "
        f"clients: {options.clients} threads (http.client)"
    )
    print(database_memory_line(url))
    print(
        f"load: {options.rounds} rounds of {options.actions} actions per load after {options.warmup} warm-up ones "
        f"on the one unit; mix by weight: " + ", ".join(f"{kind} {weight}" for kind, weight in MIX.items())
    )
    warmup = next((load for load in loads if load.label == "spread warm-up"), None)
    if warmup:
        print(
            f"    spread warm-up (untimed; every unit's home page, its clerk's office start page, and its form page where "
            f"it offers one, {options.warmup_passes} time{'s' if options.warmup_passes > 1 else ''}): "
            f"{warmup.requests} requests in {warmup.wall:.1f} s ({warmup.rate:.0f}/s)"
            + (f", {warmup.failures.total()} failed" if warmup.failures else "")
        )
    else:
        print("    no spread warm-up (--no-spread-warmup): the spread load meets every unit cold")
    print(
        f"    {'':26} {'requests':>8} {'failed':>6} {'wall s':>7} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'intake p95':>10}"
    )
    totals = {}
    for load, items in measured.items():
        merged = Load(label=load, actions=[])
        for item in items:
            merged.wall += item.wall
            merged.requests += item.requests
            merged.failures.update(item.failures)
            for key, seconds in item.cpu.items():
                merged.cpu[key] = merged.cpu.get(key, 0.0) + seconds
            merged.cpu["postgres"] = merged.cpu.get("postgres", 0.0) + sampler.backend_cpu(item)
            for kind, values in item.latencies.items():
                merged.latencies.setdefault(kind, []).extend(values)
        totals[load] = merged
        p50, p95 = merged.percentiles(PAGE_KINDS)
        intake_p95 = merged.percentiles(["intake"])[1]
        label = f"spread over {len(targets)} units" if load == "spread" else f"one unit ({one.code})"
        print(
            f"    {label:26} {merged.requests:8} {merged.failures.total():6} {merged.wall:7.1f} {merged.rate:7.1f} "
            f"{p50:7.1f} {p95:7.1f} {intake_p95:10.0f}"
        )
    for load, merged in totals.items():
        by_kind = ", ".join(f"{kind} {merged.percentiles([kind])[1]:.0f}" for kind in MIX if merged.latencies.get(kind))
        print(f"    {load}: p95 ms by kind: {by_kind}")
        cpu = {key: seconds / merged.requests * 1000 for key, seconds in merged.cpu.items()} if merged.requests else {}
        if cpu:
            print(
                f"    {load}: CPU ms per request: web server {cpu['web']:.1f}, PostgreSQL's backends {cpu['postgres']:.1f}, "
                f"clients {cpu['clients']:.1f}, anything else "
                f"{cpu['machine'] - cpu['web'] - cpu['postgres'] - cpu['clients']:.1f}; "
                f"machine {cpu['machine']:.1f} ({merged.cpu['machine'] / merged.wall / (os.cpu_count() or 1) * 100:.0f}% busy)"
            )
        if merged.failures:
            print(f"    {load} failures: " + "; ".join(f"{what} ×{n}" for what, n in merged.failures.most_common(5)))
    if result["log"]:
        print(
            f"server log: {len(result['log'])} warnings or errors, the last ones:\n    "
            + "\n    ".join(result["log"][-5:])
        )

    print(
        "PostgreSQL memory (client backends of the database, /proc/<pid>/smaps, shared buffers left out, every 0.5 s or 25 ms a backend):"
    )
    if sampler.unreadable:
        print("    (backends could not be read: DATABASE_URL's server is not on this machine, or not ours)")
    figures_by_load = {}
    for load in LOADS:
        samples = [sample for item in measured[load] for sample in sampler.during(item)]
        figures = figures_by_load[load] = memory_figures(samples)
        if figures:
            print(
                f"    {load:7} largest backend {figures['backend_max']:.1f} MB (own), sum over backends "
                f"{figures['sum_max']:.1f} MB (Pss {figures['pss_max']:.1f} MB); {figures['backends']} backends seen in "
                f"{figures['samples']} samples; largest backend by third of the samples "
                + " / ".join(f"{value:.1f}" for value in figures["thirds_max"])
                + " MB"
            )
    all_figures = memory_figures(sampler.samples)
    filed: dict[str, list[str]] = {}
    for load in loads:
        for code, references in load.filed.items():
            filed.setdefault(code, []).extend(references)
    intakes_checked = intakes_check(filed, since)

    spread, one_unit = totals["spread"], totals["one"]
    ratio = spread.rate / one_unit.rate if one_unit.rate else 0.0
    spread_figures = figures_by_load.get("spread") or {}
    # Bounded: once connections recycle, the largest backend of the last third is no larger than before (+10%).
    trend_ok = bool(spread_figures) and spread_figures["thirds_max"][2] <= max(spread_figures["thirds_max"][:2]) * 1.1
    print("targets (2-core machine):")
    print(f"    spread ≥ {TARGET_RATIO} of one-unit throughput: {ratio:.2f} — {verdict(ratio >= TARGET_RATIO)}")
    if spread_figures:
        print(
            "    backend memory bounded, no upward trend (spread loads' largest backend in the last third of the "
            "samples ≤ the first two thirds' + 10%): "
            + " / ".join(f"{value:.1f}" for value in spread_figures["thirds_max"])
            + f" MB — {verdict(trend_ok)}"
        )
    print(
        f"country: {len(targets)} units, {ratio:.2f} of one-unit throughput, p95 {spread.percentiles(PAGE_KINDS)[1]:.0f} "
        f"ms, backend max {all_figures.get('backend_max', float('nan')):.0f} MB"
    )
    return {
        "units": len(targets),
        "loads": {
            load: {
                "rate": merged.rate,
                "p95": merged.percentiles(PAGE_KINDS)[1],
                "postgres_cpu_ms": merged.cpu.get("postgres", 0.0) / merged.requests * 1000 if merged.requests else 0.0,
                "failed": merged.failures.total(),
                "failures": merged.failures.most_common(5),
            }
            for load, merged in totals.items()
        },
        "intakes": {"acknowledged": sum(map(len, filed.values())), "units": len(filed), "checked": intakes_checked},
        "server_log": result["log"][-5:],
        "server_log_lines": len(result["log"]),
    }


# --- --citus: the same on plain PostgreSQL and on a Citus cluster ------------------------------------------------


def citus_compare(options) -> None:
    """Onboarding and a serving run on plain PostgreSQL, then on a Citus cluster, each in an empty database made
    here; then the two side by side."""
    citus_required()  # before minutes are spent on plain PostgreSQL
    server_url, plain_url = bench_database(CITUS_DATABASE)
    sides = {}
    try:
        database_recreate(server_url, CITUS_DATABASE)
        print(f"--- plain PostgreSQL {_server_version(plain_url)} (load average {os.getloadavg()[0]:.1f}) ---")
        sides["plain"] = _side_run(plain_url, options)
    finally:
        database_drop(server_url, CITUS_DATABASE)
    # The cluster's data is thrown away with it: nothing to drop.
    with citus_cluster(options.citus_port, CITUS_DATABASE) as citus_url:
        print(
            f"--- Citus on PostgreSQL {_server_version(citus_url)}: coordinator {citus_url}, workers on the next two "
            f"ports (load average {os.getloadavg()[0]:.1f}); PostgreSQL's memory and CPU below are the three nodes' "
            "backends ---"
        )
        sides["citus"] = _side_run(citus_url, options)
        placement = citus_placement(citus_url)
    _comparison_print(sides, placement)


def database_memory_line(url: str) -> str:
    """The server's shared buffers next to the system catalogue they should hold: with thousands of schemas the
    catalogue outgrows the 128 MB default, and each unit met cold is then read from the kernel's cache."""
    ((shared_buffers, buffer_bytes, catalogue_bytes),) = fetch_all(
        url,
        "SELECT current_setting('shared_buffers'), "
        "(SELECT setting::bigint * current_setting('block_size')::bigint FROM pg_settings "
        "WHERE name = 'shared_buffers'), "
        "(SELECT sum(pg_total_relation_size(oid)) FROM pg_class "
        "WHERE relnamespace = 'pg_catalog'::regnamespace AND relkind = 'r')",
    )
    advice = (
        " — smaller than the catalogue: docs/deployment.md advises a quarter of the RAM "
        "(ALTER SYSTEM SET shared_buffers, then a restart)"
        if buffer_bytes < catalogue_bytes
        else ""
    )
    return f"database: shared_buffers {shared_buffers}, system catalogue {catalogue_bytes / 2**20:,.0f} MB{advice}"


def _server_version(url: str) -> str:
    """The two sides may run different PostgreSQL versions (the Citus build is 15): said next to their figures."""
    return fetch_all(url, "SHOW server_version")[0][0]


def _side_run(url: str, options) -> dict:
    """This bench on the empty database at `url`, in a subprocess (Django, its connection and the check for Citus
    are per process), its report printed as it comes; its figures."""
    command = [sys.executable, "-m", "infra.bench.country", "--database-url", url]
    for name in (
        "units",
        "actions",
        "warmup",
        "warmup_passes",
        "rounds",
        "clients",
        "workers",
        "max_schemas",
        "per_thread",
        "conn_max_age",
        "seed",
    ):
        command += [f"--{name.replace('_', '-')}", str(getattr(options, name))]
    command.append("--spread-warmup" if options.spread_warmup else "--no-spread-warmup")

    def relay(line: str, _seconds: float) -> None:
        if not line.startswith(RESULT_MARK):
            print(line, end="")

    return _result(_run(command, dict(os.environ), on_line=relay)[0])


def _comparison_print(sides: dict, placement: str) -> None:
    plain, citus = sides["plain"], sides["citus"]
    print(f"plain PostgreSQL against Citus, a coordinator and two workers on this machine ({placement}):")
    # Requests/s swing with whatever else the machine runs; the CPU PostgreSQL spent per request much less.
    print("    (pg CPU: ms of CPU that PostgreSQL's backends spent per request, on Citus those of all three nodes)")
    print(
        f"    {'':18} {'units':>5} {'onboarding s/unit':>17} {'spread req/s':>12} {'p95 ms':>6} {'pg CPU':>6} "
        f"{'one unit req/s':>14} {'p95 ms':>6} {'pg CPU':>6} {'failed':>6}  intakes"
    )
    for label, side in (("plain PostgreSQL", plain), ("Citus (3 nodes)", citus)):
        spread, one = side["loads"]["spread"], side["loads"]["one"]
        intakes = side["intakes"]
        print(
            f"    {label:18} {side['units']:5} {_per_unit(side):17.3f} {spread['rate']:12.1f} {spread['p95']:6.0f} "
            f"{spread['postgres_cpu_ms']:6.1f} {one['rate']:14.1f} {one['p95']:6.0f} {one['postgres_cpu_ms']:6.1f} "
            f"{spread['failed'] + one['failed']:6}  {intakes['acknowledged']} in {intakes['units']} units, "
            f"checked: {'yes' if intakes['checked'] else 'NO'}"
        )
    # What did not work on either side is said here, not only in its report above.
    for label, side in (("plain PostgreSQL", plain), ("Citus", citus)):
        if side["onboarding"]["failures"]:
            print(f"    {label}: onboarding FAILED for {side['onboarding']['failures']}")
        for load, figures in side["loads"].items():
            if figures["failures"]:
                failures = "; ".join(f"{what} ×{count}" for what, count in figures["failures"])
                print(f"    {label}, {load} load: {figures['failed']} actions failed, e.g. {failures}")
        if side["server_log_lines"]:
            print(
                f"    {label}: server log {side['server_log_lines']} warnings or errors, the last: {side['server_log'][-1]}"
            )
    spread, plain_spread = citus["loads"]["spread"], plain["loads"]["spread"]
    print(
        f"citus: {citus['units']} units, onboarding {_per_unit(citus):.3f} s/unit "
        f"({_per_unit(citus) / _per_unit(plain):.1f}x plain), spread {spread['rate']:.1f} req/s "
        f"({spread['rate'] / plain_spread['rate']:.2f} of plain), p95 {spread['p95']:.0f} ms"
    )


def _per_unit(side: dict) -> float:
    """Seconds per unit of a side's onboarding job."""
    return side["onboarding"]["seconds"] / side["onboarding"]["units"]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m infra.bench.country", description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, help="only the first N units of the register (default: all)")
    parser.add_argument("--actions", type=int, help="actions per load and round (default 1000; 500 with --citus)")
    parser.add_argument("--warmup", type=int, default=200, help="untimed actions on the one unit first (default 200)")
    parser.add_argument(
        "--spread-warmup",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="visit every unit first, untimed, as steady state leaves the caches (default: yes)",
    )
    parser.add_argument(
        "--warmup-passes",
        type=int,
        help="passes of the spread warm-up (default 1; 4 with --per-thread above 1: a worker then meets ~5%% of "
        "units cold, as in steady state)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        help="rounds of the two loads, alternating their order so that a drift of the machine is shared "
        "(default 4; 2 with --citus)",
    )
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients (default 8)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4: two per core)")
    parser.add_argument(
        "--max-schemas",
        type=int,
        default=int(os.environ.get("CONN_MAX_SCHEMAS", "200")),
        help="CONN_MAX_SCHEMAS of the server (default: the settings' 200; 0: no bound)",
    )
    parser.add_argument(
        "--per-thread",
        type=int,
        default=int(os.environ.get("CONN_MAX_PER_THREAD", "1")),
        help="CONN_MAX_PER_THREAD of the server (default: the settings' 1; 15 serves the country's units warm)",
    )
    parser.add_argument(
        "--conn-max-age",
        type=int,
        help="CONN_MAX_AGE of the server, seconds (default 60, production's; 3600 with --per-thread above 1)",
    )
    parser.add_argument("--seed", type=int, default=20, help="of the mix and the units drawn (default 20)")
    parser.add_argument(
        "--keep", action="store_true", help=f"keep the database {BENCH_DATABASE}, and reuse it if it holds the units"
    )
    parser.add_argument(
        "--citus",
        action="store_true",
        help="the first --units units (default 100) onboarded and served on plain PostgreSQL and on a Citus cluster "
        "(../shared/citus), side by side",
    )
    parser.add_argument(
        "--citus-port",
        type=int,
        default=57640,
        help="--citus: the coordinator's port, the workers on the next two (default 57640, as make bench-citus's)",
    )
    parser.add_argument("--stage", choices=["onboard"], help=argparse.SUPPRESS)  # internal: the onboarding subprocess
    parser.add_argument("--database-url", help=argparse.SUPPRESS)  # internal: one side of --citus
    options = parser.parse_args(argv)
    # --citus runs everything twice, once on a slower cluster: fewer units and a shorter load unless given.
    defaults = {"units": 100, "actions": 500, "rounds": 2} if options.citus else {"actions": 1000, "rounds": 4}
    # Connections kept per unit are warm for their life, and a worker meets its units again only after a few passes.
    several = options.per_thread > 1
    defaults |= {"warmup_passes": 4 if several else 1, "conn_max_age": 3600 if several else 60}
    for name, value in defaults.items():
        if getattr(options, name) is None:
            setattr(options, name, value)
    if options.citus and options.keep:
        parser.error("--citus makes and drops databases of its own: no --keep")
    if options.units is not None and options.units < 1:
        parser.error("--units must be at least 1")
    if (
        options.actions < 10
        or options.rounds < 1
        or options.clients < 1
        or options.workers < 1
        or options.max_schemas < 0
        or options.per_thread < 1
        or options.warmup_passes < 1
        or options.conn_max_age < 0
    ):
        parser.error(
            "--actions ≥ 10, --rounds, --clients, --workers, --per-thread and --warmup-passes ≥ 1, "
            "--max-schemas and --conn-max-age ≥ 0"
        )
    sys.stdout.reconfigure(line_buffering=True)  # in order with the progress lines on stderr
    if options.stage == "onboard":
        stage_onboard(options.units)
    elif options.citus:
        citus_compare(options)
    else:
        run(options)


if __name__ == "__main__":
    main()
