"""The course page's instructors and prerequisites are kept in each process under the course's
content version (courses/selectors/progress.py `course_people`), and every change to them shows on
the next request: each moves the version on (courses/caching.py)."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from courses.models import Course, CourseInstructor
from tests.factories import UserFactory, course_with_lessons, teach

pytestmark = pytest.mark.django_db


@pytest.fixture
def course() -> Course:
    course = course_with_lessons(1, title="Fascia in practice", slug="fascia")
    teach(course, UserFactory.create(full_name="Imogen Hart", is_instructor=True))
    course.prerequisites.add(course_with_lessons(1, title="Anatomy basics", slug="anatomy"))
    return course


def _page(client: Client, course: Course) -> str:
    response = client.get(course.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_them_and_reads_them_once_per_version(client, course):
    first = _page(client, course)
    assert "Imogen Hart" in first
    assert 'href="/courses/anatomy/"' in first
    assert "Anatomy basics" in first

    with CaptureQueriesContext(connection) as queries:
        again = _page(client, course)

    assert again == first
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "courses_courseinstructor" not in read
    assert "courses_course_prerequisites" not in read


def _rename_instructor(course: Course) -> None:
    user = CourseInstructor.objects.get(course=course).instructor
    user.full_name = "Imogen Hart-Lee"
    user.save()


def _add_instructor(course: Course) -> None:
    teach(course, UserFactory.create(full_name="Noor Said", is_instructor=True))


def _remove_instructor(course: Course) -> None:
    CourseInstructor.objects.filter(course=course).delete()


def _add_prerequisite(course: Course) -> None:
    course.prerequisites.add(course_with_lessons(1, title="Stretching safely", slug="stretching"))


def _unlock_from_the_other_side(course: Course) -> None:
    course_with_lessons(1, title="Stretching safely", slug="stretching").unlocks.add(course)


def _remove_from_the_other_side(course: Course) -> None:
    Course.objects.get(slug="anatomy").unlocks.remove(course)


def _clear_from_the_other_side(course: Course) -> None:
    Course.objects.get(slug="anatomy").unlocks.clear()


def _clear(course: Course) -> None:
    course.prerequisites.clear()


def _rename_prerequisite(course: Course) -> None:
    anatomy = Course.objects.get(slug="anatomy")
    anatomy.title = "Anatomy, revised"
    anatomy.save()


def _delete_prerequisite(course: Course) -> None:
    Course.objects.get(slug="anatomy").delete()


CHANGES: dict[str, tuple[Callable[[Course], None], str | None, str | None]] = {
    # change, text that must appear afterwards, text that must be gone
    "instructor renamed": (_rename_instructor, "Imogen Hart-Lee", "Imogen Hart</dd>"),
    "instructor added": (_add_instructor, "Noor Said", None),
    "instructor removed": (_remove_instructor, "—", "Imogen Hart"),
    "prerequisite added": (_add_prerequisite, "Stretching safely", None),
    "unlocked from the other side": (_unlock_from_the_other_side, "Stretching safely", None),
    "removed from the other side": (_remove_from_the_other_side, None, "Anatomy basics"),
    "cleared from the other side": (_clear_from_the_other_side, None, "Anatomy basics"),
    "prerequisites cleared": (_clear, None, "Anatomy basics"),
    "prerequisite renamed": (_rename_prerequisite, "Anatomy, revised", "Anatomy basics"),
    "prerequisite deleted": (_delete_prerequisite, None, "Anatomy basics"),
}


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_every_change_shows_on_the_next_request(client, course, name):
    change, shown, gone = CHANGES[name]
    _page(client, course)  # kept now

    change(course)
    course.refresh_from_db()
    page = _page(client, course)

    assert shown is None or shown in page
    assert gone is None or gone not in page
