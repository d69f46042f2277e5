"""The benchmarks' own PostgreSQL databases, and the settings every benchmark runs Django with."""

import os
import subprocess


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
