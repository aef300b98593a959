"""Helpers for tests that start other processes (a Celery worker, manage.py) on the test database."""

from urllib.parse import quote


def database_url_of(settings_dict) -> str:
    credentials = f"{quote(settings_dict['USER'] or '')}:{quote(settings_dict['PASSWORD'] or '')}"
    host, port, name = settings_dict["HOST"], settings_dict["PORT"], settings_dict["NAME"]
    if host.startswith("/"):  # a Unix socket directory, as the embedded server uses
        return f"postgresql://{credentials}@/{name}?host={quote(host)}"
    return f"postgresql://{credentials}@{host}:{port or 5432}/{name}"
