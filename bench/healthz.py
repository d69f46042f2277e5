"""What /healthz costs its callers: sequential anonymous calls against a real worker and Redis.

    .venv/bin/python bench/healthz.py [--calls 20] [--redis redis://127.0.0.1:6379/13]

Serves the site with gunicorn (2 gthread workers, SQLite under a temporary folder) beside one
Celery worker on its own queue, waits until /healthz answers ok, then times the calls as a
visitor behind a proxy makes them. Run by hand; it never fails a build.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent

from bench.common import free_port  # noqa: E402


def start(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def get(url: str, headers: dict[str, str]) -> bytes:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return bytes(response.read())
    except urllib.error.HTTPError as error:
        return bytes(error.read())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    args = parser.parse_args()
    port = free_port()
    queue = f"bench-healthz-{port}"
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DJANGO_SECRET_KEY": "bench-only-not-a-secret",
            "DJANGO_HTTPS": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
            "REDIS_URL": args.redis,
            "CELERY_QUEUE": queue,
        }
        worker = start(
            [str(BIN / "celery"), "-A", "academy", "worker", "--pool=solo", "-Q", queue,
             "-n", f"{queue}@localhost", "--without-gossip", "--without-mingle"],
            env,
        )  # fmt: skip
        server = start(
            [str(BIN / "gunicorn"), "academy.wsgi:application", f"--bind=127.0.0.1:{port}",
             "--workers=2", "--worker-class=gthread", "--threads=4"],
            env,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}/healthz"
        try:
            deadline = time.monotonic() + 60
            while b'"status": "ok"' not in _try(url) and time.monotonic() < deadline:
                time.sleep(0.5)
            times = []
            for _ in range(args.calls):
                started = time.perf_counter()
                body = get(url, {"X-Forwarded-For": "203.0.113.9"})
                times.append((time.perf_counter() - started) * 1000)
        finally:
            for process in (server, worker):
                process.terminate()
                process.wait(timeout=30)
    print(
        f"{args.calls} sequential anonymous calls: total {sum(times) / 1000:.2f} s, median "
        f"{statistics.median(times):.1f} ms, max {max(times):.0f} ms; last answer {body!r}"
    )


def _try(url: str) -> bytes:
    try:
        return get(url, {})
    except OSError:
        return b""


if __name__ == "__main__":
    main()
