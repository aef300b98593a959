"""`make bench-inbox`: how many applications the inbox files per second, end to end over HTTP.

A measurement, not a test: it prints figures and the targets next to them, and never fails because a
target is missed. Everything runs in a database of its own, `ratusz_bench_inbox` (dropped first if it
exists and at the end unless `--keep`), on the embedded server or on the server of `DATABASE_URL`, with
signing keys, files, the cache and the Celery queue in a temporary folder of its own.

    python -m infra.bench.inbox                        # 8 clients, 1,500 filings and 1,500 bare inserts
    python -m infra.bench.inbox --clients 16 --count 3000 --keep
    python -m infra.bench.inbox --profile              # also profile filings in-process (cProfile)

Set-up, through the project's services, with DJANGO_SETTINGS_MODULE=infra.bench.inbox_settings (the
normal settings plus `infra.bench.inbox_app`, whose `/bench/bare-insert/` joins the units' URLs): the public
schema is migrated, the standard catalogue is loaded with its forms, one unit (Toruń, 0463011) is created
with unit_create and adopts its kind's services (offer_adopt_defaults), a receipt-signing key is made.
DEBUG is off, logging at WARNING, e-mail goes nowhere (dummymail://), and Celery's broker is the filesystem
transport in the temporary folder with no worker: the outbox's wake-up `.delay()` writes a message file
and returns, the messages accumulate, and the worker's work (PDFs, e-mails) is not measured.

The web server is gunicorn when it is installed (pre-fork workers, `--workers`, default 4, and `--threads`:
the gthread worker with keep-alive when threads > 1, the sync worker otherwise, the default), else Django's
runserver (one process, a thread per connection: bound by one GIL). CONN_MAX_AGE is production's default, 60
(each worker keeps its database connection), unless `--conn-max-age` says otherwise (0: a connection per
request, as in development).

Measured in the same run against the same server, with `--clients` threads (http.client, keep-alive
where the server allows it) that each GET the form once for the CSRF cookie and token (untimed) and then,
until the phase has its count, make one of these again and again:
  inbox: a filing of the general letter (`pismo-ogolne`) of the service `wydanie-dowodu-osobistego` with a
         ~20 KB PDF attachment, as a new visitor files it: THREE requests.
           1. POST the form (multipart, with the attachment) to /uslugi/wydanie-dowodu-osobistego/wniosek/,
              with the CSRF cookie but no session cookie, so each filing is a new visitor's: the answers and
              the file are kept as a draft that the session it starts (`sessionid`) knows; 302 to the check
              page …/wniosek/sprawdz/ expected;
           2. GET the check page with that visitor's session cookie: its hidden `draft` (the draft's key,
              the intake's idempotency key) and its CSRF token;
           3. POST `draft` (and the CSRF token) to the check page, with the session cookie: the application
              is filed (register number, case, signed receipt, audit, outbox); 302 to its confirmation,
              /wnioski/<uuid>/, expected (not followed).
         A filing counts only when its last answer is that 302; otherwise it has failed, at the first step
         that answered otherwise.
  bare:  the multipart body of step 1 POSTed to /bench/bare-insert/ (CSRF-exempt), which parses it and inserts
         one row with its fields as JSON into the unit's schema: ONE request; 302 expected.
The ratio compares filings per second with bare inserts per second, i.e. three requests (of which two
POSTs) against one. After an untimed warm-up of each, the measured phases run as inbox, bare, bare, inbox
(`--rounds 2`) so that a drift of the machine is shared. Rate = filings (or bare inserts) / wall time of the
phases; latency = a filing's round trip, its three requests together (a bare insert's: its one POST), p50
and p95.

During each measured phase: CPU time of the web server's processes, of this process (the clients), of the
database's backends (with --conn-max-age > 0 only: a backend per request cannot be followed) and of the whole
machine, per filing (or bare insert); and pg_stat_activity sampled every 50 ms: queries running, and how many
of them wait for a row lock, on which table.

Afterwards, in the unit's schema: register numbers must be 1..n without gaps, there must be as many receipts
and register entries as filings were acknowledged (a 302 to /wnioski/<uuid>/), the applications must be
exactly the ones acknowledged (their references), and there must be as many bare rows as the bare view
answered 302. Drafts left over (of filings that failed after their first step) are counted.

When a target is missed (or with --profile), filings are also made in this process through Django's test
Client (the same three requests, a new visitor each time), one at a time, timed, and profiled twice with
cProfile (wall clock and CPU clock): the cost of each step of intake per filing, and the functions with the
most CPU time of their own.

The last line is always `inbox: <n> filings/s (3 requests each), p95 <ms> ms, <pct>% of bare inserts/s`.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import io
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from infra.bench.common import PROJECT_ROOT, bench_session, project_pythonpath, timed, verdict

# The general letter (pismo-ogolne) of the ID card service, filled in as the inbox tests file it.
from tests.support.letters import FORM_URL, LETTER, application_file

BENCH_DATABASE = "ratusz_bench_inbox"
BENCH_SETTINGS = "infra.bench.inbox_settings"
UNIT = {"name": "Toruń", "code": "0463011", "kind": "miasto_na_prawach_powiatu", "slug": "torun"}
BARE_URL = "/bench/bare-insert/"
ATTACHMENT_FIELD = "zalacznik"
ATTACHMENT_BYTES = 20 * 1024

# Targets on the reference machine (2 cores).
TARGET_RATE = 100.0
TARGET_SHARE = 0.5


# --- the database and the environment -------------------------------------------------------------


def _environment(bench_url: str, folder: Path, conn_max_age: int) -> None:
    """What both this process and the web server read at start (settings are read at import)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = BENCH_SETTINGS
    os.environ["DATABASE_URL"] = bench_url
    os.environ["RATUSZ_ENV"] = "development"
    os.environ["DEBUG"] = "False"  # as in production: no query log in memory, cached template loaders
    domain = os.environ.get("PLATFORM_DOMAIN", "localhost").lower().strip(".")
    os.environ["ALLOWED_HOSTS"] = f"{domain},.{domain}"
    os.environ["LOG_LEVEL"] = "WARNING"  # not one request log line per request
    os.environ["CONN_MAX_AGE"] = str(conn_max_age)
    os.environ["EMAIL_URL"] = "dummymail://"
    os.environ["MEDIA_ROOT"] = str(folder / "media")
    os.environ["UPO_KEYS_DIR"] = str(folder / "upo-keys")
    # A filesystem queue of our own that no worker reads: wake-ups accumulate as files.
    os.environ["CELERY_BROKER_URL"] = "filesystem://"
    os.environ["CELERY_FILESYSTEM_QUEUE"] = str(folder / "celery-queue")
    # The host → unit cache, shared by the server's processes (a CACHE_URL that is set, e.g. Redis, is kept).
    os.environ.setdefault("CACHE_URL", f"filecache://{folder / 'cache'}")
    os.environ["PYTHONPATH"] = project_pythonpath()


def _django_setup() -> None:
    import django

    django.setup()


# --- set-up through the project's services --------------------------------------------------------


def _set_up():
    from django.core.management import call_command
    from django.db import connection
    from django_tenants.utils import tenant_context

    from shared_services.catalogue.services import form_definitions_read, seed_read, standard_catalogue_load
    from shared_services.inbox import signing_keys
    from shared_services.offer.services import offer_adopt_defaults
    from tenants.services import unit_create

    _, migrate_s = timed(call_command, "migrate_schemas", shared=True, interactive=False, verbosity=0)
    counts, seed_s = timed(lambda: standard_catalogue_load(seed=seed_read(), form_definitions=form_definitions_read()))

    def unit_adopting():
        unit = unit_create(**UNIT)
        with tenant_context(unit):
            adopted = offer_adopt_defaults(unit_kind=unit.kind)
        return unit, adopted

    (unit, adopted), unit_s = timed(unit_adopting)
    key_id = signing_keys.key_rotate()  # before the server starts: its workers must not race to make one
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # planner statistics, as in a steady production database
    connection.set_schema_to_public()
    print(
        f"set-up: public schema migrated in {migrate_s:.1f} s; seed catalogue ({counts['created']} services) "
        f"loaded in {seed_s:.1f} s; {unit.name} ({unit.code}) created, {adopted} services adopted, in "
        f"{unit_s:.1f} s; receipt-signing key {key_id[:12]}… ({signing_keys.KEY_TYPES[signing_keys.DEFAULT_KEY_TYPE].label})"
    )
    return unit


def sample_pdf(size: int = ATTACHMENT_BYTES) -> bytes:
    """A valid PDF (reportlab, uncompressed pages of text) of at least `size` bytes."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    lines = 40
    while True:
        buffer = io.BytesIO()
        pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=0, invariant=1)
        for line in range(lines):
            if line and line % 55 == 0:
                pdf.showPage()
            pdf.drawString(40, 800 - (line % 55) * 14, f"Skan pisma do urzędu, wiersz {line + 1}: treść pisma " * 2)
        pdf.save()
        content = buffer.getvalue()
        if len(content) >= size:
            return content
        lines += 10


# --- the web server -------------------------------------------------------------------------------


@dataclass
class Server:
    label: str
    process: subprocess.Popen
    port: int
    log: object  # the file its output goes to


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_start(options, host: str, log_path: Path) -> Server:
    port = _free_port()
    gunicorn = options.server == "gunicorn" or (options.server == "auto" and importlib.util.find_spec("gunicorn"))
    if gunicorn:
        import gunicorn as gunicorn_package

        worker = "gthread" if options.threads > 1 else "sync"
        args = [
            sys.executable,
            "-m",
            "gunicorn",
            "platform_core.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(options.workers),
            "--worker-class",
            worker,
            "--threads",
            str(options.threads),
            "--keep-alive",
            "30",
            "--timeout",
            "120",
            "--backlog",
            "2048",
            "--log-level",
            "warning",
            "--worker-tmp-dir",
            tempfile.gettempdir(),
        ]
        label = (
            f"gunicorn {gunicorn_package.__version__}, {options.workers} workers × "
            f"{options.threads} thread{'s' if options.threads > 1 else ''} ({worker} worker"
            f"{', HTTP keep-alive' if worker == 'gthread' else ', no HTTP keep-alive'})"
        )
    else:
        args = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"]
        label = (
            "Django runserver (one process, a thread per connection, one GIL"
            f"{'; gunicorn is not installed' if options.server == 'auto' else ''})"
        )
    log = open(log_path, "w")  # noqa: SIM115 (the server writes to it until _server_stop closes it)
    process = subprocess.Popen(
        args, cwd=PROJECT_ROOT, env=dict(os.environ), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    server = Server(label=label, process=process, port=port, log=log)
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            _server_stop(server)
            raise SystemExit(f"the web server stopped ({process.returncode}):\n{log_path.read_text()}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", FORM_URL, headers={"Host": host})
            status = conn.getresponse().status
            conn.close()
        except (ConnectionError, OSError):
            if time.monotonic() > deadline:
                _server_stop(server)
                raise SystemExit(f"the web server did not answer within 60 s:\n{log_path.read_text()}") from None
            time.sleep(0.2)
            continue
        if status == 200:
            return server
        _server_stop(server)
        raise SystemExit(f"GET {FORM_URL} on {host} answered {status}:\n{log_path.read_text()}")


def _server_stop(server: Server) -> None:
    process = server.process
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # gunicorn's master stops its workers; runserver just exits
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # its own session: only what we started
            process.wait()
    server.log.close()


# --- what the machine and the database do meanwhile ----------------------------------------------


def _cpu_times() -> tuple[float, float] | None:
    """(busy, all) CPU seconds of the whole machine since boot, from /proc/stat (Linux); None elsewhere."""
    try:
        with open("/proc/stat") as stat:
            values = [int(value) for value in stat.readline().split()[1:9]]  # guest time is in user already
    except (OSError, ValueError):
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return (sum(values) - idle) / ticks, sum(values) / ticks


def _process_cpu(pids) -> dict[int, float]:
    """CPU seconds (user + system) of each of these processes that still runs, from /proc/<pid>/stat."""
    ticks, seconds = os.sysconf("SC_CLK_TCK"), {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return seconds


def _process_tree(root: int) -> list[int]:
    """The process and its children (gunicorn's master and workers), found through /proc."""
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == root:
                    children.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return [root, *children]


def _cpu_used(started: dict[int, float], ended: dict[int, float]) -> float:
    return sum(seconds - started.get(pid, 0.0) for pid, seconds in ended.items())


class Monitor:
    """During a phase: CPU time of the whole machine, of the web server's processes, of this process (the
    clients) and, with persistent database connections, of the bench database's backends; and, sampled every
    50 ms from pg_stat_activity, how many of the database's backends are running a query and how many of them
    are waiting for a lock, by the table their waiting query reads."""

    def __init__(self, database_url: str, server_pid: int, persistent_connections: bool):
        self.database_url = database_url
        self.server_pid = server_pid
        self.persistent_connections = persistent_connections
        self.samples = 0
        self.active = 0
        self.waiting = 0
        self.waits_by_table: Counter = Counter()
        self.cpu_busy = self.cpu_all = None
        self.cpu_server = self.cpu_clients = 0.0
        self.cpu_database: float | None = None
        self._stop = threading.Event()
        self._thread = None

    def _backends(self) -> list[int]:
        import psycopg2

        conn = psycopg2.connect(self.database_url)
        try:
            with conn.cursor() as cursor:
                cursor.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                return [pid for (pid,) in cursor.fetchall()]
        finally:
            conn.close()

    def __enter__(self):
        self._database_started = _process_cpu(self._backends()) if self.persistent_connections else None
        self._server_started = _process_cpu(_process_tree(self.server_pid))
        self._clients_started = time.process_time()
        self._cpu_started = _cpu_times()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        ended = _cpu_times()
        self.cpu_clients = time.process_time() - self._clients_started
        self.cpu_server = _cpu_used(self._server_started, _process_cpu(_process_tree(self.server_pid)))
        if self._database_started is not None:
            self.cpu_database = _cpu_used(self._database_started, _process_cpu(self._backends()))
        self._stop.set()
        self._thread.join()
        if self._cpu_started and ended:
            self.cpu_busy, self.cpu_all = ended[0] - self._cpu_started[0], ended[1] - self._cpu_started[1]

    def _sample(self) -> None:
        import psycopg2

        conn = psycopg2.connect(self.database_url)
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                while not self._stop.wait(0.05):
                    cursor.execute("""
                        SELECT wait_event_type = 'Lock', query FROM pg_stat_activity
                        WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'""")
                    rows = cursor.fetchall()
                    self.samples += 1
                    self.active += len(rows)
                    for locked, query in rows:
                        if locked:
                            self.waiting += 1
                            # Quoted by the ORM, not in raw SQL (the register counter's upsert).
                            table = re.search(r'(?:FROM|UPDATE|INTO) "?(\w+)', query or "")
                            self.waits_by_table[table[1] if table else "?"] += 1
        finally:
            conn.close()


# --- the clients ----------------------------------------------------------------------------------

_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# The check page's hidden field: the key of the visitor's draft, which is also the intake's idempotency key.
_DRAFT = re.compile(r'name="draft" value="([0-9a-f-]+)"')
# Where a filing ends: the confirmation page of the application, named by its reference.
_CONFIRMATION = re.compile(
    r"^(?:https?://[^/]+)?/wnioski/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/$"
)


def _multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content, media_type) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {media_type}\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _cookie_set(response, name: str) -> str | None:
    """`name=value` of the cookie `name` that the answer sets, if it sets one."""
    for header, value in response.getheaders():
        if header.lower() == "set-cookie" and value.startswith(f"{name}="):
            return value.split(";", 1)[0]
    return None


@dataclass(frozen=True)
class Browser:
    """What a client thread has from its one GET of the form page (the CSRF cookie and the page's token) and
    the form's multipart body made with them; no session cookie: each filing starts as a new visitor's."""

    host: str
    csrf_cookie: str
    body: bytes
    content_type: str

    def request(self, conn, method: str, url: str, *, session: str | None = None, body=None, content_type=None):
        """One request on the connection, the answer read whole: (the response, its body)."""
        headers = {"Host": self.host, "Cookie": "; ".join(filter(None, (self.csrf_cookie, session)))}
        if body is not None:
            headers |= {"Content-Type": content_type, "Referer": f"http://{self.host}{url}"}
        conn.request(method, url, body=body, headers=headers)
        response = conn.getresponse()
        return response, response.read()


def _filing(conn, browser: Browser) -> tuple[str | None, str | None]:
    """One application filed by a new visitor, in three requests: (its reference, None) when the last answer
    is a 302 to its confirmation /wnioski/<uuid>/; else (None, the step that went wrong and its answer)."""
    # 1. The form with its attachment, without a session cookie: a new visitor. The answers and the file
    #    are kept as a draft that the session it starts knows; on to the check page.
    response, _ = browser.request(conn, "POST", FORM_URL, body=browser.body, content_type=browser.content_type)
    location = response.getheader("Location") or ""
    if response.status != 302 or not location.endswith("/sprawdz/"):
        return None, f"form POST: HTTP {response.status}{f' to {location}' if location else ''}"
    session = _cookie_set(response, "sessionid")
    if session is None:
        return None, "form POST: no session cookie set"
    check_url = urlsplit(location).path
    # 2. The check page, with the visitor's session: the draft's key and the page's CSRF token.
    response, content = browser.request(conn, "GET", check_url, session=session)
    page = content.decode()
    draft, token = _DRAFT.search(page), _TOKEN.search(page)
    if response.status != 200 or draft is None or token is None:
        return None, f"check page GET: HTTP {response.status}{'' if response.status != 200 else ', no draft key'}"
    # 3. "Send": the draft is filed (register number, case, signed receipt); on to the confirmation.
    response, _ = browser.request(
        conn,
        "POST",
        check_url,
        session=session,
        body=urlencode({"csrfmiddlewaretoken": token[1], "draft": draft[1]}).encode(),
        content_type="application/x-www-form-urlencoded",
    )
    location = response.getheader("Location") or ""
    filed = _CONFIRMATION.match(location) if response.status == 302 else None
    if filed is None:
        return None, f"send POST: HTTP {response.status}{f' to {location}' if location else ''}"
    return filed[1], None


def _bare_insert(conn, browser: Browser) -> tuple[str | None, str | None]:
    """The form's multipart body POSTed once to the bare view: ("", None) on its 302."""
    response, _ = browser.request(conn, "POST", BARE_URL, body=browser.body, content_type=browser.content_type)
    return ("", None) if response.status == 302 else (None, f"HTTP {response.status}")


# What one unit of a phase is: a filing (three requests) or a bare insert (one).
ACTIONS = {"inbox": _filing, "bare": _bare_insert}
NOUNS = {"inbox": ("filing", "filings"), "bare": ("bare insert", "bare inserts")}


@dataclass
class Phase:
    label: str
    kind: str  # "inbox" or "bare", a key of ACTIONS
    count: int
    wall: float = 0.0
    ok: int = 0  # filings acknowledged (302 to the confirmation), or bare inserts answered 302
    latencies: list[float] = field(default_factory=list)  # of the ok ones: a filing's three requests together
    references: list[str] = field(default_factory=list)  # of the filings acknowledged
    failures: Counter = field(default_factory=Counter)  # by the step that went wrong and its answer
    errors: list[str] = field(default_factory=list)  # the first few, in full
    monitor: Monitor | None = None


def _client(
    server: Server,
    host: str,
    phase: Phase,
    pdf: bytes,
    tickets,
    lock: threading.Lock,
    barrier: threading.Barrier,
    finished: list[float],
) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    action = ACTIONS[phase.kind]
    ok, latencies, references, failures, errors = 0, [], [], Counter(), []
    try:
        # The form, for the CSRF cookie and token (not timed): a browser's first GET. It starts no session.
        conn.request("GET", FORM_URL, headers={"Host": host})
        response = conn.getresponse()
        page = response.read().decode()
        cookie, token = _cookie_set(response, "csrftoken"), _TOKEN.search(page)[1]
        body, content_type = _multipart(
            {**LETTER, "csrfmiddlewaretoken": token}, {ATTACHMENT_FIELD: ("skan.pdf", pdf, "application/pdf")}
        )
        browser = Browser(host=host, csrf_cookie=cookie, body=body, content_type=content_type)
    except Exception as error:  # any failure: reported with the phase's errors
        with lock:
            phase.errors.append(f"GET {FORM_URL}: {type(error).__name__}: {error}")
        barrier.abort()
        raise
    barrier.wait()
    while True:
        with lock:
            if next(tickets) >= phase.count:
                break
        started = time.perf_counter()
        try:
            reference, failure = action(conn, browser)
        except Exception as error:  # any failure: counted, the run goes on (on a new connection)
            conn.close()
            reference, failure = None, type(error).__name__
            if len(errors) < 3:
                errors.append(f"{type(error).__name__}: {error}")
        if failure is None:
            latencies.append(time.perf_counter() - started)
            ok += 1
            if reference:
                references.append(reference)
        else:
            failures[failure] += 1
    finished.append(time.perf_counter())
    conn.close()
    with lock:
        phase.ok += ok
        phase.latencies += latencies
        phase.references += references
        phase.failures.update(failures)
        phase.errors += errors


def _run_phase(
    server: Server,
    host: str,
    label: str,
    kind: str,
    count: int,
    clients: int,
    pdf: bytes,
    database_url: str | None = None,
    persistent_connections: bool = False,
) -> Phase:
    """`count` filings (kind "inbox") or bare inserts (kind "bare") from `clients` threads; with
    `database_url`, the phase is monitored."""
    import itertools

    phase = Phase(label=label, kind=kind, count=count)
    tickets, lock, finished = itertools.count(), threading.Lock(), []
    barrier = threading.Barrier(clients + 1)
    threads = [
        threading.Thread(target=_client, args=(server, host, phase, pdf, tickets, lock, barrier, finished), daemon=True)
        for _ in range(clients)
    ]
    for thread in threads:
        thread.start()
    monitor = Monitor(database_url, server.process.pid, persistent_connections) if database_url else None
    try:
        if monitor:
            monitor.__enter__()
        barrier.wait(timeout=120)  # every client has its form and token: the phase starts
        started = time.perf_counter()
    except threading.BrokenBarrierError:
        if monitor:
            monitor.__exit__(None, None, None)
        for thread in threads:
            thread.join(timeout=5)
        raise SystemExit(f"the clients could not get the form: {phase.errors or 'timed out'}") from None
    for thread in threads:
        thread.join()
    if monitor:
        monitor.__exit__(None, None, None)
    phase.wall = max(finished, default=started) - started
    phase.monitor = monitor
    return phase


def _percentiles_ms(samples: list[float]) -> tuple[float, float]:
    if len(samples) < 2:
        return (samples[0] * 1000,) * 2 if samples else (float("nan"),) * 2
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000


@dataclass
class Totals:
    label: str  # "inbox" or "bare"
    phases: list[Phase]

    @property
    def noun(self) -> str:
        return NOUNS[self.label][0]

    @property
    def submitted(self) -> int:
        return sum(phase.ok for phase in self.phases)

    @property
    def wall(self) -> float:
        return sum(phase.wall for phase in self.phases)

    @property
    def rate(self) -> float:
        return self.submitted / self.wall if self.wall else 0.0

    @property
    def failed(self) -> int:
        return sum(phase.failures.total() for phase in self.phases)

    @property
    def percentiles(self) -> tuple[float, float]:
        return _percentiles_ms([latency for phase in self.phases for latency in phase.latencies])


def _print_monitor(totals: Totals) -> None:
    monitors = [phase.monitor for phase in totals.phases if phase.monitor]
    samples = sum(monitor.samples for monitor in monitors)
    if not monitors or not totals.submitted:
        return

    def per_one(seconds: float) -> str:
        return f"{seconds / totals.submitted * 1000:.1f}"

    busy = sum(monitor.cpu_busy or 0 for monitor in monitors)
    every = sum(monitor.cpu_all or 0 for monitor in monitors)
    server = sum(monitor.cpu_server for monitor in monitors)
    clients = sum(monitor.cpu_clients for monitor in monitors)
    database = (
        sum(monitor.cpu_database for monitor in monitors)
        if all(monitor.cpu_database is not None for monitor in monitors)
        else None
    )
    print(
        f"    {totals.label}: CPU ms per {totals.noun}: web server {per_one(server)}, "
        f"PostgreSQL {per_one(database) if database is not None else '? (a connection per request)'}, "
        f"clients {per_one(clients)}; whole machine {per_one(busy)} "
        f"({busy / every * 100:.0f}% busy{', anything else running included' if every else ''})"
    )
    if samples:
        waits = Counter()
        for monitor in monitors:
            waits.update(monitor.waits_by_table)
        active = sum(monitor.active for monitor in monitors) / samples
        waiting = sum(monitor.waiting for monitor in monitors) / samples
        print(
            f"        database: {active:.1f} queries running on average, {waiting:.1f} of them waiting for a row lock"
            + (
                " ("
                + ", ".join(
                    f"{table} {count * 100 / sum(waits.values()):.0f}%" for table, count in waits.most_common(3)
                )
                + ")"
                if waits
                else ""
            )
        )


# --- checks and profile ---------------------------------------------------------------------------


def _check(unit, filed: list[str], bare_302: int, queue_dir: Path) -> bool:
    """After the run, in the unit's schema: `filed` are the references of the filings acknowledged (a 302 to
    /wnioski/<uuid>/), warm-up included; `bare_302` the bare view's 302s."""
    from django.db import connection
    from django_tenants.utils import tenant_context

    from infra.bench.inbox_app.models import BareSubmission
    from shared_services.eforms.models import Attachment, FormDraft, Submission
    from shared_services.inbox import upo
    from shared_services.inbox.models import Case, OutboxMessage, Receipt, RegisterEntry

    with tenant_context(unit):
        numbers = sorted(RegisterEntry.objects.values_list("number", flat=True))
        years = set(RegisterEntry.objects.values_list("year", flat=True))
        receipts, cases = Receipt.objects.count(), Case.objects.count()
        references = {str(reference) for reference in Submission.objects.values_list("reference", flat=True)}
        attachments, drafts = Attachment.objects.count(), FormDraft.objects.count()
        pending = OutboxMessage.objects.count()
        bare = BareSubmission.objects.count()
        last = Receipt.objects.order_by("-pk").first()
        verified = upo.receipt_verify(bytes(last.signed_xml)).valid if last else False
    connection.set_schema_to_public()
    gapless = numbers == list(range(1, len(numbers) + 1))
    files = len(list((queue_dir).glob("*.msg")))
    acknowledged = len(filed)
    # Each acknowledged filing is one application, and every application stored was acknowledged.
    same_applications = len(set(filed)) == acknowledged and references == set(filed)
    consistent = receipts == acknowledged and len(numbers) == acknowledged and same_applications and bare == bare_302
    print(
        f"check: register numbers 1..{len(numbers)} {'without gaps' if gapless else 'WITH GAPS OR REPEATS'} "
        f"(year {', '.join(map(str, sorted(years))) or '—'}); receipts {receipts} = filings acknowledged (302 to "
        f"/wnioski/<uuid>/) {acknowledged}: {'yes' if receipts == acknowledged else 'NO'}; the {len(references)} "
        f"applications stored are the ones acknowledged: {'yes' if same_applications else 'NO'}; bare rows "
        f"{bare} = 302s of the bare view {bare_302}: {'yes' if bare == bare_302 else 'NO'}"
    )
    print(
        f"    cases {cases}, attachments {attachments}, visitors' drafts left (filings that failed after their "
        f"form POST) {drafts}, outbox messages {pending} (no worker: all pending), wake-up messages queued in the "
        f"broker folder: {files}; the last receipt's signature verifies: {'yes' if verified else 'NO'}"
    )
    return gapless and consistent and verified


def _profile(unit, pdf: bytes, count: int, top: int) -> None:
    """Filings in this process through Django's test Client (routing, middleware, the views; no HTTP server),
    each the same three requests as over HTTP by a new visitor, timed plainly and then under cProfile; the
    profile's main costs per filing."""
    import cProfile
    import logging
    import pstats

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    client, host = Client(), unit.primary_host
    logging.getLogger("kombu.connection").setLevel(logging.ERROR)  # "No hostname was supplied", once

    def submit():
        client.cookies.pop("sessionid", None)  # a new visitor each time, as over HTTP
        # The form POST, the check page GET and the send POST, with the session the first one starts.
        response = application_file(
            client, FORM_URL, {**LETTER, ATTACHMENT_FIELD: SimpleUploadedFile("skan.pdf", pdf)}, HTTP_HOST=host
        )
        if response.status_code != 302 or not _CONFIRMATION.match(response.get("Location", "")):
            raise SystemExit(
                f"in-process filing answered {response.status_code} {response.get('Location', '')}".rstrip()
            )

    def bare():
        client.post(BARE_URL, {**LETTER, ATTACHMENT_FIELD: SimpleUploadedFile("skan.pdf", pdf)}, HTTP_HOST=host)

    for _ in range(5):
        submit()
        bare()

    def medians(function) -> tuple[float, float]:
        """Median wall and CPU (this process) milliseconds of `count` calls."""
        wall, cpu = [], []
        for _ in range(count):
            started, started_cpu = time.perf_counter(), time.process_time()
            function()
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        return statistics.median(wall) * 1000, statistics.median(cpu) * 1000

    (inbox_wall, inbox_cpu), (bare_wall, bare_cpu) = medians(submit), medians(bare)
    # Twice: with the wall clock (what a request waits for, the database included) and with this process's CPU
    # clock (what it costs the server's cores: Python only, waiting for PostgreSQL is not counted).
    profiles = {}
    for clock, timer in (("wall", time.perf_counter), ("cpu", time.process_time)):
        profiler = cProfile.Profile(timer)
        profiler.enable()
        for _ in range(count):
            submit()
        profiler.disable()
        profiles[clock] = pstats.Stats(profiler)
    print(
        f"profile: {count} filings in-process, one at a time, each the form POST, the check page GET and the send "
        f"POST by a new visitor (Django's test Client: routing, middleware, the views; no HTTP server): "
        f"{inbox_wall:.1f} ms each, {inbox_cpu:.1f} ms of it Python's CPU (medians; the bare insert, one POST: "
        f"{bare_wall:.1f} ms, {bare_cpu:.1f} ms CPU)"
    )
    print(f"  under cProfile (times inflated), cumulative per filing:{'wall ms':>19} {'CPU ms':>8}")

    def cumulative(stats, *, module: str, function: str) -> float:
        return (
            sum(
                value[3]
                for (filename, _line, name), value in stats.stats.items()
                if name == function and filename.replace(os.sep, "/").endswith(module)
            )
            / count
        )

    # cProfile names a C function by its repr, with no file.
    ecdsa_sign = "<method 'sign' of 'cryptography.hazmat.bindings._rust.openssl.ec.ECPrivateKey' objects>"
    psycopg2_commit = "<method 'commit' of 'psycopg2.extensions.connection' objects>"
    # (label, the end of the function's file path, the function)
    parts = [
        ("a filing, whole (3 test Client requests)", "infra/bench/inbox.py", "submit"),
        ("the service looked up, by each view (service_to_file_get)", "offer/selectors.py", "service_to_file_get"),
        ("the visitor's draft read, by each view (draft_get)", "eforms/services.py", "draft_get"),
        ("request bodies parsed, both POSTs (request.POST / FILES)", "django/http/request.py", "_load_post_and_files"),
        ("forms validated, all told (Form.is_valid)", "django/forms/forms.py", "is_valid"),
        (
            "sessions saved (SessionMiddleware.process_response)",
            "django/contrib/sessions/middleware.py",
            "process_response",
        ),
        ("1. the form POST (service_form), whole", "portal/views.py", "service_form"),
        ("  the draft kept with its file (draft_save)", "eforms/services.py", "draft_save"),
        ("    attachment file written (Storage.save)", "django/core/files/storage/base.py", "save"),
        ("2.+3. the check page and the send (service_form_check)", "portal/views.py", "service_form_check"),
        ("  2. the check page rendered (render)", "django/shortcuts.py", "render"),
        ("  3. the send (_file), whole", "portal/views.py", "_file"),
        ("    application_receive (one transaction)", "inbox/services.py", "application_receive"),
        ("      submission stored, the draft's file moved to it", "eforms/services.py", "_submission_store"),
        ("      entry, receipt, case, number (_register)", "inbox/services.py", "_register"),
        ("        outbox messages written (_outbox_for_receipt)", "inbox/services.py", "_outbox_for_receipt"),
        ("        signing key read (signing_keys.current_key)", "inbox/signing_keys.py", "current_key"),
        ("        XAdES signature (upo.receipt_sign)", "inbox/upo.py", "receipt_sign"),
        ("          ECDSA P-256 private-key operation (cryptography)", "", ecdsa_sign),
        ("        case opened (case_open_at_intake)", "inbox/case_services.py", "case_open_at_intake"),
        ("        number taken: the register locked until commit", "inbox/services.py", "_register_number"),
        ("      audit entries appended: the chain locked until commit", "audit/services.py", "_append"),
        ("      broker wake-ups after commit (_wake_worker)", "inbox/outbox.py", "_wake_worker"),
        ("SQL, all statements (CursorWrapper._execute)", "django/db/backends/utils.py", "_execute"),
        ("COMMITs (psycopg2 connection.commit)", "", psycopg2_commit),
    ]
    for label, module, function in parts:
        wall, cpu = (cumulative(profiles[clock], module=module, function=function) * 1000 for clock in ("wall", "cpu"))
        print(f"    {label:63} {wall:8.2f} {cpu:8.2f}")
    print(f"  the {top} functions with the most CPU time of their own (tottime, per filing):")
    stats = profiles["cpu"]
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:top]
    for (filename, line, name), value in rows:
        where = filename.replace(str(PROJECT_ROOT) + os.sep, "")
        where = re.sub(r".*site-packages/", "", where)
        print(f"    {value[2] / count * 1000:7.2f} ms  {value[1] / count:6.1f} calls  {name} ({where}:{line})")


# --- the run --------------------------------------------------------------------------------------


def run(options, bench_url: str, folder: Path) -> None:
    from django.db import connections

    unit = _set_up()
    host = f"{unit.primary_host}"
    connections.close_all()  # the server's workers are the ones talking to the database now
    pdf = sample_pdf()
    print(
        f"payload: the general letter (pismo-ogolne) of wydanie-dowodu-osobistego, {len(LETTER)} fields and a "
        f"{len(pdf) / 1024:.1f} KB PDF; multipart body "
        f"{len(_multipart({**LETTER, 'csrfmiddlewaretoken': 'x' * 64}, {ATTACHMENT_FIELD: ('skan.pdf', pdf, 'application/pdf')})[0]) / 1024:.1f} KB"
    )
    print(
        "    an inbox filing is 3 requests by a new visitor: that body POSTed to the form (302 to the check page, "
        "a session started), the check page GET, the send POST of its draft key (302 to /wnioski/<uuid>/); "
        "a bare insert is 1 request: that body POSTed to /bench/bare-insert/"
    )

    server = _server_start(options, host, folder / "server.log")
    host = f"{unit.primary_host}:{server.port}"
    persistent = options.conn_max_age > 0
    print(
        f"server: {server.label}; CONN_MAX_AGE={options.conn_max_age} "
        f"({'persistent database connections' if persistent else 'a database connection per request'}); "
        f"clients: {options.clients} threads (http.client) in this process"
    )
    phases: dict[str, list[Phase]] = {"inbox": [], "bare": []}
    load_before = os.getloadavg()
    try:
        for key in ("inbox", "bare"):
            warm = _run_phase(server, host, f"{key} warm-up", key, options.warmup, options.clients, pdf)
            phases[key].append(warm)
        per_round = options.count // options.rounds
        order = []
        for round_number in range(options.rounds):
            order += ["inbox", "bare"] if round_number % 2 == 0 else ["bare", "inbox"]
        measured: dict[str, list[Phase]] = {"inbox": [], "bare": []}
        for key in order:
            phase = _run_phase(
                server,
                host,
                key,
                key,
                per_round,
                options.clients,
                pdf,
                bench_url,
                persistent_connections=options.conn_max_age > 0,
            )
            measured[key].append(phase)
            phases[key].append(phase)
            print(
                f"  … {key}: {phase.ok} {NOUNS[key][1]} in {phase.wall:.1f} s ({phase.ok / phase.wall:.0f}/s)"
                + (f", {phase.failures.total()} failed" if phase.failures else ""),
                file=sys.stderr,
                flush=True,
            )
    finally:
        load_after = os.getloadavg()
        _server_stop(server)
    # Warnings and errors only: not runserver's banner, nor kombu's "No hostname was supplied" (once per
    # worker process: the filesystem broker has no host).
    log = [
        line
        for line in (folder / "server.log").read_text().splitlines()
        if re.search(r'"level": "(WARNING|ERROR|CRITICAL)"|\[(WARNING|ERROR|CRITICAL)\]|Traceback|Error', line)
        and "No hostname was supplied" not in line
    ]
    if log:
        print(f"server log: {len(log)} warnings or errors, the last ones:\n    " + "\n    ".join(log[-8:]))

    inbox, bare = Totals("inbox", measured["inbox"]), Totals("bare", measured["bare"])
    print(
        f"machine: {os.cpu_count()} CPUs, load average {load_before[0]:.1f} before the run, {load_after[0]:.1f} "
        f"after; Python {platform.python_version()}; the server, PostgreSQL and the clients share the machine"
    )
    print(
        f"measured: {options.rounds} rounds of {per_round} filings and {per_round} bare inserts after "
        f"{options.warmup} warm-up ones of each; {options.clients} concurrent clients; a filing's latency is its 3 "
        f"requests together"
    )
    print(f"    {'':44} {'ok':>6} {'failed':>6} {'wall s':>7} {'per s':>7} {'p50 ms':>7} {'p95 ms':>7}")
    for totals, label in (
        (inbox, "inbox filings (3 requests: form, check, send)"),
        (bare, "bare inserts (1 POST: one JSON row)"),
    ):
        p50, p95 = totals.percentiles
        print(
            f"    {label:44} {totals.submitted:6} {totals.failed:6} {totals.wall:7.1f} {totals.rate:7.1f} "
            f"{p50:7.1f} {p95:7.1f}"
        )
    for totals in (inbox, bare):
        failures = Counter()
        for phase in phases[totals.label]:
            failures.update(phase.failures)
        errors = [error for phase in phases[totals.label] for error in phase.errors]
        if failures or errors:
            print(
                f"    {totals.label} failures (warm-up included): "
                + "; ".join(f"{what} ×{count}" for what, count in failures.most_common(5))
                + (f"; e.g. {errors[:3]}" if errors else "")
            )
    for totals in (inbox, bare):
        _print_monitor(totals)
    share = inbox.rate / bare.rate if bare.rate else 0.0
    print(
        f"    inbox / bare insert: filings/s are {share * 100:.0f}% of bare inserts/s (3 requests each against 1); "
        f"a filing's p95 is {inbox.percentiles[1] / bare.percentiles[1]:.1f}× a bare insert's"
    )

    filed = [reference for phase in phases["inbox"] for reference in phase.references]
    bare_302 = sum(phase.ok for phase in phases["bare"])
    _check(unit, filed, bare_302, Path(os.environ["CELERY_FILESYSTEM_QUEUE"]))

    print("targets (2-core machine):")
    print(
        f"    ≥ {TARGET_RATE:.0f} filings/s (3 requests each): {inbox.rate:.1f}/s — {verdict(inbox.rate >= TARGET_RATE)}"
    )
    print(
        f"    filings/s ≥ {TARGET_SHARE * 100:.0f}% of bare inserts/s: {share * 100:.0f}% — "
        f"{verdict(share >= TARGET_SHARE)}"
    )
    if options.profile_count and (options.profile or inbox.rate < TARGET_RATE or share < TARGET_SHARE):
        try:
            _profile(unit, pdf, options.profile_count, options.profile_top)
        except Exception as error:  # any failure: the measurement above stands; say why the profile is missing
            print(f"profile: failed, {type(error).__name__}: {str(error)[:300]}")
    print(
        f"inbox: {inbox.rate:.0f} filings/s (3 requests each), p95 {inbox.percentiles[1]:.0f} ms, "
        f"{share * 100:.0f}% of bare inserts/s"
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m infra.bench.inbox", description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients (default 8)")
    parser.add_argument(
        "--count", type=int, default=1500, help="measured filings, and bare inserts (default 1500 each)"
    )
    parser.add_argument(
        "--warmup", type=int, default=100, help="untimed filings and bare inserts first (default 100 each)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="measured rounds, alternating the views' order (default 2: inbox, bare, bare, inbox)",
    )
    parser.add_argument(
        "--server",
        choices=["auto", "gunicorn", "runserver"],
        default="auto",
        help="the web server (default: gunicorn if installed, else runserver)",
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (default 4)")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per gunicorn worker (default 1: the sync worker; more: gthread)"
    )
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=60,
        help="CONN_MAX_AGE of the server (default 60, production's; 0: a connection per request)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="profile filings in-process even when the targets are met"
    )
    parser.add_argument("--profile-count", type=int, default=50, help="filings profiled (default 50; 0: no profile)")
    parser.add_argument("--profile-top", type=int, default=15, help="functions listed by own time (default 15)")
    parser.add_argument("--keep", action="store_true", help=f"keep the database {BENCH_DATABASE} at the end")
    options = parser.parse_args(argv)
    if options.clients < 1 or options.count < options.rounds * 2 or options.rounds < 1 or options.warmup < 0:
        parser.error("--clients ≥ 1, --rounds ≥ 1, --count ≥ 2 per round and --warmup ≥ 0")
    if options.server == "gunicorn" and not importlib.util.find_spec("gunicorn"):
        parser.error("gunicorn is not installed (pip install gunicorn), or use --server runserver")
    sys.stdout.reconfigure(line_buffering=True)  # in order with the progress lines on stderr

    # The folder holds what the kept database refers to (media, signing keys): kept with it.
    with bench_session(
        BENCH_DATABASE, keep=options.keep, folder_prefix="ratusz-bench-inbox-", keep_files=True
    ) as bench:
        _environment(bench.url, bench.folder, options.conn_max_age)
        _django_setup()
        run(options, bench.url, bench.folder)


if __name__ == "__main__":
    main()
