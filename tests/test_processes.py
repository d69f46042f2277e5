"""Several web processes only with a cache they share; the catalog's pages never crowd it out."""

import fnmatch
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.urls import reverse

from academy.processes import refuse_several_processes_without_a_shared_cache
from tests.conftest import ROOT
from tests.factories import CourseFactory, UserFactory
from tests.test_accounts import log_in
from tests.test_compose import DOCKERFILE, dockerfile_instructions

GUNICORN = Path(sys.executable).with_name("gunicorn")
LOCAL_CACHE = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def gunicorn(workers: int, port: int, tmp_path: Path) -> subprocess.Popen[str]:
    """gunicorn as the image starts it (from the project root), without REDIS_URL."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DATABASE_URL", "WEB_CONCURRENCY", "GUNICORN_CMD_ARGS"}
    }
    env |= {
        "DJANGO_SECRET_KEY": "insecure-test-only-secret-key",
        "DJANGO_HTTPS": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    return subprocess.Popen(
        [
            str(GUNICORN),
            "academy.wsgi:application",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize(
    ("workers", "backend", "refused"),
    [
        (3, "django.core.cache.backends.locmem.LocMemCache", True),
        (2, "django.core.cache.backends.dummy.DummyCache", True),
        (1, "django.core.cache.backends.locmem.LocMemCache", False),
        (3, "django.core.cache.backends.redis.RedisCache", False),
    ],
)
def test_several_processes_are_refused_only_without_a_shared_cache(
    settings, workers, backend, refused
):
    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": backend}}
    if refused:
        with pytest.raises(RuntimeError, match="REDIS_URL"):
            refuse_several_processes_without_a_shared_cache(workers)
    else:
        refuse_several_processes_without_a_shared_cache(workers)


def test_gunicorn_config_runs_the_check_at_start_up(settings):
    settings.CACHES = {**settings.CACHES, "default": LOCAL_CACHE}
    config: dict[str, object] = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), config)  # noqa: S102 - our own config file

    with pytest.raises(RuntimeError, match="REDIS_URL"):
        config["on_starting"](SimpleNamespace(cfg=SimpleNamespace(workers=2)))  # type: ignore[operator]


def test_gunicorn_with_two_workers_and_no_redis_refuses_to_start(tmp_path):
    process = gunicorn(2, free_port(), tmp_path)
    try:
        _, stderr = process.communicate(timeout=30)
    finally:
        process.kill()

    assert process.returncode == 1
    assert "set REDIS_URL" in stderr


def test_gunicorn_with_one_worker_and_no_redis_serves(tmp_path):
    port = free_port()
    process = gunicorn(1, port, tmp_path)
    try:
        deadline = time.monotonic() + 30
        status = None
        while status is None and time.monotonic() < deadline:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                    status = r.status
            except OSError:
                time.sleep(0.2)
        assert status == 200
    finally:
        process.terminate()
        process.wait(timeout=20)


# --- The catalog's page cache -----------------------------------------------------------------


@pytest.fixture
def one_process_caches(settings):
    """The default cache as a process has it without Redis (and at Django's default size)."""
    settings.CACHES = {**settings.CACHES, "default": {**LOCAL_CACHE, "LOCATION": "no-redis"}}
    caches["default"].clear()
    yield
    caches["default"].clear()


@pytest.mark.django_db
def test_catalog_requests_do_not_evict_the_failed_login_counter(client, one_process_caches):
    CourseFactory.create()
    user = UserFactory.create()
    for _ in range(5):
        log_in(client, user.email, "not-the-password")

    for n in range(400):
        client.get(reverse("courses:catalog"), {"level": f"made-up-{n}"})
        client.get(reverse("courses:catalog"), {"q": f"word{n}"})

    response = log_in(client, user.email)
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()


@pytest.mark.django_db
def test_the_catalog_keeps_pages_only_for_filter_values_it_knows(client):
    CourseFactory.create()
    pages = caches["pages"]
    assert isinstance(pages, LocMemCache)

    for query in (
        {"level": "made-up"},
        {"topic": "no-such-topic"},
        {"hours": "forever"},
        {"q": "fascia"},
        {"utm_source": "mail"},
        {"level": ["introductory", "advanced"]},
    ):
        assert client.get(reverse("courses:catalog"), query).status_code == 200
    assert len(pages._cache) == 0  # type: ignore[attr-defined]

    client.get(reverse("courses:catalog"), {"level": "introductory"})
    client.get(reverse("courses:catalog"), {"level": "introductory", "topic": "", "q": ""})
    # The page and its listing, once, whichever way the same filter was written.
    assert len(pages._cache) == 2  # type: ignore[attr-defined]


def test_the_image_starts_gunicorn_where_its_config_file_is():
    """gunicorn reads ./gunicorn.conf.py: the image's working directory must hold it."""
    runtime = DOCKERFILE.read_text().rsplit("\nFROM ", 1)[1]
    instructions = dockerfile_instructions(runtime)
    workdir = [args for keyword, args in instructions if keyword == "WORKDIR"][-1]
    assert ("COPY", ". .") in instructions
    assert workdir == "/app"
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert not any(fnmatch.fnmatch("gunicorn.conf.py", pattern.strip()) for pattern in ignored)
