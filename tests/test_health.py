import pytest
from django.urls import reverse

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
        lambda timeout: celery_app.control.ping(destination=["nobody@nowhere"], timeout=0.3),
    )

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["failing"] == ["workers"]
    assert response.json()["checks"]["broker"]["ok"] is True
