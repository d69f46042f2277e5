import pytest
from django.urls import reverse

from academy.tasks import ping

pytestmark = pytest.mark.integration


def test_ping_task_runs_on_a_real_worker_against_real_redis(celery_worker_process):
    result = ping.apply_async(queue=celery_worker_process.queue)

    assert result.get(timeout=30) == "pong"
    assert result.successful()


@pytest.mark.django_db
def test_healthz_is_ok_when_database_redis_and_a_worker_answer(client, celery_worker_process):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["checks"]["workers"]["ok"] is True
    # The ping returns at the first reply instead of waiting out its timeout.
    assert body["checks"]["workers"]["ms"] < 500
    assert body["checks"]["broker"]["ok"] is True
    assert body["checks"]["cache"]["ok"] is True
