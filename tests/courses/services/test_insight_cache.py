"""The dashboard's figures are cached under a key of their own layout: the figures' classes moved
to courses/selectors/insight.py, so an entry an earlier release pickled (naming the classes under
courses.services.insight) is never read; the figures are computed afresh instead."""

import pytest
from django.core.cache import cache

from courses.selectors.insight import Figures
from courses.services.insight import course_figures
from tests.factories import course_with_lessons

pytestmark = pytest.mark.django_db


def test_an_entry_under_the_earlier_key_is_not_read():
    course = course_with_lessons(2)
    cache.set(f"course-insight:{course.pk}:{course.updated_at.isoformat()}", "earlier release")

    figures, refreshing = course_figures(course)

    assert isinstance(figures, Figures)
    assert not refreshing
    assert [row.lesson.title for row in figures.lessons] == ["Lesson 1", "Lesson 2"]
    assert course_figures(course) == (figures, False)  # kept under the new key
