"""Two versions of the site measured in turn, for a before/after on a machine whose speed drifts.

    .venv/bin/python bench/pages_ab.py BEFORE_DIR [--rounds 5]

Serves the code in BEFORE_DIR (e.g. `git archive <commit> | tar -x -C /tmp/before`, with a
`.venv` link) and this checkout at once with gunicorn (2 workers each, Redis databases 7 and 9
as their caches, emptied first, and the same PostgreSQL database as bench/pages.py), then
measures each page with wrk on one and then on the other, alternating which goes first, so that
the machine's drift hits both alike. Prints each version's median ratio to its own bare view of
the same round, with the range. Run by hand; it never fails a build.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import (  # noqa: E402
    django_environment,
    existing_database,
    free_port,
    gunicorn,
    wait_for_http,
)
from bench.pages import DEFAULT_DB, fill, wrk  # noqa: E402

REDIS = {"before": "redis://127.0.0.1:6379/7", "after": "redis://127.0.0.1:6379/9"}


def serve(root: Path, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    flush = ["redis-cli", "-u", env["REDIS_URL"], "FLUSHDB"]
    subprocess.run(flush, check=True, capture_output=True)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], cwd=root, env=env, check=True)
    port = free_port()
    command = gunicorn(sys.executable, port=port, workers=2)
    return subprocess.Popen(command, cwd=root, env=env), f"http://127.0.0.1:{port}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("before", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    existing_database(database_url)
    base = {**os.environ, **django_environment(database_url, ALLOWED_HOSTS="127.0.0.1")}
    roots = {"before": args.before.resolve(), "after": ROOT}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"],
        cwd=ROOT,
        env={**base, "REDIS_URL": REDIS["after"]},
        check=True,
    )
    servers = {
        name: serve(root, {**base, "REDIS_URL": REDIS[name]}) for name, root in roots.items()
    }
    os.environ.update({**base, "REDIS_URL": REDIS["after"]})
    cookie, course, lesson = fill()
    pages = [
        ("bare view (floor)", "/bench/bare/", None),
        ("bare view, logged in", "/bench/bare-logged-in/", cookie),
        ("catalog (logged in)", "/courses/", cookie),
        ("course", f"/courses/{course}/", cookie),
        ("lesson", f"/courses/{course}/{lesson}/", cookie),
        ("my learning", "/learning/", cookie),
    ]
    results: dict[str, list[list[float]]] = {name: [] for name in servers}
    try:
        for process, url in servers.values():
            wait_for_http(url + "/bench/bare/", process, seconds=30)
        for number in range(args.rounds):
            order = ("before", "after") if number % 2 == 0 else ("after", "before")
            measured: dict[str, list[float]] = {name: [] for name in servers}
            for _, path, page_cookie in pages:
                for name in order:
                    measured[name].append(wrk(servers[name][1] + path, 5, 8, page_cookie)[0])
            for name, rates in measured.items():
                results[name].append(rates)
    finally:
        for process, _ in servers.values():
            process.terminate()
            process.wait(timeout=20)
    print(f"gunicorn 2 workers each; wrk -t2 -c8 -d5s; {args.rounds} rounds, the median shown")
    print(f"{'page':<22}{'before':>8}  {'range':<11}{'after':>8}  range")
    for i, (name, _, _) in enumerate(pages):
        row = f"{name:<22}"
        for version in ("before", "after"):
            ratios = sorted(rates[i] / rates[0] for rates in results[version])
            row += f"{ratios[len(ratios) // 2]:>8.2f}  {ratios[0]:.2f}-{ratios[-1]:.2f}  "
        print(row)


if __name__ == "__main__":
    main()
