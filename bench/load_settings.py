"""Settings for bench/load.py: the site's own, with three changes for a load test on loopback.

- A fast password hasher: hundreds of simulated people log in within seconds, and PBKDF2 would
  measure the hasher rather than the site.
- The client address is read from X-Forwarded-For, as behind one reverse proxy, so each simulated
  visitor (who sends its own 127.x.y.z address) has the per-address rate limits a real person
  has, instead of every visitor sharing 127.0.0.1's.
- Static files are collected into the run's own folder (BENCH_STATIC_ROOT), not var/static.
"""

import os

from academy.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLAUTH_TRUSTED_PROXY_COUNT = 1
if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
