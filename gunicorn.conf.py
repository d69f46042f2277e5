"""Read by gunicorn from its working directory (the project root; /app in the image) before it
starts; the command line sets everything else. A gunicorn started elsewhere needs
`--config=<project>/gunicorn.conf.py` for this check."""

import os
from typing import Any


def on_starting(server: Any) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings")
    from academy.processes import refuse_several_processes_without_a_shared_cache

    refuse_several_processes_without_a_shared_cache(server.cfg.workers)
