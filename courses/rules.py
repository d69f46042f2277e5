"""The course's completion rule and the progress percentage, written once.

Pure: plain numbers, ids and objects with a `pk` and a `required` flag in, a number or a yes/no
out; it imports no model, so the services, the outline (courses.lib), the insight pages and the
CSV export call the same few lines. A course counts only its required published lessons (the
callers hand over the published ones): it is complete once every one of them is done (a lesson
with a quiz once its quiz is passed, a practical one once an instructor signed it off: those are
when a lesson's completion is recorded), and its progress is the share of them done, as a whole
percentage; a completed enrollment stays at 100% even when a required lesson is added later.
"""

from collections.abc import Container, Iterable
from typing import Any, Protocol


class CountedLesson(Protocol):
    """What the rule reads of a lesson (a model instance or any stand-in)."""

    @property
    def pk(self) -> Any: ...

    @property
    def required(self) -> bool: ...


def required_progress(lessons: Iterable[CountedLesson], done: Container[int]) -> tuple[int, int]:
    """How many of the required lessons are done, and how many there are: the course's progress
    counts only these."""
    required = [lesson.pk for lesson in lessons if lesson.required]
    return sum(1 for pk in required if pk in done), len(required)


def requirements_met(required_done: int, required_total: int) -> bool:
    """The completion rule: every required lesson is done (a course with none is complete)."""
    return required_done >= required_total


def progress_percent(required_done: int, required_total: int, *, completed: bool = False) -> int:
    """The progress shown to practitioners and instructors: 100 once the enrollment is
    completed, else the required lessons done as a whole percentage (0 when none is required
    and the course is not completed)."""
    if completed:
        return 100
    return round(100 * required_done / required_total) if required_total else 0
