"""Any saved or deleted module or lesson, a quiz added to or removed from a lesson, a renamed
topic, a change to a course's instructors (or an instructor's name) or to its prerequisites (or a
prerequisite's title) moves its course's content version on, whoever made the change (the
structure pages, the admin, an import), so caches keyed by it never serve old text."""

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from academy.models import User
from courses.models import Course, CourseInstructor, Lesson, Module, Quiz, Topic


@receiver(post_save, sender=Lesson)
@receiver(post_delete, sender=Lesson)
@receiver(post_save, sender=Module)
@receiver(post_delete, sender=Module)
def course_content_changed(sender: type, instance: Lesson | Module, **kwargs: Any) -> None:
    if isinstance(kwargs.get("origin"), Course):
        return  # the course itself is being deleted: nothing left to version
    Course.objects.filter(pk=instance.course_id).mark_changed()


@receiver(post_save, sender=Quiz)
@receiver(post_delete, sender=Quiz)
def lesson_quiz_changed(sender: type, instance: Quiz, **kwargs: Any) -> None:
    if isinstance(kwargs.get("origin"), Course | Module | Lesson):
        return  # deleted with its lesson, whose own deletion moves the version
    Course.objects.filter(lessons__pk=instance.lesson_id).mark_changed()


@receiver(post_save, sender=Topic)
def topic_renamed(sender: type, instance: Topic, **kwargs: Any) -> None:
    Course.objects.filter(topic=instance).mark_changed()


@receiver(post_save, sender=CourseInstructor)
@receiver(post_delete, sender=CourseInstructor)
def course_instructors_changed(sender: type, instance: CourseInstructor, **kwargs: Any) -> None:
    if isinstance(kwargs.get("origin"), Course):
        return
    Course.objects.filter(pk=instance.course_id).mark_changed()


@receiver(post_save, sender=User)
def instructor_renamed(sender: type, instance: User, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if kwargs.get("created") or (fields is not None and "full_name" not in fields):
        return  # a login's last_login, a password: nothing a course page shows
    Course.objects.filter(instructor_roles__instructor=instance).mark_changed()


@receiver(m2m_changed, sender=Course.prerequisites.through)
def prerequisites_changed(sender: type, instance: Course, action: str, **kwargs: Any) -> None:
    if not kwargs["reverse"]:
        if action.startswith("post_"):
            Course.objects.filter(pk=instance.pk).mark_changed()
    elif action == "pre_clear":  # every course this one unlocks, while the rows still say so
        Course.objects.filter(prerequisites=instance).mark_changed()
    elif action in ("post_add", "post_remove"):  # the courses whose prerequisites it joined or left
        Course.objects.filter(pk__in=kwargs["pk_set"] or ()).mark_changed()


@receiver(post_save, sender=Course)
@receiver(pre_delete, sender=Course)
def prerequisite_changed(sender: type, instance: Course, **kwargs: Any) -> None:
    """The courses that require this one show its title and link; deleting it deletes their
    prerequisite rows without m2m_changed. Most courses unlock none: nothing is written then."""
    if kwargs.get("created"):
        return
    unlocked = list(instance.unlocks.values_list("pk", flat=True))
    if unlocked:
        Course.objects.filter(pk__in=unlocked).mark_changed()
