import pytest
from django.core.cache import cache
from django.urls import reverse

from academy import health
from academy.celery import app as celery_app

pytestmark = pytest.mark.django_db

CLOSED_PORT_URL = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_unreachable(settings, celery_conf):
    """Cache and broker both pointed at a port nothing listens on, tasks no longer in-process."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED_PORT_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }
    celery_conf(broker_url=CLOSED_PORT_URL, task_always_eager=False)


def test_healthz_is_ok_with_database_and_in_process_tasks(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["cache"]["ok"] is True
    assert body["checks"]["workers"]["required"] is False


def test_healthz_reports_503_naming_redis_parts_when_redis_is_unreachable(
    client, redis_unreachable
):
    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert {"cache", "broker", "workers"} <= set(body["failing"])
    assert "database" not in body["failing"]
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["broker"]["detail"]


def test_healthz_is_not_cached(client):
    response = client.get(reverse("healthz"))
    assert "no-cache" in response["Cache-Control"]


def test_healthz_reports_503_when_no_worker_answers(client, redis_url, monkeypatch, celery_conf):
    celery_conf(broker_url=redis_url, task_always_eager=False)
    # A destination no worker has: the broker answers, nobody replies to the ping.
    monkeypatch.setattr(
        "academy.health.celery_app.control.ping",
        lambda timeout, **kwargs: celery_app.control.ping(
            destination=["nobody@nowhere"], timeout=0.3, **kwargs
        ),
    )

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["failing"] == ["workers"]
    assert response.json()["checks"]["broker"]["ok"] is True


REMOTE = {"REMOTE_ADDR": "203.0.113.9"}


@pytest.fixture
def database_probes(monkeypatch) -> list[int]:
    """Counts how often the checks really run (each run probes the database once)."""
    calls: list[int] = []
    probe = health._database

    def counted() -> str:
        calls.append(1)
        return probe()

    monkeypatch.setattr(health, "_database", counted)
    return calls


def test_healthz_tells_a_remote_anonymous_caller_only_ok(client):
    response = client.get(reverse("healthz"), **REMOTE)

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_tells_a_remote_anonymous_caller_only_fail_without_the_error(
    client, redis_unreachable
):
    response = client.get(reverse("healthz"), **REMOTE)

    assert response.status_code == 503
    assert response.json() == {"status": "fail"}
    assert "Error" not in response.content.decode()


def test_healthz_through_a_proxy_on_this_machine_is_not_a_local_caller(client):
    response = client.get(reverse("healthz"), HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.json() == {"status": "ok"}


def test_healthz_shows_details_to_a_caller_with_the_token(client, settings):
    settings.HEALTHZ_TOKEN = "monitor-token-for-tests"

    wrong = client.get(reverse("healthz"), HTTP_AUTHORIZATION="Bearer guessed", **REMOTE)
    right = client.get(
        reverse("healthz"), HTTP_AUTHORIZATION="Bearer monitor-token-for-tests", **REMOTE
    )

    assert wrong.json() == {"status": "ok"}
    assert right.json()["checks"]["database"]["ok"] is True


def test_healthz_without_a_token_configured_accepts_no_bearer(client, settings):
    settings.HEALTHZ_TOKEN = ""
    response = client.get(reverse("healthz"), HTTP_AUTHORIZATION="Bearer ", **REMOTE)
    assert response.json() == {"status": "ok"}


def test_healthz_shows_details_to_staff(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("healthz"), **REMOTE)
    assert response.json()["checks"]["database"]["ok"] is True


def test_healthz_runs_the_checks_once_for_many_calls(client, database_probes):
    for _ in range(20):
        assert client.get(reverse("healthz"), **REMOTE).status_code == 200

    assert len(database_probes) == 1
    # In the shared cache, so the site's other processes reuse it too.
    assert cache.get(health.RESULT_KEY) is not None


def test_healthz_runs_the_checks_again_once_the_answer_is_stale(
    client, database_probes, monkeypatch
):
    client.get(reverse("healthz"))
    monkeypatch.setattr(health, "HEALTH_FRESH_SECONDS", 0.0)
    client.get(reverse("healthz"))

    assert len(database_probes) == 2


def test_healthz_gives_the_last_answer_while_another_request_recomputes(
    client, database_probes, monkeypatch
):
    client.get(reverse("healthz"))
    monkeypatch.setattr(health, "HEALTH_FRESH_SECONDS", 0.0)
    cache.add(health.RUNNING_KEY, "1", timeout=10)

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert len(database_probes) == 1
