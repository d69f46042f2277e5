"""The benchmarks' own PostgreSQL databases."""

import subprocess


def fresh_database(url: str) -> None:
    """Drop and create the database in `url`, so no figure depends on what an earlier run left.
    Only databases named bench_* are ever dropped."""
    name, server = url.rsplit("/", 1)[1], url.rsplit("/", 1)[0] + "/postgres"
    if not name.startswith("bench_"):
        raise SystemExit(f"refusing to drop {name!r}: benchmark databases are named bench_*")
    subprocess.run(
        ["psql", server, "-qc", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], check=True
    )
    subprocess.run(["psql", server, "-qc", f'CREATE DATABASE "{name}"'], check=True)
