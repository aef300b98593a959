"""Intake and the outbox survive `kill -9` of the web server and of the Celery worker (real processes).

One run (the module fixture `chaos`) drives a real `runserver` process and a real Celery worker process on
the session's test database, with a private broker folder, media folder, signing-key folder and mail folder:

- four resident threads keep filing letters over HTTP (Toruń), each letter with a marker of its own, every
  third with a PDF attachment; a 302 to /wnioski/<uuid>/ is an issued receipt (acknowledged);
- the web server is killed with SIGKILL twice: once at the moment one of its database sessions holds the
  register counter's row lock (a number taken, the transaction not committed: PostgreSQL then reports that
  transaction as aborted), once at a random moment; each time a new server is started and filing goes on;
- the worker is killed with SIGKILL twice: once while it renders a receipt's PDF (it holds the receipt's
  row lock), once between sending a receipt e-mail and marking its outbox message done (the worker's mail
  backend hangs after delivering its second message, and is killed there); a third worker finishes;
- finally the periodic sweep (`outbox_sweep`, which celery beat runs every 60 s) is queued once, as beat
  would, and the run waits until no outbox message is pending.

The tests then check what the issue demands: every acknowledged application is present and complete, with its
register entry, a valid signed receipt, its case and its audit entry; nothing is stored twice; register
numbers run 1..n without a hole (the killed transaction's number went to a later application); every
outbox message is done, every receipt has its PDF, and every receipt e-mail went out at least once.

The outbox is at-least-once, not exactly-once: a worker killed after the mail server accepted a message but
before the message was marked done sends it again. Both copies carry the same Message-ID, so a mail client
shows one; `test_each_receipt_e_mail_goes_out_at_least_once_with_one_message_id` asserts exactly that.

A kill -9 between storing an attachment and committing leaves the attachment's file behind, with no row
pointing at it (no code runs to remove it): `test_stray_files_are_only_those_of_intakes_killed_before_commit`
checks that such strays belong only to letters that were never stored, and prints them.

This module refuses to run against anything but the test database: pytest-django sets that up only when a
collected test asks for the database, hence the `django_db` mark on every test here.

The whole run happens twice: with the units' files on the local disk, and in an S3 bucket of a loopback S3
server (moto's server mode, tests/support/s3.py) that the server and the worker write to (STORAGE_BACKEND=s3);
every check below holds for both. Each run starts from the same empty unit: the checks count everything the
unit holds (applications, register numbers, outbox messages, e-mails), so the first run's rows are removed
before the second run starts (`files_backend`, on which the other fixtures depend).

Nothing is left behind: the processes run in their own process groups and are killed at the end whatever
happens, their folders are removed, and everything committed (catalogue, offers, submissions, register,
outbox, audit trail, sessions) is removed after each run; the fixture `committed_offer` compares every
table's row count with the count before the run and fails when one differs.
"""

from __future__ import annotations

import datetime
import email
import hashlib
import http.client
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from email import policy
from pathlib import Path
from urllib.parse import urlencode

import psycopg2
import pytest
from celery import Celery
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_services.audit.models import AuditEntry
from shared_services.audit.selectors import audit_check
from shared_services.eforms.models import Attachment, Submission
from shared_services.inbox import signing_keys, upo
from shared_services.inbox.models import (
    Case,
    CaseStatus,
    EntryFile,
    EntryKind,
    OutboxMessage,
    OutboxStatus,
    Receipt,
    RegisterCounter,
    RegisterEntry,
)
from tenants.models import Tenant
from tests.conftest import UNIT_A, UNIT_B, catalogue_load_and_adopt
from tests.support.committed_data import catalogue_truncate
from tests.support.letters import FORM_URL, LETTER, PDF
from tests.support.processes import database_url_of
from tests.support.s3 import S3Bucket, s3_bucket_create

# django_db: pytest-django sets up the test database only when a collected test asks for it; without the
# mark, a run of this module alone would be connected to the development database.
pytestmark = [pytest.mark.worker, pytest.mark.django_db]

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CONFIRMATION = re.compile(r"^/wnioski/([0-9a-f-]{36})/$")
RESIDENTS = 4
KILL_ATTEMPTS = 10  # a transaction seen open may commit before the freeze that precedes the kill: then again
ACKS_BEFORE_FIRST_KILL, ACKS_BETWEEN_KILLS, ACKS_IN_ALL = 10, 10, 50
WEB_APP, WORKER_APP = "ratusz-reliability-web", "ratusz-reliability-worker"

# How the server and the worker start: the test settings, with the media, signing-key and mail folders of
# this module (platform_core.settings_test gives each process folders of its own otherwise) and a mail
# backend that writes each message to a file and, when asked, hangs after the n-th one.
BOOTSTRAP = r"""
import os, sys, time, types, uuid
from pathlib import Path

import platform_core.settings_test as test_settings
from django.core.mail.backends.base import BaseEmailBackend

test_settings.MEDIA_ROOT = Path(os.environ["RELIABILITY_MEDIA_ROOT"])
test_settings.UPO_KEYS_DIR = Path(os.environ["RELIABILITY_UPO_KEYS_DIR"])
test_settings.EMAIL_BACKEND = "reliability_mail.FolderBackend"


class FolderBackend(BaseEmailBackend):
    delivered = 0

    def send_messages(self, messages):
        folder = Path(os.environ["RELIABILITY_MAIL_DIR"])
        for message in messages:
            name = folder / f"{time.time_ns()}-{os.getpid()}-{uuid.uuid4().hex}.eml"
            partial = folder / f".{name.name}.partial"
            partial.write_bytes(message.message().as_bytes())
            os.replace(partial, name)  # the mail server has accepted it
            FolderBackend.delivered += 1
            if FolderBackend.delivered == int(os.environ.get("RELIABILITY_HANG_AFTER_MAILS") or 0):
                Path(os.environ["RELIABILITY_HANG_MARK"]).write_text(name.name)
                time.sleep(600)  # killed here: sent, not yet marked done
        return len(messages)


sys.modules["reliability_mail"] = types.ModuleType("reliability_mail")
sys.modules["reliability_mail"].FolderBackend = FolderBackend

role, arguments = sys.argv[1], sys.argv[2:]
if role == "web":
    from django.core.management import execute_from_command_line

    execute_from_command_line(["manage.py", "runserver", *arguments])
else:
    from celery.bin.celery import main

    sys.argv = ["celery", *arguments]
    sys.exit(main())
"""


# --- Processes ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Child:
    """A server or worker process in a process group of its own (so that a kill reaches all of it)."""

    def __init__(self, name: str, arguments: list[str], env: dict, log: Path):
        self.name, self.log = name, log
        with log.open("w") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-c", BOOTSTRAP, *arguments],
                cwd=PROJECT_ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def _signal_group(self, signal_number) -> None:
        try:
            os.killpg(self.process.pid, signal_number)
        except ProcessLookupError:
            pass

    def kill9(self) -> None:
        self._signal_group(signal.SIGKILL)
        self.process.wait(timeout=30)

    def freeze(self) -> None:
        """SIGSTOP: nothing of the process runs (nor commits) until thaw or kill."""
        self._signal_group(signal.SIGSTOP)

    def thaw(self) -> None:
        self._signal_group(signal.SIGCONT)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it does not end; also reaps whatever is left of its group."""
        if self.alive():
            self._signal_group(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        self._signal_group(signal.SIGKILL)
        self.process.wait(timeout=30)

    def tail(self, characters: int = 3000) -> str:
        return f"--- {self.name} ({self.log}) ---\n" + self.log.read_text(errors="replace")[-characters:]


class Observer:
    """A connection of the test's own (psycopg2, autocommit) that watches the children's sessions."""

    def __init__(self, settings_dict):
        self.conn = psycopg2.connect(
            dbname=settings_dict["NAME"],
            user=settings_dict["USER"] or None,
            password=settings_dict["PASSWORD"] or None,
            host=settings_dict["HOST"] or None,
            port=settings_dict["PORT"] or None,
            application_name="ratusz-reliability-observer",
        )
        self.conn.autocommit = True

    def close(self):
        self.conn.close()

    def value(self, sql: str, parameters=()):
        with self.conn.cursor() as cursor:
            cursor.execute(sql, parameters)
            row = cursor.fetchone()
            return row[0] if row else None

    def row_lock_holder(self, application: str, table: str) -> tuple[int, int] | None:
        """(pid, xid) of a session of `application` that holds rows of `table` locked until it ends (it took
        rows FOR UPDATE — RowShareLock — or wrote them — RowExclusiveLock, as the register's counter does — and
        waits for no lock), or None."""
        with self.conn.cursor() as cursor:
            cursor.execute(
                """SELECT a.pid, a.backend_xid::text::bigint FROM pg_stat_activity a
                   JOIN pg_locks l ON l.pid = a.pid
                   WHERE a.application_name = %s AND a.backend_xid IS NOT NULL
                     AND l.locktype = 'relation' AND l.relation = to_regclass(%s)
                     AND l.mode IN ('RowShareLock', 'RowExclusiveLock') AND l.granted
                     AND NOT EXISTS (SELECT 1 FROM pg_locks w WHERE w.pid = a.pid AND NOT w.granted)
                   LIMIT 1""",
                [application, table],
            )
            return cursor.fetchone()

    def transaction_outcome(self, xid: int, seconds: float = 15) -> str:
        """'committed' or 'aborted', once PostgreSQL has noticed the end of the transaction."""
        deadline = time.monotonic() + seconds
        while True:
            status = self.value(
                "SELECT pg_xact_status((((pg_snapshot_xmin(pg_current_snapshot())::text::bigint >> 32) << 32)"
                " + %s)::text::xid8)",
                [xid],
            )
            if status != "in progress" or time.monotonic() > deadline:
                return status
            time.sleep(0.02)

    def still_open(self, xid: int) -> bool:
        return (
            self.value(
                "SELECT pg_xact_status((((pg_snapshot_xmin(pg_current_snapshot())::text::bigint >> 32) << 32)"
                " + %s)::text::xid8)",
                [xid],
            )
            == "in progress"
        )

    def kill_inside(self, child, holder) -> bool:
        """Kill `child` while the transaction `holder` names is still open: the child is frozen first, so
        that the check and the kill see the same moment. False (and the child thawed) when it had ended."""
        child.freeze()
        if self.still_open(holder[1]):
            child.kill9()
            return True
        child.thaw()
        return False

    def sessions_of(self, application: str) -> int:
        return self.value("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [application])


# --- Residents ------------------------------------------------------------------------------------


@dataclass
class Letter:
    marker: str
    fields: dict
    attachment: bytes | None
    outcome: str = ""  # acknowledged | refused (never reached the server) | unknown (no answer) | unexpected
    reference: str = ""
    detail: str = ""
    resident: Resident | None = None


class Resident:
    """One browser: a cookie jar, the CSRF token of the form page, and the letters it filed."""

    def __init__(self, number: int, host: str, ports: PortBox):
        self.number, self.host, self.ports = number, host, ports
        self.cookies: dict[str, str] = {}
        self.token = ""

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.ports.web, timeout=30)
        try:
            cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
            conn.request(method, path, body=body, headers={"Host": self.host, "Cookie": cookie, **(headers or {})})
            response = conn.getresponse()
            content = response.read()
            for value in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, response.headers, content
        finally:
            conn.close()

    def fetch_token(self) -> bool:
        try:
            status, _, content = self.request("GET", FORM_URL)
        except (OSError, http.client.HTTPException):
            return False
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
        if status != 200 or not found or "csrftoken" not in self.cookies:
            return False
        self.token = found.group(1).decode()
        return True

    def multipart(self, fields: dict, file_field: str, file_name: str, content: bytes | None) -> tuple[bytes, str]:
        """A form's body with the CSRF token, and its Content-Type."""
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in {**fields, "csrfmiddlewaretoken": self.token}.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        if content is not None:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
                f'filename="{file_name}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
        return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"

    def file(self, letter: Letter) -> None:
        body, content_type = self.multipart(letter.fields, "zalacznik", f"skan-{letter.marker}.pdf", letter.attachment)
        letter.resident = self
        try:
            status, headers, content = self.request("POST", FORM_URL, body, {"Content-Type": content_type})
            check = headers.get("Location", "") if status == 302 else ""
            if check.endswith("/sprawdz/"):  # the answers are kept: the check page sends them
                status, headers, content = self.request("GET", check)
                key = re.search(rb'name="draft" value="([0-9a-f-]+)"', content) if status == 200 else None
                if key:
                    sent = urlencode({"draft": key.group(1).decode(), "csrfmiddlewaretoken": self.token}).encode()
                    status, headers, content = self.request(
                        "POST", check, sent, {"Content-Type": "application/x-www-form-urlencoded"}
                    )
        except ConnectionRefusedError:
            letter.outcome = "refused"
            return
        except (OSError, http.client.HTTPException) as error:
            letter.outcome, letter.detail = "unknown", f"{type(error).__name__}: {error}"
            return
        found = CONFIRMATION.match(headers.get("Location", "")) if status == 302 else None
        if found:
            letter.outcome, letter.reference = "acknowledged", found.group(1)
        elif status == 302 and "Location" not in headers:
            # Killed while writing its answer: http.client stops at the end of what arrived. No receipt was
            # shown, so this is a lost answer, not an acknowledgement.
            letter.outcome, letter.detail = "unknown", "answer cut off mid-headers"
        else:
            letter.outcome = "unexpected"
            letter.detail = f"{status} {headers.get('Location', '')} {content[:300]!r}"


@dataclass
class Answer:
    """A resident's answer to the office's request on the case of `letter`; sent again with the same form token
    (`document_id`) until a confirmation is shown, as a resident whose reply was lost would."""

    letter: Letter
    document_id: str
    attachment: bytes | None
    outcome: str = ""  # acknowledged | unexpected
    attempts: list[str] = field(default_factory=list)  # each try's outcome: refused | unknown | acknowledged | …
    detail: str = ""

    @property
    def text(self) -> str:
        return f"Odpowiedź {self.letter.marker}"

    def send(self) -> str:
        resident, reference = self.letter.resident, self.letter.reference
        body, content_type = resident.multipart(
            {"text": self.text, "document_id": self.document_id},
            "files",
            f"dowod-{self.letter.marker}.pdf",
            self.attachment,
        )
        try:
            status, headers, content = resident.request(
                "POST", f"/wnioski/{reference}/sprawa/odpowiedz/", body, {"Content-Type": content_type}
            )
        except ConnectionRefusedError:
            return "refused"
        except (OSError, http.client.HTTPException):
            return "unknown"
        if status == 302 and headers.get("Location") == f"/wnioski/{reference}/odpowiedzi/{self.document_id}/":
            return "acknowledged"
        if status == 302 and "Location" not in headers:
            return "unknown"  # cut off mid-headers: no confirmation was shown
        self.detail = f"{status} {headers.get('Location', '')} {content[:300]!r}"
        return "unexpected"


@dataclass
class PortBox:
    web: int = 0


@dataclass
class Run:
    """What happened: the letters, the kills and the folders, for the tests to check."""

    letters: list[Letter] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    held_number: int = 0  # the register number the killed intake had taken
    hung_mail: str = ""  # the mail file written just before the worker was killed
    media_root: Path | None = None
    bucket: S3Bucket | None = None  # the units' files are in this bucket instead of media_root (STORAGE_BACKEND=s3)
    keys_dir: Path | None = None
    mail_dir: Path | None = None
    http_checks: list[str] = field(default_factory=list)  # problems seen on the confirmation pages
    kills: list[str] = field(default_factory=list)  # the kills that happened as intended
    answers: list[Answer] = field(default_factory=list)
    answer_kills: list[str] = field(default_factory=list)

    def stored(self, schema: str, name: str) -> bytes:
        """The content of a unit's file, wherever the processes stored it."""
        if self.bucket is not None:
            return self.bucket.objects(f"{schema}/{name}")[f"{schema}/{name}"]
        return (self.media_root / schema / name).read_bytes()

    def files_in(self, schema: str, folder: str) -> dict[str, bytes]:
        """The files of a unit's folder by their names, with their contents."""
        if self.bucket is not None:
            prefix = f"{schema}/{folder}/"
            return {key.removeprefix(prefix): content for key, content in self.bucket.objects(prefix).items()}
        path = self.media_root / schema / folder
        return {file.name: file.read_bytes() for file in path.iterdir()} if path.exists() else {}

    def acknowledged(self) -> list[Letter]:
        return [letter for letter in self.letters if letter.outcome == "acknowledged"]

    def note(self, text: str) -> None:
        self.events.append(text)


# --- Database state around the module ---------------------------------------------------------------


def schemas_of_units() -> list[str]:
    return list(Tenant.objects.filter(code__in=[UNIT_A["code"], UNIT_B["code"]]).values_list("schema_name", flat=True))


def table_rows(schemas: list[str]) -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_type = 'BASE TABLE' AND table_schema = ANY(%s)",
            [schemas],
        )
        for schema, table in cursor.fetchall():
            cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')
            counts[f'"{schema}"."{table}"'] = cursor.fetchone()[0]
    return counts


@pytest.fixture(scope="module", params=["disk", "s3"])
def files_backend(request) -> str:
    """Where a run keeps the units' files: on the local disk, or in an S3 bucket of a loopback S3 server.

    The fixtures of a run depend on it, so pytest sets them up again for each backend and tears the previous
    run's down first: the second run starts from a unit without the first run's applications, numbers and
    outbox, which its checks would otherwise count as its own."""
    return request.param


@pytest.fixture(scope="module")
def committed_offer(files_backend, django_db_setup, django_db_blocker):
    """The seeded catalogue adopted by both units, committed (the server sees committed rows only), for one
    run; at the end of the run everything it committed is removed and every table has as many rows as
    before."""
    test_database = settings.DATABASES["default"]["TEST"]["NAME"]
    if connection.settings_dict["NAME"] != test_database:
        pytest.fail(
            f"connected to {connection.settings_dict['NAME']!r}, not the test database {test_database!r}: "
            "refusing to commit and truncate anything there",
            pytrace=False,
        )
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        schemas = ["public", *schemas_of_units()]
        before = table_rows(schemas)
        try:
            catalogue_load_and_adopt()
            yield
        finally:
            connection.set_schema_to_public()
            with connection.cursor() as cursor:
                catalogue_truncate(cursor)
                # What the catalogue's cascade does not reach: register counters, the outbox, the audit
                # trail, sessions… Only tables that were empty before are emptied.
                grown = [table for table, rows in table_rows(schemas).items() if rows and not before.get(table)]
                if grown:
                    cursor.execute(f"TRUNCATE {', '.join(grown)} CASCADE")
            after = table_rows(schemas)
            changed = {table: (before.get(table), rows) for table, rows in after.items() if rows != before.get(table)}
            assert not changed, f"tables whose row count the {files_backend} run changed (before, after): {changed}"


# --- The run ----------------------------------------------------------------------------------------


def wait_until(condition, seconds: float, what: str, children=()) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            logs = "\n".join(child.tail() for child in children)
            raise AssertionError(f"timed out after {seconds} s waiting for {what}\n{logs}")
        time.sleep(0.01)


@pytest.fixture(scope="module")
def chaos(request, files_backend, committed_offer, django_db_blocker):
    """The run, once with the units' files on the local disk and once in an S3 bucket (a loopback S3 server)."""
    root = Path(tempfile.mkdtemp(prefix="ratusz-reliability-"))
    try:
        with django_db_blocker.unblock():
            observer = Observer(connection.settings_dict)
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    run = Run(media_root=root / "media", keys_dir=root / "upo-keys", mail_dir=root / "mail")
    if files_backend == "s3":
        run.bucket = s3_bucket_create(request.getfixturevalue("s3_server"))
    queue, logs = root / "queue", root / "logs"
    for folder in (run.media_root, run.mail_dir, queue / "control", logs):
        folder.mkdir(parents=True)
    hang_mark = root / "mail-hung"
    with override_settings(UPO_KEYS_DIR=run.keys_dir):
        signing_keys.current_key()  # made once here, not raced for by the first requests
    with django_db_blocker.unblock():
        unit = Tenant.objects.get(code=UNIT_A["code"])
        database_url = database_url_of(connection.settings_dict)
        host_name = unit.get_primary_domain().domain
    schema = unit.schema_name
    separator = "&" if "?" in database_url else "?"
    base_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "platform_core.settings_test",
        "DEBUG": "false",
        "PYTHONUNBUFFERED": "1",
        "TMPDIR": str(root),  # settings_test's per-process folders land here and go with it
        "CELERY_FILESYSTEM_QUEUE": str(queue),  # no other worker takes these messages
        "RELIABILITY_MEDIA_ROOT": str(run.media_root),
        "RELIABILITY_UPO_KEYS_DIR": str(run.keys_dir),
        "RELIABILITY_MAIL_DIR": str(run.mail_dir),
        "RELIABILITY_HANG_MARK": str(hang_mark),
        # Fifty letters from one address, each with its receipt e-mail to the same mailbox: the run checks what
        # crashes leave, not the abuse limits (tests/platform_core/test_rate_limits.py), which would skip them.
        "RATE_LIMITS": "receipt-email:recipient=100000/h,receipt-email:ip=100000/h",
        **(run.bucket.environment if run.bucket else {}),
    }
    children: list[Child] = []
    ports = PortBox()

    def start_web() -> Child:
        ports.web = free_port()
        env = {**base_env, "DATABASE_URL": f"{database_url}{separator}application_name={WEB_APP}"}
        child = Child(
            f"web {len(children)}",
            ["web", "--noreload", "--insecure", "--skip-checks", f"127.0.0.1:{ports.web}"],
            env,
            logs / f"web-{len(children)}.log",
        )
        children.append(child)
        return child

    def web_answers() -> bool:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", ports.web, timeout=2)
            conn.request("GET", FORM_URL, headers={"Host": f"{host_name}:{ports.web}"})
            ok = conn.getresponse().status == 200
            conn.close()
            return ok
        except (OSError, http.client.HTTPException):
            return False

    def restart_web() -> Child:
        child = start_web()
        for resident in residents:
            resident.host = f"{host_name}:{ports.web}"
        wait_until(web_answers, 60, f"{child.name} to answer", children)
        return child

    def wait_for_holder(application: str, table: str, children) -> tuple[int, int]:
        deadline, holder = time.monotonic() + 60, None
        while holder is None:
            assert time.monotonic() < deadline, (
                f"no session of {application} was seen holding rows of {table}\n"
                + "\n".join(child.tail() for child in children)
            )
            holder = observer.row_lock_holder(application, f'"{schema}".{table}')
        return holder

    def start_worker(hang_after_mails: int = 0) -> Child:
        env = {
            **base_env,
            "DATABASE_URL": f"{database_url}{separator}application_name={WORKER_APP}",
            "RELIABILITY_HANG_AFTER_MAILS": str(hang_after_mails),
        }
        n = len(children)
        child = Child(
            f"worker {n}",
            [
                "worker",
                "-A",
                "platform_core",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
                f"--hostname=reliability-{n}@%h",
            ],
            env,
            logs / f"worker-{n}.log",
        )
        children.append(child)
        return child

    def outbox(**filters) -> int:
        return observer.value(
            f'SELECT count(*) FROM "{schema}".inbox_outboxmessage WHERE '
            + " AND ".join(f"{name} = %s" for name in filters),
            list(filters.values()),
        )

    rng = random.Random()
    seed = rng.randrange(10**6)
    rng.seed(seed)
    run.note(f"random seed {seed}")
    stop = threading.Event()
    lock = threading.Lock()

    def resident_files_letters(resident: Resident):
        n = 0
        while not stop.is_set():
            if not resident.token and not resident.fetch_token():
                time.sleep(0.05)
                continue
            n += 1
            marker = f"r{resident.number}-{n}-{uuid.uuid4().hex[:6]}"
            attachment = PDF.replace(b"%%EOF", f"% {marker}\n%%EOF".encode()) if n % 3 == 0 else None
            letter = Letter(marker=marker, fields={**LETTER, "tytul": f"Niezawodność {marker}"}, attachment=attachment)
            resident.file(letter)
            with lock:
                run.letters.append(letter)
            if letter.outcome in ("refused", "unknown"):
                time.sleep(0.05)  # the server is down: a resident tries again a moment later, with a new letter

    def sweep_queue() -> None:
        """Queue the outbox's sweep, as celery beat does every 60 s."""
        beat = Celery(
            "ratusz-reliability-beat",
            set_as_current=False,  # the suite's own app stays the one shared tasks publish with
            broker="filesystem://",
            broker_transport_options={
                "data_folder_in": str(queue),
                "data_folder_out": str(queue),
                "control_folder": str(queue / "control"),
            },
        )
        beat.send_task("shared_services.inbox.tasks.outbox_sweep")
        beat.close()

    def acks() -> int:
        with lock:
            return sum(1 for letter in run.letters if letter.outcome == "acknowledged")

    started = time.monotonic()
    residents = [Resident(number, f"{host_name}:0", ports) for number in range(RESIDENTS)]
    threads = [threading.Thread(target=resident_files_letters, args=(resident,), daemon=True) for resident in residents]
    try:
        worker = start_worker()
        web = restart_web()
        run.timings["first server up"] = time.monotonic() - started
        for thread in threads:
            thread.start()

        # 1. The web server dies while an intake holds a register number it has not committed. The lock is
        # seen a moment before the kill; if the intake committed in that moment, another try.
        wait_until(lambda: acks() >= ACKS_BEFORE_FIRST_KILL, 60, "the first acknowledgements", children)
        for attempt in range(1, KILL_ATTEMPTS + 1):
            holder = wait_for_holder(WEB_APP, "inbox_registercounter", children)
            if not observer.kill_inside(web, holder):
                continue  # it committed just before the freeze: wait for another intake
            outcome = observer.transaction_outcome(holder[1])
            committed_number = observer.value(f'SELECT last_number FROM "{schema}".inbox_registercounter')
            run.note(
                f"web killed during intake (try {attempt}): session {holder[0]} held number "
                f"{committed_number + 1}, its transaction {outcome}; {acks()} acknowledged so far"
            )
            restart = time.monotonic()
            web = restart_web()
            run.timings["web restart"] = time.monotonic() - restart
            if outcome == "aborted":
                run.kills.append("web during intake")
                run.held_number = committed_number + 1
                break
        else:
            raise AssertionError(f"no kill fell into an open intake: {run.events}")

        # 2. The worker dies while it renders a receipt's PDF.
        for attempt in range(1, KILL_ATTEMPTS + 1):
            holder = wait_for_holder(WORKER_APP, "inbox_receipt", children)
            if not observer.kill_inside(worker, holder):
                continue  # the rendering committed just before the freeze: wait for the next one
            outcome = observer.transaction_outcome(holder[1])
            run.note(
                f"worker killed while rendering a PDF (try {attempt}), its transaction {outcome}; "
                f"{outbox(status='done')} outbox messages done so far"
            )
            worker = start_worker(hang_after_mails=2 if outcome == "aborted" else 0)
            if outcome == "aborted":
                run.kills.append("worker during a PDF")
                break
        else:
            raise AssertionError(f"no kill fell into an open rendering: {run.events}")

        # 3. The web server dies at a random moment.
        target = acks() + ACKS_BETWEEN_KILLS
        wait_until(lambda: acks() >= target, 60, "more acknowledgements", children)
        time.sleep(rng.uniform(0, 0.3))
        web.kill9()
        run.kills.append("web at a random moment")
        run.note(f"web killed at a random moment; {acks()} acknowledged so far")
        web = restart_web()

        # 4. The worker dies after a receipt e-mail went out, before its message was marked done.
        wait_until(hang_mark.exists, 60, "the worker to hang after sending an e-mail", children)
        run.hung_mail = hang_mark.read_text()
        worker.kill9()
        run.kills.append("worker between sending and marking")
        run.note(f"worker killed between sending {run.hung_mail} and marking it done")
        worker = start_worker()

        wait_until(lambda: acks() >= ACKS_IN_ALL, 90, "all acknowledgements", children)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        run.timings["filing"] = time.monotonic() - started

        # 5. What celery beat does every 60 s: the sweep, for the wake-ups that died with the processes.
        sweep_queue()
        receipts = observer.value(f'SELECT count(*) FROM "{schema}".inbox_receipt')
        wait_until(
            lambda: outbox(status="pending") == 0 and outbox(status="done") == 2 * receipts,
            90,
            "the outbox to be done",
            children,
        )
        swept = re.compile(r"outbox_sweep\[[0-9a-f-]+\] succeeded")
        # Generous: on a busy 2-core machine the worker may take a while to reach the sweep.
        wait_until(lambda: swept.search(worker.log.read_text(errors="replace")), 120, "the sweep to run", children)
        run.timings["until the outbox was done"] = time.monotonic() - started

        # 6. Residents come back to their confirmation pages, served by a server started after the kills.
        for letter in run.acknowledged():
            status, _, page = letter.resident.request("GET", f"/wnioski/{letter.reference}/")
            xml_status, _, xml = letter.resident.request("GET", f"/wnioski/{letter.reference}/upo.xml")
            if status != 200 or xml_status != 200:
                run.http_checks.append(f"{letter.marker}: confirmation {status}, upo.xml {xml_status}")
                continue
            with override_settings(UPO_KEYS_DIR=run.keys_dir):
                verification = upo.receipt_verify(xml)
            label = observer.value(
                f"SELECT e.number || '/' || e.year FROM \"{schema}\".inbox_registerentry e "
                f'JOIN "{schema}".eforms_submission s ON s.id = e.submission_id WHERE s.reference = %s',
                [letter.reference],
            )
            if not verification.valid or verification.facts.document_id != letter.reference:
                run.http_checks.append(f"{letter.marker}: receipt {verification.problem or 'of another application'}")
            elif label is None or f"<dd>{label}</dd>".encode() not in page:
                run.http_checks.append(f"{letter.marker}: register number {label} not on the confirmation page")

        # 7. The office asks for documents on every acknowledged application's case (three days ago, so the
        # deadline moves by three days), and the residents answer, every other answer with a PDF, while the web
        # server dies as an answer holds a register number and the worker as it renders an answer's receipt.
        answered_from = time.monotonic()
        references = [letter.reference for letter in run.acknowledged()]
        observer.value(
            f'WITH asked AS (UPDATE "{schema}".inbox_case c SET status = %s, paused_since = %s '
            f'FROM "{schema}".inbox_registerentry e JOIN "{schema}".eforms_submission s ON s.id = e.submission_id '
            "WHERE c.register_entry_id = e.id AND s.reference::text = ANY(%s) RETURNING c.id) "
            f'INSERT INTO "{schema}".inbox_casenote (case_id, kind, text, attachment, created_at) '
            "SELECT id, 'request', 'Prosimy o skan dowodu.', '', now() FROM asked RETURNING 1",
            [CaseStatus.AWAITING_RESIDENT.value, timezone.localdate() - datetime.timedelta(days=3), references],
        )
        run.answers = [
            Answer(
                letter=letter,
                document_id=str(uuid.uuid4()),
                attachment=PDF.replace(b"%%EOF", f"% answer {letter.marker}\n%%EOF".encode()) if n % 2 else None,
            )
            for n, letter in enumerate(run.acknowledged())
        ]

        def resident_answers(resident: Resident):
            for answer in [answer for answer in run.answers if answer.letter.resident is resident]:
                while not stop.is_set():
                    outcome = answer.send()
                    answer.attempts.append(outcome)
                    if outcome in ("acknowledged", "unexpected"):
                        answer.outcome = outcome
                        break
                    time.sleep(0.05)  # the server is down: the same answer again a moment later

        def answer_acks() -> int:
            return sum(1 for answer in run.answers if answer.outcome == "acknowledged")

        stop.clear()
        threads = [threading.Thread(target=resident_answers, args=(resident,), daemon=True) for resident in residents]
        for thread in threads:
            thread.start()
        for attempt in range(1, KILL_ATTEMPTS + 1):
            holder = wait_for_holder(WEB_APP, "inbox_registercounter", children)
            if not observer.kill_inside(web, holder):
                continue
            outcome = observer.transaction_outcome(holder[1])
            run.note(
                f"web killed during an answer (try {attempt}), its transaction {outcome}; {answer_acks()} answered"
            )
            web = restart_web()
            if outcome == "aborted":
                run.answer_kills.append("web during an answer")
                break
        for attempt in range(1, KILL_ATTEMPTS + 1):
            holder = wait_for_holder(WORKER_APP, "inbox_receipt", children)
            if not observer.kill_inside(worker, holder):
                continue
            outcome = observer.transaction_outcome(holder[1])
            run.note(
                f"worker killed while rendering a PDF among the answers (try {attempt}), its transaction {outcome}"
            )
            worker = start_worker()
            if outcome == "aborted":
                run.answer_kills.append("worker during a PDF")
                break
        for thread in threads:
            thread.join(timeout=120)
        sweep_queue()  # for the wake-up the killed worker took with it
        receipts = observer.value(f'SELECT count(*) FROM "{schema}".inbox_receipt')
        wait_until(
            lambda: outbox(status="pending") == 0 and outbox(status="done") == 2 * receipts,
            120,
            "the outbox to be done with the answers",
            children,
        )
        run.timings["answers"] = time.monotonic() - answered_from
        for answer in run.answers:
            if answer.outcome != "acknowledged":
                continue
            confirmation = f"/wnioski/{answer.letter.reference}/odpowiedzi/{answer.document_id}/"
            status, _, page = answer.letter.resident.request("GET", confirmation)
            xml_status, _, xml = answer.letter.resident.request("GET", f"{confirmation}upo.xml")
            with override_settings(UPO_KEYS_DIR=run.keys_dir):
                verification = upo.receipt_verify(xml) if xml_status == 200 else None
            receipted = verification and verification.valid and verification.facts.document_id == answer.document_id
            if status != 200 or not receipted:
                run.http_checks.append(f"answer {answer.letter.marker}: confirmation {status}, upo.xml {xml_status}")
        yield run
    finally:
        stop.set()
        for thread in threads:
            if thread.is_alive():
                thread.join(timeout=60)
        for child in children:
            child.stop()
        try:
            wait_until(
                lambda: observer.sessions_of(WEB_APP) + observer.sessions_of(WORKER_APP) == 0,
                30,
                "the children's database sessions to end",
            )
        finally:
            observer.close()
            shutil.rmtree(root, ignore_errors=True)
        print("\n".join(["", *run.events, *(f"{name}: {seconds:.1f} s" for name, seconds in run.timings.items())]))


# --- The checks -------------------------------------------------------------------------------------


@pytest.fixture
def in_unit_a(chaos, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(UPO_KEYS_DIR=chaos.keys_dir):
        unit = Tenant.objects.get(code=UNIT_A["code"])
        with tenant_context(unit):
            yield unit
        connection.set_schema_to_public()


def test_the_run_killed_both_processes_mid_work_and_filing_went_on(chaos):
    outcomes = Counter(letter.outcome for letter in chaos.letters)
    unexpected = [f"{letter.marker}: {letter.detail}" for letter in chaos.letters if letter.outcome == "unexpected"]
    assert not unexpected, unexpected
    assert outcomes["acknowledged"] >= ACKS_IN_ALL, outcomes
    assert chaos.kills == [
        "web during intake",
        "worker during a PDF",
        "web at a random moment",
        "worker between sending and marking",
    ], chaos.events
    assert chaos.answer_kills == ["web during an answer", "worker during a PDF"], chaos.events
    unexpected = [
        f"{answer.letter.marker}: {answer.detail}" for answer in chaos.answers if answer.outcome != "acknowledged"
    ]
    assert not unexpected, unexpected


def test_every_acknowledged_application_is_present_and_complete(chaos, in_unit_a):
    for letter in chaos.acknowledged():
        submission = Submission.objects.prefetch_related("attachments").get(reference=letter.reference)
        assert {name: submission.data.get(name) for name in letter.fields} == letter.fields, letter.marker
        attachments = list(submission.attachments.all())
        if letter.attachment is None:
            assert attachments == [], letter.marker
        else:
            [attachment] = attachments
            stored = chaos.stored(in_unit_a.schema_name, attachment.file.name)
            assert stored == letter.attachment
            assert attachment.sha256 == hashlib.sha256(letter.attachment).hexdigest()
        entry = RegisterEntry.objects.select_related("receipt", "case").get(submission=submission)
        documents = {upo.SUBMISSION_DOCUMENT_NAME: bytes(entry.receipt.document_json)}
        if letter.attachment is not None:
            documents[f"skan-{letter.marker}.pdf"] = letter.attachment
        verification = upo.receipt_verify(bytes(entry.receipt.signed_xml), documents)
        assert verification.valid, (letter.marker, verification.problem)
        assert verification.all_documents_match, (letter.marker, verification.documents)
        assert verification.facts.document_id == letter.reference and entry.number is not None
        assert entry.case.register_entry_id == entry.pk
    assert not chaos.http_checks, chaos.http_checks


def test_nothing_is_stored_twice_and_nothing_half(chaos, in_unit_a):
    markers = [
        data["tytul"].removeprefix("Niezawodność ") for data in Submission.objects.values_list("data", flat=True)
    ]
    assert len(markers) == len(set(markers)), [marker for marker, n in Counter(markers).items() if n > 1]
    posted = {letter.marker: letter for letter in chaos.letters}
    assert set(markers) <= set(posted), set(markers) - set(posted)
    # A letter that never reached a server is not there; one whose answer was lost may be (committed just
    # before the kill) or not (rolled back).
    assert not [marker for marker in markers if posted[marker].outcome == "refused"]
    submissions = Submission.objects.count()
    applications = RegisterEntry.objects.filter(kind=EntryKind.APPLICATION)
    assert submissions == applications.count() == Case.objects.count()
    assert Receipt.objects.count() == applications.count() + RegisterEntry.objects.filter(kind=EntryKind.ANSWER).count()
    assert AuditEntry.objects.filter(action="case.open").count() == submissions
    assert audit_check() == []
    assert len(set(Submission.objects.values_list("reference", flat=True))) == submissions
    assert not RegisterEntry.objects.filter(number__isnull=True).exists()  # the number is taken last, never left out
    # The unacknowledged ones' too.
    for receipt in Receipt.objects.filter(register_entry__kind=EntryKind.APPLICATION).select_related(
        "register_entry__submission"
    ):
        verification = upo.receipt_verify(bytes(receipt.signed_xml))
        assert verification.valid
        assert verification.facts.document_id == str(receipt.register_entry.submission.reference)
    unknown = [letter.marker for letter in chaos.letters if letter.outcome == "unknown"]
    print(
        f"\n{submissions} applications stored: {len(chaos.acknowledged())} acknowledged, "
        f"{len(set(markers) & set(unknown))} of {len(unknown)} whose answer was lost in a kill"
    )


def test_stray_files_are_only_those_of_intakes_killed_before_commit(chaos, in_unit_a):
    """An intake stores its attachment's file before it takes its number; a kill -9 in between leaves the
    file without a row (no code runs to remove it). Such strays are the only ones, and never a stored
    application's file."""
    files = chaos.files_in(in_unit_a.schema_name, "zalaczniki")
    kept = {Path(name).name for name in Attachment.objects.values_list("file", flat=True)}
    strays = {name: content for name, content in files.items() if name not in kept}
    stored = {data["tytul"].removeprefix("Niezawodność ") for data in Submission.objects.values_list("data", flat=True)}
    lost = {
        letter.attachment: letter.marker
        for letter in chaos.letters
        if letter.outcome == "unknown" and letter.attachment is not None and letter.marker not in stored
    }
    assert all(content in lost for content in strays.values()), sorted(strays)
    print(f"\nattachment files left by killed intakes: {sorted(lost[content] for content in strays.values())}")


def test_register_numbers_are_never_shared_or_skipped(chaos, in_unit_a):
    numbers = sorted(RegisterEntry.objects.values_list("number", flat=True))
    assert numbers == list(range(1, len(numbers) + 1))
    assert RegisterCounter.objects.get().last_number == len(numbers)
    # The number the killed intake held was given back and went to a later application.
    assert chaos.held_number <= len(numbers)


def test_every_outbox_message_is_done_once_and_every_receipt_has_its_pdf(chaos, in_unit_a):
    receipts = list(Receipt.objects.all())
    expected = {f"{kind}:{receipt.receipt_id}" for receipt in receipts for kind in ("receipt_pdf", "receipt_email")}
    messages = list(OutboxMessage.objects.values_list("key", "status", "attempts"))
    assert {key for key, _, _ in messages} == expected and len(messages) == len(expected)
    assert {(status, attempts) for _, status, attempts in messages} == {(OutboxStatus.DONE, 0)}
    for receipt in receipts:
        assert receipt.pdf, receipt.receipt_id
        assert chaos.stored(in_unit_a.schema_name, receipt.pdf.name).startswith(b"%PDF")
    written = set(chaos.files_in(in_unit_a.schema_name, "upo"))
    orphans = written - {Path(receipt.pdf.name).name for receipt in receipts}
    print(f"\nPDF files left by the killed worker, referenced by no receipt: {sorted(orphans)}")


def test_each_receipt_e_mail_goes_out_at_least_once_with_one_message_id(chaos, in_unit_a):
    sent = Counter()
    for path in chaos.mail_dir.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        sent[message["Message-ID"]] += 1
    expected = {f"<upo-{receipt_id}@ratusz>" for receipt_id in Receipt.objects.values_list("receipt_id", flat=True)}
    assert set(sent) == expected
    # At least once: the message the worker was killed after is sent again, under the same Message-ID.
    again = {message_id: n for message_id, n in sent.items() if n > 1}
    hung = email.message_from_bytes((chaos.mail_dir / chaos.hung_mail).read_bytes(), policy=policy.default)
    assert again == {hung["Message-ID"]: 2}


def test_every_acknowledged_answer_is_present_once_and_complete(chaos, in_unit_a):
    """Every answer the residents saw confirmed is in the register once, linked to its case, with its file and a
    valid receipt of both; the case is back in progress with its deadline moved by the three days waited. An
    answer whose reply was lost and that was sent again with its form's token is there once too."""
    assert chaos.answers and all(answer.outcome == "acknowledged" for answer in chaos.answers)
    resent = [answer for answer in chaos.answers if len(answer.attempts) > 1]
    for answer in chaos.answers:
        entry = RegisterEntry.objects.select_related("receipt", "for_case__register_entry__submission").get(
            document_id=answer.document_id
        )
        case = entry.for_case
        assert (entry.kind, entry.text, str(case.register_entry.submission.reference)) == (
            EntryKind.ANSWER,
            answer.text,
            answer.letter.reference,
        )
        documents = {upo.SUBMISSION_DOCUMENT_NAME: bytes(entry.receipt.document_json)}
        files = list(entry.files.all())
        if answer.attachment is None:
            assert files == [], answer.letter.marker
        else:
            [stored] = files
            assert chaos.stored(in_unit_a.schema_name, stored.file.name) == answer.attachment
            documents[stored.original_name] = answer.attachment
        verification = upo.receipt_verify(bytes(entry.receipt.signed_xml), documents)
        assert verification.valid and verification.all_documents_match, (answer.letter.marker, verification.documents)
        assert (case.status, case.paused_since, case.paused_days) == (CaseStatus.IN_PROGRESS, None, 3)
    answers = RegisterEntry.objects.filter(kind=EntryKind.ANSWER)
    assert answers.count() == len(chaos.answers) == answers.values("for_case").distinct().count()
    assert not RegisterEntry.objects.filter(number__isnull=True).exists()
    print(f"\n{len(chaos.answers)} answers, {len(resent)} of them sent again after a kill: {chaos.events[-2:]}")


def test_stray_answer_files_are_only_those_of_answers_killed_before_commit(chaos, in_unit_a):
    files = chaos.files_in(in_unit_a.schema_name, "korespondencja")
    kept = {Path(name).name for name in EntryFile.objects.values_list("file", flat=True)}
    retried = {answer.attachment for answer in chaos.answers if answer.attachment and len(answer.attempts) > 1}
    strays = [content for name, content in files.items() if name not in kept]
    attempts = {answer.attachment: answer.attempts for answer in chaos.answers if answer.attachment}

    def of_a_retried_answer(content: bytes) -> bool:
        # Whole, or cut short: the kill may land while the file is being written (its first bytes, or none).
        return content in retried or any(attachment.startswith(content) for attachment in retried)

    assert all(of_a_retried_answer(content) for content in strays), [
        (content[-40:], attempts.get(content)) for content in strays if not of_a_retried_answer(content)
    ]
