"""No GET changes state: every page of the site, requested by the user it is meant for, issues
no INSERT, UPDATE or DELETE.

The world and the list of URL patterns are those of the authorization matrix, so a new page is
walked here as soon as it has its entry there. Background tasks a page queues (an insight
refresh) are recorded rather than run: they are derived figures computed by a worker, not the
request's writes. The only writes allowed are the session's own (django_session, when a page
stores a message or the session is first saved), which are the framework's and not the page's.
"""

import re
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import Attempt
from tests.test_authorization import (
    ANY_USER,
    INSTRUCTOR,
    MATRIX,
    OWNER,
    PRACTITIONER,
    PUBLIC,
    STAFF,
    World,
    _as,
    build_world,
)

pytestmark = pytest.mark.django_db

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
ALLOWED_TABLES = ('"django_session"',)


def _writes(queries: list[dict[str, Any]]) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if WRITE.match(q["sql"]) and not any(table in q["sql"] for table in ALLOWED_TABLES)
    ]


def _user(world: World, audience: str) -> Any:
    return {
        PUBLIC: None,
        PRACTITIONER: world.learner,
        ANY_USER: world.learner,
        INSTRUCTOR: world.owner,
        OWNER: world.owner,
        STAFF: world.staff,
    }[audience]


def _get_writes(world: World, name: str) -> tuple[int, list[str]]:
    audience, kwargs = MATRIX[name]
    url = reverse(name, kwargs=kwargs(world) if kwargs else None)
    client = _as(_user(world, audience))
    client.get("/healthz")  # the session's first save is not the page's
    with (
        mock.patch("celery.app.task.Task.apply_async") as queued,
        CaptureQueriesContext(connection) as queries,
    ):
        response = client.get(url)
    del queued
    return response.status_code, _writes(queries.captured_queries)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_no_get_writes_to_the_database(name):
    world = build_world()

    status, writes = _get_writes(world, name)

    assert status < 500, status
    assert writes == [], writes


def test_the_page_of_an_attempt_whose_time_is_up_writes_nothing_and_offers_the_submit():
    world = build_world()
    Attempt.objects.filter(pk=world.attempt.pk).update(
        started_at=timezone.now() - timedelta(minutes=30),
        deadline_at=timezone.now() - timedelta(minutes=25),
    )

    status, writes = _get_writes(world, "courses:attempt")

    assert (status, writes) == (200, [])
    world.attempt.refresh_from_db()
    assert world.attempt.is_open
    page = _as(world.learner).get(reverse("courses:attempt", args=[world.attempt.pk]))
    text = page.content.decode()
    assert "Time is up" in text
    assert reverse("courses:attempt_submit", args=[world.attempt.pk]) in text
