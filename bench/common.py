"""What the benchmarks share: their own PostgreSQL databases, the settings they run Django with,
the start of an in-process benchmark, free ports, waiting for a server, the Celery worker's
command line and a logged-in session."""

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Any


def _name_and_server(url: str) -> tuple[str, str]:
    return url.rsplit("/", 1)[1], url.rsplit("/", 1)[0] + "/postgres"


def fresh_database(url: str) -> None:
    """Drop and create the database in `url`, so no figure depends on what an earlier run left.
    Only databases named bench_* are ever dropped."""
    name, server = _name_and_server(url)
    if not name.startswith("bench_"):
        raise SystemExit(f"refusing to drop {name!r}: benchmark databases are named bench_*")
    subprocess.run(
        ["psql", server, "-qc", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], check=True
    )
    subprocess.run(["psql", server, "-qc", f'CREATE DATABASE "{name}"'], check=True)


def existing_database(url: str) -> None:
    """Create the database in `url` unless it exists: what it holds is kept for the next run."""
    name, server = _name_and_server(url)
    exists = subprocess.run(
        ["psql", server, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(["psql", server, "-qc", f'CREATE DATABASE "{name}"'], check=True)


def django_environment(database_url: str, **extra: str) -> dict[str, str]:
    """The variables a benchmark runs the site with: production settings (debug off, plain HTTP
    on loopback) against its own database, no Redis unless `extra` gives one."""
    env = {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_HTTPS": "false",
        "DJANGO_SECRET_KEY": "bench-only-secret-key",
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        **extra,
    }
    return env


def setup_django(database_url: str, **extra: str) -> None:
    """Set this process's environment as django_environment says and start Django in it."""
    os.environ.update(django_environment(database_url, **extra))
    if "REDIS_URL" not in extra:
        os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def database_url(default: str) -> str:
    """The benchmark's database: BENCH_DATABASE_URL, else its own default."""
    return os.environ.get("BENCH_DATABASE_URL", default)


def start_django(
    default_url: str,
    *,
    fresh: bool = True,
    queue_tasks: bool = False,
    plain_static: bool = False,
) -> str:
    """Start an in-process benchmark: its database (dropped and created afresh unless `fresh` is
    off), Django set up on it and migrated. `queue_tasks`: tasks go to the in-memory broker, as
    they go to a worker in production, instead of running inside the request. `plain_static`:
    pages link static files by name only, so no collectstatic manifest is needed to render them.
    Returns the database's URL."""
    url = database_url(default_url)
    if fresh:
        fresh_database(url)
    setup_django(url)
    if queue_tasks:
        from academy.celery import app

        app.conf.task_always_eager = False
    from django.conf import settings
    from django.core.management import call_command

    if plain_static:
        settings.STORAGES = plain_static_storages(settings.STORAGES)
    call_command("migrate", verbosity=0)
    return url


def plain_static_storages(storages: dict[str, Any]) -> dict[str, Any]:
    """The site's storages with static files served by name, without the manifest."""
    return {
        **storages,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_http(
    url: str, process: subprocess.Popen[bytes] | None = None, seconds: float = 60
) -> None:
    """Wait until the server at `url` answers (an error status is an answer); stop the benchmark
    if the server's process exits or it does not answer in time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer in {seconds:.0f} s")


def celery_worker(python: str, *, concurrency: int, hostname: str) -> list[str]:
    """The command line of a Celery worker as production runs it (prefork), named `hostname`."""
    return [
        python,
        "-m",
        "celery",
        "-A",
        "academy",
        "worker",
        "--pool=prefork",
        f"--concurrency={concurrency}",
        "--without-gossip",
        "--without-mingle",
        "--loglevel=WARNING",
        "--hostname",
        hostname,
    ]


def gunicorn(python: str, *, port: int, workers: int, flags: Sequence[str] = ()) -> list[str]:
    """The command line of the site served by gunicorn on loopback, `flags` before the log
    level."""
    return [
        python,
        "-m",
        "gunicorn",
        "academy.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        f"--workers={workers}",
        *flags,
        "--log-level=warning",
    ]


def logged_in_session(user: Any, engine: str | None = None) -> str:
    """A new session of `user` logged in, as after the login form; returns its key. `engine`:
    the session store's module, the site's SESSION_ENGINE unless given."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(engine or settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "academy.auth.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return str(session.session_key)
