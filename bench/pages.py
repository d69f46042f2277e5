"""Page throughput under gunicorn on loopback, as a ratio of a bare Django view served the same way.

    .venv/bin/python bench/pages.py [--requests 400] [--concurrency 4]

Starts gunicorn on 127.0.0.1 with bench.settings (the site plus /bench/bare/), sends a bounded
number of requests to each page from a thread pool, and prints requests per second, p50/p95
latency and the ratio to the bare view measured in the same run. Run by hand; it never fails a
build.
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["/bench/bare/", "/", "/accounts/login/", "/accounts/signup/", "/healthz"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> float:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()
    except urllib.error.HTTPError as exc:  # a 503 from /healthz is still a served page
        exc.read()
    return time.perf_counter() - started


def measure(base: str, path: str, requests: int, concurrency: int) -> tuple[float, float, float]:
    for _ in range(20):  # warm up
        fetch(base + path)
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        latencies = list(pool.map(lambda _: fetch(base + path), range(requests)))
    elapsed = time.perf_counter() - started
    quantiles = statistics.quantiles(latencies, n=100)
    return requests / elapsed, quantiles[49] * 1000, quantiles[94] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()

    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_HTTPS": "false",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-only-secret-key"),
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "academy.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                fetch(base + "/bench/bare/")
                break
            except OSError:
                time.sleep(0.2)
        results = {p: measure(base, p, args.requests, args.concurrency) for p in PAGES}
    finally:
        server.terminate()
        server.wait(timeout=20)

    floor = results["/bench/bare/"][0]
    print(f"{'page':<22}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'ratio':>8}")
    for path, (rate, p50, p95) in results.items():
        print(f"{path:<22}{rate:>9.0f}{p50:>9.1f}{p95:>9.1f}{rate / floor:>8.2f}")


if __name__ == "__main__":
    main()
