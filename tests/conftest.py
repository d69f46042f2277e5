import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

from academy.celery import app as celery_app
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# Static files are served from the finders in tests: no collectstatic manifest is needed.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
settings.WHITENOISE_USE_FINDERS = True
Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
TEST_CACHE_PREFIX = f"test{os.getpid()}"
settings.CACHES = {
    **settings.CACHES,
    "default": {**settings.CACHES["default"], "KEY_PREFIX": TEST_CACHE_PREFIX},
}
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def missing(what: str) -> None:
    """A missing service skips locally but fails under CI=true, where everything must run."""
    if IN_CI:
        pytest.fail(f"{what} is required under CI=true", pytrace=False)
    pytest.skip(f"{what} is not available")


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        missing("Redis (REDIS_URL)")
    return url


@pytest.fixture
def require_postgres(settings) -> None:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        missing("PostgreSQL (DATABASE_URL=postgres://...)")


@pytest.fixture
def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        missing("Chromium (/usr/bin/chromium)")
    return CHROMIUM


@pytest.fixture
def shared_dir() -> Path:
    if not (SHARED / "conformance").is_dir():
        missing("../shared/conformance")
    return SHARED


@pytest.fixture(autouse=True)
def _tasks_run_in_process(request: pytest.FixtureRequest) -> Iterator[None]:
    """Unit tests run tasks eagerly; tests marked integration talk to a real broker and worker."""
    if request.node.get_closest_marker("integration"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def celery_conf() -> Iterator[Callable[..., None]]:
    """Override Celery settings for one test (its conf does not suit monkeypatch.setattr)."""
    saved: dict[str, object] = {}

    def forget_connections() -> None:
        # Publishing reuses pooled connections keyed by the broker URL they were made for.
        celery_app._pool = None  # type: ignore[attr-defined]
        celery_app.amqp._producer_pool = None  # type: ignore[attr-defined]

    def override(**values: object) -> None:
        for key, value in values.items():
            saved.setdefault(key, celery_app.conf[key])
            celery_app.conf[key] = value
        forget_connections()

    yield override
    for key, value in saved.items():
        celery_app.conf[key] = value
    forget_connections()


def clear_test_cache() -> None:
    """Empties this run's cache keys only: with Redis, cache.clear() would also wipe the broker."""
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
        for key in client.scan_iter(match=f"{TEST_CACHE_PREFIX}:*", count=500):
            client.delete(key)
    else:
        cache.clear()
    caches["pages"].clear()


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Rate-limit counters live in the cache; each test starts from none."""
    clear_test_cache()
    yield
    clear_test_cache()


@pytest.fixture
def private_storage(settings, tmp_path) -> Path:
    """Stored files (certificate PDFs) go to this test's own folder, so they can be counted."""
    location = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    return location


@pytest.fixture
def practitioner(db):
    return UserFactory.create(full_name="Priya Patel")


@pytest.fixture
def instructor(db):
    return UserFactory.create(full_name="Imogen Hart", is_instructor=True)


@pytest.fixture
def staff_user(db):
    return UserFactory.create(full_name="Sam Staff", is_staff=True, is_superuser=True)
