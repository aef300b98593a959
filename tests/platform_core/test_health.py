"""/healthz and /readyz: answered on any host (the platform's, a unit's, a pod's IP) before routing and
sessions; /readyz says 503 and names the dependency that is down."""

import socket

import pytest
from celery import Celery
from django.core.cache.backends.redis import RedisCache
from django.db import connections

from platform_core import health

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def database_down():
    """A connection to the same database on a port nobody listens on: PostgreSQL stopped, as a pod sees it."""
    default = connections["default"]
    settings_dict = {**default.settings_dict, "HOST": "127.0.0.1", "PORT": str(closed_port())}
    unreachable = type(default)(settings_dict, alias="unreachable")
    yield unreachable
    unreachable.close()


@pytest.mark.parametrize("host", ["localhost", "torun.localhost", "10.42.0.17:8000", "unknown.example.com"])
def test_healthz_answers_on_any_host_without_io_or_session(client, unit_a, host, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz", HTTP_HOST=host)
    assert response.status_code == 200 and response.content == b"ok\n"
    assert response.cookies == {} and response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("host", ["localhost", "10.42.0.17"])
def test_readyz_is_ready_when_database_cache_and_broker_answer(client, host):
    response = client.get("/readyz", HTTP_HOST=host)
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "status": "ready",
        "failed": [],
        "checks": {"database": "ok", "cache": "ok", "broker": "ok"},
    }
    assert response.cookies == {}


def test_readyz_with_the_database_stopped_is_503_naming_it(client, monkeypatch, database_down):
    monkeypatch.setitem(health.READINESS_CHECKS, "database", lambda: health.database_reachable(database_down))
    response = client.get("/readyz", HTTP_HOST="localhost")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable" and body["failed"] == ["database"]
    assert body["checks"]["database"] == "OperationalError"
    assert body["checks"]["cache"] == body["checks"]["broker"] == "ok"


def test_readyz_names_every_dependency_that_is_down(client, monkeypatch, database_down):
    redis_down = RedisCache(f"redis://127.0.0.1:{closed_port()}/0", {"OPTIONS": {"socket_connect_timeout": 1}})
    broker_down = Celery(broker=f"redis://127.0.0.1:{closed_port()}/0", set_as_current=False)
    monkeypatch.setitem(health.READINESS_CHECKS, "database", lambda: health.database_reachable(database_down))
    monkeypatch.setitem(health.READINESS_CHECKS, "cache", lambda: health.cache_reachable(redis_down))
    monkeypatch.setitem(health.READINESS_CHECKS, "broker", lambda: health.broker_reachable(broker_down))
    response = client.get("/readyz", HTTP_HOST="torun.localhost")
    assert response.status_code == 503
    assert response.json()["failed"] == ["database", "cache", "broker"]


def test_other_methods_and_paths_reach_the_platform_as_before(client, unit_a):
    assert client.post("/healthz", HTTP_HOST="localhost").status_code == 404
    assert client.get("/healthz/", HTTP_HOST="localhost").status_code == 404
    # A host outside ALLOWED_HOSTS is still refused everywhere else.
    assert client.get("/", HTTP_HOST="10.42.0.17").status_code == 400


def test_an_unready_pod_is_logged_as_a_warning_naming_the_dependency_not_as_an_error(
    client, monkeypatch, database_down, caplog
):
    monkeypatch.setitem(health.READINESS_CHECKS, "database", lambda: health.database_reachable(database_down))
    with caplog.at_level("WARNING"):
        client.get("/readyz", HTTP_HOST="localhost")
    assert [(r.levelname, r.dependency) for r in caplog.records if r.name == "ratusz.health"] == [
        ("WARNING", "database")
    ]
    assert [r for r in caplog.records if r.name == "django.request"] == []
