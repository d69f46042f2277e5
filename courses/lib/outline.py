"""A practitioner's view of a course's structure: which lessons are done, open or locked.

Pure: it takes lessons already loaded (ordered, with their modules) and the ids of completed
lessons, so the pages that show it spend no queries of their own. The models are named for type
checking only: this module runs on whatever lessons and modules it is handed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from courses import rules

if TYPE_CHECKING:
    from courses.models import Lesson, Module


class State(StrEnum):
    DONE = "done"
    OPEN = "open"
    LOCKED = "locked"


@dataclass(frozen=True)
class LessonEntry:
    lesson: Lesson
    state: State
    blocked_by: Lesson | None = None  # for a locked lesson, the required one to finish first
    is_current: bool = False

    @property
    def locked_reason(self) -> str:
        if self.state is not State.LOCKED or self.blocked_by is None:
            return ""
        return _("Complete “%(title)s” first: this course is taken in order.") % {
            "title": self.blocked_by.title
        }


@dataclass
class ModuleEntry:
    module: Module
    lessons: list[LessonEntry] = field(default_factory=list)


@dataclass(frozen=True)
class Outline:
    key: str  # every lesson and its state: equal keys show the same outline
    modules: list[ModuleEntry]
    entries: list[LessonEntry]
    required_total: int
    required_done: int

    @property
    def percent(self) -> int:
        """The required lessons done as a percentage, beside their count. The outline does not
        know whether the enrollment was completed (a completed course with a required lesson
        added later shows that lesson open here); the course page and My learning show it as
        the progress only while the enrollment is not completed, where the two are the same."""
        return rules.progress_percent(self.required_done, self.required_total)

    @property
    def total_minutes(self) -> int:
        return sum(entry.lesson.minutes for entry in self.entries)

    def entry(self, lesson: Lesson) -> LessonEntry:
        return next(e for e in self.entries if e.lesson.pk == lesson.pk)

    def neighbours(self, lesson: Lesson) -> tuple[Lesson | None, Lesson | None]:
        ids = [e.lesson.pk for e in self.entries]
        index = ids.index(lesson.pk)
        previous = self.entries[index - 1].lesson if index > 0 else None
        following = self.entries[index + 1].lesson if index + 1 < len(ids) else None
        return previous, following

    @property
    def first_unfinished(self) -> Lesson | None:
        """Where "Continue" leads: the first open lesson not yet done, else the first lesson."""
        for entry in self.entries:
            if entry.state is State.OPEN:
                return entry.lesson
        return self.entries[0].lesson if self.entries else None


def build_outline(
    *,
    lessons: Sequence[Lesson],
    completed_ids: Iterable[int],
    order_required: bool,
    current: Lesson | None = None,
) -> Outline:
    done = set(completed_ids)
    modules: dict[int, ModuleEntry] = {}
    entries: list[LessonEntry] = []
    blocking: Lesson | None = None  # the earliest required lesson not yet done
    for lesson in lessons:
        if lesson.pk in done:
            state, blocked_by = State.DONE, None
        elif order_required and blocking is not None:
            state, blocked_by = State.LOCKED, blocking
        else:
            state, blocked_by = State.OPEN, None
        entry = LessonEntry(
            lesson=lesson,
            state=state,
            blocked_by=blocked_by,
            is_current=current is not None and lesson.pk == current.pk,
        )
        entries.append(entry)
        if lesson.module_id not in modules:
            modules[lesson.module_id] = ModuleEntry(module=lesson.module)
        modules[lesson.module_id].lessons.append(entry)
        if blocking is None and lesson.required and lesson.pk not in done:
            blocking = lesson
    required_done, required_total = rules.required_progress(lessons, done)
    return Outline(
        key="|".join(f"{e.lesson.pk}:{e.state}" for e in entries),
        modules=list(modules.values()),
        entries=entries,
        required_total=required_total,
        required_done=required_done,
    )
