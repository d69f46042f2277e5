"""The registered task names outlive moves of the code: the beat schedule (academy/settings.py)
and the messages already queued in the broker name a task by its registered name, so a task that
moved beside its service keeps the name it was first registered under."""

from academy.celery import app
from courses.services import certificates, gift_import, insight, statistics

# Every task the worker ran before the tasks moved beside their services.
REGISTERED_NAMES = {
    "academy.tasks.ping",
    "courses.tasks.issue_certificate",
    "courses.tasks.send_certificate_email",
    "courses.tasks.sweep_certificates",
    "courses.tasks.compute_quiz_statistics",
    "courses.tasks.refresh_quiz_statistics",
    "courses.tasks.refresh_course_insight",
    "courses.tasks.import_gift_file",
    "courses.tasks.sweep_gift_imports",
}


def test_every_task_name_of_before_the_move_is_still_registered():
    app.loader.import_default_modules()  # what the worker does at start (autodiscovery)
    registered = {name for name in app.tasks if not name.startswith("celery.")}
    assert registered >= REGISTERED_NAMES


def test_each_task_sits_beside_its_service_under_its_old_name():
    assert {
        certificates.issue_certificate_task.name,
        certificates.send_certificate_email_task.name,
        certificates.sweep_certificates.name,
        statistics.compute_quiz_statistics_task.name,
        statistics.refresh_quiz_statistics.name,
        insight.refresh_course_insight.name,
        gift_import.import_gift_file.name,
        gift_import.sweep_gift_imports.name,
    } == REGISTERED_NAMES - {"academy.tasks.ping"}
