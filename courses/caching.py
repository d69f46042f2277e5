"""Every cache of the courses domain and its web pages in one place (as Zulip keeps
zerver/lib/cache.py): the key builders, the content version, the per-process memo and the
receivers that move the version on.

The caches, by where they live:

- `default` (Redis in production, shared by every process): the insight figures and their
  refresh guard, the statistics queue guard, a GIFT import's progress, the catalog's cards.
- `pages` (shared): the anonymous catalog page and the public listing of a filter.
- `fragments` (each process): a lesson's content; the templates' `{% cache ... using="fragments" %}`
  blocks (site navigation and footer, a course's description and syllabus, a lesson's outline)
  build their keys with Django's `make_template_fragment_key` from the names they give.
- `PerVersion` (each process, in memory): each course's published lessons, course row and people.

A course's content version is its `updated_at`. Any saved or deleted module or lesson, a quiz added
to or removed from a lesson, a renamed topic, a change to a course's instructors (or an
instructor's name) or to its prerequisites (or a prerequisite's title) moves it on, whoever made
the change (the structure pages, the admin, an import): the receivers below do it, so a key that
carries the version never serves old text and nothing keyed by it has to be deleted.

Every key string is built here: no other module hands the cache a literal or formatted key
(tests/courses/test_caching.py checks). Keep each key's text as it is, or deployed caches miss
once (and an entry pickled under a moved class would not load: bump its "v" then).
"""

import hashlib
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from academy.models import User
from courses.models import Course, CourseInstructor, Lesson, Module, Quiz, Topic
from courses.models.catalog import CourseQuerySet

T = TypeVar("T")


# --- the content version -----------------------------------------------------------------------


def content_version(course: Course) -> datetime:
    """The version every cached view of the course carries: its `updated_at`."""
    return course.updated_at


def move_content_version(courses: CourseQuerySet) -> int:
    """Move the courses' content version on (one UPDATE); returns how many moved."""
    return courses.mark_changed()


def catalog_version() -> str:
    """The published catalog's version: any change to a published course, or to which courses
    are published, gives another (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), MAX(updated_at) FROM courses_course WHERE status = %s",
            [Course.Status.PUBLISHED],
        )
        return hashlib.sha256(repr(cursor.fetchone()).encode()).hexdigest()


# --- key builders ------------------------------------------------------------------------------


def insight_figures_key(course: Course) -> str:
    """A course's insight figures (`default`), under its content version: a renamed, added or
    removed lesson shows at once. "v2": the figures' classes moved to courses.selectors.insight,
    and an entry pickled under their old module would not load."""
    return f"course-insight:v2:{course.pk}:{content_version(course).isoformat()}"


def insight_queued_key(course: Course) -> str:
    """Set while a refresh of the course's insight figures is queued (`default`)."""
    return insight_figures_key(course) + ":queued"


def statistics_queued_key(quiz_id: int) -> str:
    """Set for a minute once a quiz's statistics are queued (`default`)."""
    return f"stats-queued:{quiz_id}"


def gift_import_progress_key(job_id: int) -> str:
    """How many questions a GIFT import's worker has written so far (`default`)."""
    return f"gift-import:{job_id}:written"


def course_card_key(course: Course, language: str) -> str:
    """A catalog card's HTML (`default`): a digest of everything the card displays, so an edit
    to the course, its lessons' minutes or its instructors makes a new key and nothing has to be
    invalidated. The course carries `total_minutes` and its prefetched instructor roles."""
    shown = (
        language,
        course.pk,
        course.updated_at,
        course.total_minutes,  # type: ignore[attr-defined]
        course.topic.name,
        course.ce_hours,
        course.level,
        tuple(role.instructor.full_name for role in course.instructor_roles.all()),
    )
    return "course-card:" + hashlib.sha256(repr(shown).encode()).hexdigest()


def catalog_page_key(language: str, filters: str | None) -> str:
    """The catalog page visitors who are not logged in share, per filter (`pages`)."""
    return f"catalog:{language}:{filters}"


def catalog_listing_key(language: str, filters: str | None, version: str) -> str:
    """The filter form and cards a filter shows, shared by everyone (`pages`), under the
    published catalog's version (`catalog_version`)."""
    return f"catalog-listing:{language}:{filters}:{version}"


def lesson_content_key(language: str, lesson_id: int, course: Course) -> str:
    """A lesson's safety notice, video and text (`fragments`), under its course's version."""
    return f"lesson-content:{language}:{lesson_id}:{content_version(course).isoformat()}"


# --- the per-process memo ----------------------------------------------------------------------


class PerVersion(Generic[T]):
    """Values kept in each process under (course id, content version), loaded for several courses
    in one query: a page listing a practitioner's courses reads what it lacks at once."""

    def __init__(self, load: Callable[[list[int]], dict[int, T]], size: int = 512) -> None:
        self._load = load
        self._size = size
        self._values: dict[tuple[int, Any], T] = {}
        self._lock = threading.Lock()

    def get_many(self, keys: list[tuple[int, Any]]) -> list[T]:
        found = {key: value for key in keys if (value := self._values.get(key)) is not None}
        missing = [key for key in keys if key not in found]
        if missing:
            loaded = self._load([course_id for course_id, _ in missing])
            with self._lock:  # threaded workers: no eviction while another thread inserts
                for key in missing:
                    found[key] = self._values[key] = loaded[key[0]]
                while len(self._values) > self._size:  # the oldest first
                    del self._values[next(iter(self._values))]
        return [found[key] for key in keys]

    def get(self, course: Course) -> T:
        """The course's value under its current content version."""
        return self.get_many([(course.pk, content_version(course))])[0]


# --- invalidation: what moves a course's content version on -------------------------------------


@receiver(post_save, sender=Lesson)
@receiver(post_delete, sender=Lesson)
@receiver(post_save, sender=Module)
@receiver(post_delete, sender=Module)
def course_content_changed(sender: type, instance: Lesson | Module, **kwargs: Any) -> None:
    if isinstance(kwargs.get("origin"), Course):
        return  # the course itself is being deleted: nothing left to version
    move_content_version(Course.objects.filter(pk=instance.course_id))


@receiver(post_save, sender=Quiz)
@receiver(post_delete, sender=Quiz)
def lesson_quiz_changed(sender: type, instance: Quiz, **kwargs: Any) -> None:
    if isinstance(kwargs.get("origin"), Course | Module | Lesson):
        return  # deleted with its lesson, whose own deletion moves the version
    move_content_version(Course.objects.filter(lessons__pk=instance.lesson_id))


@receiver(post_save, sender=Topic)
def topic_renamed(sender: type, instance: Topic, **kwargs: Any) -> None:
    move_content_version(Course.objects.filter(topic=instance))


@receiver(post_save, sender=CourseInstructor)
@receiver(post_delete, sender=CourseInstructor)
def course_instructors_changed(sender: type, instance: CourseInstructor, **kwargs: Any) -> None:
    if isinstance(kwargs.get("origin"), Course):
        return
    move_content_version(Course.objects.filter(pk=instance.course_id))


@receiver(post_save, sender=User)
def instructor_renamed(sender: type, instance: User, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if kwargs.get("created") or (fields is not None and "full_name" not in fields):
        return  # a login's last_login, a password: nothing a course page shows
    move_content_version(Course.objects.filter(instructor_roles__instructor=instance))


@receiver(m2m_changed, sender=Course.prerequisites.through)
def prerequisites_changed(sender: type, instance: Course, action: str, **kwargs: Any) -> None:
    if not kwargs["reverse"]:
        if action.startswith("post_"):
            move_content_version(Course.objects.filter(pk=instance.pk))
    elif action == "pre_clear":  # every course this one unlocks, while the rows still say so
        move_content_version(Course.objects.filter(prerequisites=instance))
    elif action in ("post_add", "post_remove"):  # the courses whose prerequisites it joined or left
        move_content_version(Course.objects.filter(pk__in=kwargs["pk_set"] or ()))


@receiver(post_save, sender=Course)
@receiver(pre_delete, sender=Course)
def prerequisite_changed(sender: type, instance: Course, **kwargs: Any) -> None:
    """The courses that require this one show its title and link; deleting it deletes their
    prerequisite rows without m2m_changed. Most courses unlock none: nothing is written then."""
    if kwargs.get("created"):
        return
    unlocked = list(instance.unlocks.values_list("pk", flat=True))
    if unlocked:
        move_content_version(Course.objects.filter(pk__in=unlocked))
