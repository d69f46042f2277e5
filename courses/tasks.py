"""Where Celery's autodiscovery finds this app's tasks: each service module ends with its own.

Nothing imports this module but the worker's autodiscovery; callers use the task beside its
service (`certificates.issue_certificate_task`), so no module here imports every service."""

from courses.services import attempts, certificates, gift_import, insight, statistics

__all__ = ["attempts", "certificates", "gift_import", "insight", "statistics"]
