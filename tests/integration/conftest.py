import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from academy.celery import app as celery_app
from tests.conftest import ROOT


@dataclass(frozen=True)
class Worker:
    name: str
    queue: str
    process: subprocess.Popen[bytes]


def wait_until(condition: Callable[[], object], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture
def celery_worker_process(redis_url: str, celery_conf) -> Iterator[Worker]:
    """A real `celery worker` process on its own queue, against the real Redis."""
    celery_conf(task_always_eager=False, broker_url=redis_url)
    queue = f"test-{uuid.uuid4().hex[:10]}"
    name = f"{queue}@localhost"
    env = {**os.environ, "REDIS_URL": redis_url, "CELERY_QUEUE": queue}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "academy",
            "worker",
            "--pool=solo",
            "--queues",
            queue,
            "--hostname",
            name,
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(
            lambda: celery_app.control.ping(destination=[name], timeout=0.5),
            timeout=60,
            what=f"worker {name} to answer a ping",
        )
        yield Worker(name=name, queue=queue, process=process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
