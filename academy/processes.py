"""What must hold before more than one process serves the site (called from gunicorn.conf.py)."""

from django.conf import settings

PROCESS_LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


def refuse_several_processes_without_a_shared_cache(workers: int) -> None:
    """Raises RuntimeError, which gunicorn prints before it exits, for more than one process
    when the default cache is each process's own.

    That cache holds the cached users (academy/auth.py), the sessions' cached copies and every
    rate-limit counter: in separate processes a deactivated account or a changed password would
    go unnoticed by the others for minutes, and each limit would count per process.
    """
    if workers > 1 and settings.CACHES["default"]["BACKEND"] in PROCESS_LOCAL_CACHES:
        raise RuntimeError(
            f"{workers} web processes need a cache they share: set REDIS_URL, or serve with "
            "one process (--workers=1). Without it each process keeps its own cached users, "
            "sessions and rate-limit counters."
        )
