"""Settings for benchmarks: the site's own, plus a bare view to measure the floor against."""

from academy.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
