"""Any saved or deleted module or lesson, a quiz added to or removed from a lesson, or a renamed
topic moves its course's content version on, whoever made the change (the structure pages, the
admin, an import), so caches keyed by it never serve old text."""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from courses.models import Course, Lesson, Module, Quiz, Topic


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
