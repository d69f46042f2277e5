"""Checks behind /healthz: each answers whether one part of the platform is reachable.

A load balancer, a container runtime and anyone on the internet may call /healthz as often as
they like, so the answer is computed at most once every HEALTH_FRESH_SECONDS for the whole site
(in the shared cache) and reused meanwhile; while one request recomputes it, the others are given
the last answer rather than waiting on the probes too.
"""

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection

from academy.celery import app as celery_app

WORKER_PING_TIMEOUT = 1.0
HEALTH_FRESH_SECONDS = 5.0
# Kept longer than it is fresh, to be served while a recomputation runs.
HEALTH_KEPT_SECONDS = 60
RESULT_KEY = "healthz:result"
RUNNING_KEY = "healthz:running"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    required: bool
    milliseconds: float


def _timed(name: str, required: bool, probe: Callable[[], str]) -> Check:
    started = time.perf_counter()
    try:
        detail, ok = probe(), True
    except Exception as exc:  # any failure of the part is the answer, not an error of the check
        detail, ok = f"{type(exc).__name__}: {exc}", False
    elapsed = round((time.perf_counter() - started) * 1000, 1)
    return Check(name=name, ok=ok, detail=detail, required=required, milliseconds=elapsed)


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _cache() -> str:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    if cache.get(key) != "1":
        raise RuntimeError("value written was not read back")
    cache.delete(key)
    return type(caches["default"]).__name__


def _broker() -> str:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=settings.REDIS_SOCKET_TIMEOUT)
    return conn.transport_cls if isinstance(conn.transport_cls, str) else "connected"


def _workers() -> str:
    # The first reply is enough: without a limit the ping always waits out its whole timeout.
    replies = celery_app.control.ping(timeout=WORKER_PING_TIMEOUT, limit=1)
    if not replies:
        raise RuntimeError(f"no worker answered within {WORKER_PING_TIMEOUT:g}s")
    return "a worker answered"


def run_checks() -> list[Check]:
    """Every part the site needs; the broker and workers only when tasks do not run in-process."""
    eager = bool(celery_app.conf.task_always_eager)
    checks = [_timed("database", True, _database), _timed("cache", True, _cache)]
    if eager:
        checks.append(Check("broker", True, "none: tasks run in-process", False, 0.0))
        checks.append(Check("workers", True, "none: tasks run in-process", False, 0.0))
    else:
        broker = _timed("broker", True, _broker)
        checks.append(broker)
        if broker.ok:
            checks.append(_timed("workers", True, _workers))
        else:
            checks.append(Check("workers", False, "broker unreachable", True, 0.0))
    return checks


def current_checks() -> list[Check]:
    """The checks' latest answer for the whole site, recomputed when older than a few seconds."""
    try:
        found = cache.get(RESULT_KEY)
        if isinstance(found, tuple):
            computed_at, checks = found
            fresh = time.time() - computed_at < HEALTH_FRESH_SECONDS
            if fresh or not cache.add(RUNNING_KEY, "1", timeout=10):
                return list(checks)
    except Exception:  # a dead cache must not turn the answer into a 500, nor be waited on twice
        logger.warning("healthz: the cache did not answer", exc_info=True)
        return run_checks()
    checks = run_checks()
    try:
        cache.set(RESULT_KEY, (time.time(), checks), HEALTH_KEPT_SECONDS)
        cache.delete(RUNNING_KEY)
    except Exception:
        logger.warning("healthz: the cache did not answer", exc_info=True)
    return checks
