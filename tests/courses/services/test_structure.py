from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from courses.models import (
    Accreditation,
    AccreditingBody,
    Course,
    CourseInstructor,
    Lesson,
    Module,
    Quiz,
    SignOff,
)
from courses.services import structure
from courses.services.enrollment import enroll
from courses.services.progress import complete_lesson
from courses.services.structure import (
    AccreditationDetails,
    CourseDetails,
    LessonDetails,
)
from tests.factories import CourseFactory, TopicFactory, UserFactory, quiz_for, teach

pytestmark = pytest.mark.django_db

OWNER = CourseInstructor.Role.OWNER
EDITOR = CourseInstructor.Role.EDITOR


def details(**overrides) -> CourseDetails:
    values = {
        "title": "Fascia for therapists",
        "summary": "Connective tissue, in practice.",
        "topic": TopicFactory.create(),
        "ce_hours": Decimal("2"),
    }
    return CourseDetails(**(values | overrides))


def lesson_details(lesson: Lesson, **overrides) -> LessonDetails:
    values = {"title": lesson.title, "slug": lesson.slug, "body": lesson.body}
    return LessonDetails(**(values | overrides))


def draft_course(owner, modules: int = 1, lessons_per_module: int = 0) -> Course:
    course = structure.create_course(owner=owner, details=details())
    for m in range(modules):
        module = structure.add_module(course=course, title=f"Module {m + 1}")
        for n in range(lessons_per_module):
            structure.add_lesson(module=module, title=f"Lesson {m + 1}.{n + 1}")
    return course


def titles(queryset) -> list[str]:
    return [item.title for item in queryset.order_by("position", "id")]


def positions(queryset) -> list[int]:
    return list(queryset.order_by("position", "id").values_list("position", flat=True))


# --- courses ----------------------------------------------------------------------------------


def test_create_course_makes_a_draft_owned_by_its_creator(instructor):
    course = structure.create_course(owner=instructor, details=details())

    assert course.status == Course.Status.DRAFT
    assert course.slug == "fascia-for-therapists"
    role = CourseInstructor.objects.get(course=course)
    assert (role.instructor, role.role) == (instructor, OWNER)


def test_create_course_never_takes_a_used_or_reserved_slug(instructor):
    first = structure.create_course(owner=instructor, details=details(title="New"))
    second = structure.create_course(owner=instructor, details=details(title="New"))

    assert first.slug == "new-2"
    assert second.slug == "new-3"


def test_create_course_rejects_hours_off_the_half_hour_steps(instructor):
    with pytest.raises(ValidationError) as caught:
        structure.create_course(owner=instructor, details=details(ce_hours=Decimal("1.2")))

    assert "ce_hours" in caught.value.error_dict
    assert not Course.objects.exists()


def test_update_course_changes_its_details_but_not_its_slug_or_status(instructor):
    course = draft_course(instructor)

    structure.update_course(
        course=course, details=details(title="Fascia, revised", description="# Hello")
    )

    course.refresh_from_db()
    assert course.title == "Fascia, revised"
    assert course.slug == "fascia-for-therapists"
    assert course.status == Course.Status.DRAFT
    assert course.description_html == "<h2>Hello</h2>\n"


def test_update_course_sets_published_courses_as_prerequisites(instructor):
    course = draft_course(instructor)
    basics = CourseFactory.create(title="Basics")

    structure.update_course(course=course, details=details(), prerequisites=[basics])

    assert list(course.prerequisites.all()) == [basics]


def test_update_course_refuses_itself_and_unpublished_prerequisites(instructor):
    course = draft_course(instructor)
    other_draft = CourseFactory.create(status=Course.Status.DRAFT)

    with pytest.raises(ValidationError) as caught:
        structure.update_course(course=course, details=details(), prerequisites=[course])
    with pytest.raises(ValidationError) as caught_draft:
        structure.update_course(course=course, details=details(), prerequisites=[other_draft])

    assert "its own prerequisite" in str(caught.value)
    assert "Only published courses" in str(caught_draft.value)
    assert not course.prerequisites.exists()


def test_update_course_refuses_a_prerequisite_loop(instructor):
    course = draft_course(instructor)
    middle = CourseFactory.create(title="Middle")
    top = CourseFactory.create(title="Top")
    middle.prerequisites.add(course)
    top.prerequisites.add(middle)

    with pytest.raises(ValidationError) as caught:
        structure.update_course(course=course, details=details(), prerequisites=[top])

    assert "loop" in str(caught.value)
    assert not course.prerequisites.exists()


def test_delete_course_is_refused_once_someone_enrolled(instructor, practitioner):
    course = draft_course(instructor, lessons_per_module=1)
    structure.publish_course(course=course)
    enroll(practitioner=practitioner, course=course)

    with pytest.raises(structure.CourseInUseError):
        structure.delete_course(course=course)

    assert Course.objects.filter(pk=course.pk).exists()


def test_delete_course_removes_an_unused_course_with_its_structure(instructor):
    course = draft_course(instructor, modules=2, lessons_per_module=2)

    structure.delete_course(course=course)

    assert not Course.objects.exists()
    assert not Lesson.objects.exists()


# --- modules ----------------------------------------------------------------------------------


def test_add_module_appends_it_after_the_others(instructor):
    course = draft_course(instructor, modules=2)

    module = structure.add_module(course=course, title="  Third  ")

    assert module.title == "Third"
    assert titles(course.modules) == ["Module 1", "Module 2", "Third"]
    assert positions(course.modules) == [0, 1, 2]


def test_add_module_needs_a_title(instructor):
    course = draft_course(instructor, modules=0)

    with pytest.raises(ValidationError):
        structure.add_module(course=course, title="   ")

    assert not course.modules.exists()


def test_rename_module_changes_only_its_title(instructor):
    course = draft_course(instructor, modules=2)
    module = course.modules.get(title="Module 2")

    structure.rename_module(module=module, title="Assessment")

    assert titles(course.modules) == ["Module 1", "Assessment"]


def test_move_module_swaps_it_with_its_neighbour_and_stops_at_the_ends(instructor):
    course = draft_course(instructor, modules=3)
    second = course.modules.get(title="Module 2")

    assert structure.move_module(module=second, direction="up") is True
    assert titles(course.modules) == ["Module 2", "Module 1", "Module 3"]
    assert structure.move_module(module=second, direction="up") is False
    assert titles(course.modules) == ["Module 2", "Module 1", "Module 3"]
    assert structure.move_module(module=second, direction="down") is True
    assert titles(course.modules) == ["Module 1", "Module 2", "Module 3"]
    assert positions(course.modules) == [0, 1, 2]


def test_move_module_closes_gaps_in_positions(instructor):
    course = draft_course(instructor, modules=3)
    Module.objects.filter(course=course, title="Module 3").update(position=9)

    structure.move_module(module=course.modules.get(title="Module 1"), direction="down")

    assert titles(course.modules) == ["Module 2", "Module 1", "Module 3"]
    assert positions(course.modules) == [0, 1, 2]


def test_reorder_modules_follows_the_given_order(instructor):
    course = draft_course(instructor, modules=3)
    one, two, three = course.modules.order_by("position")

    structure.reorder_modules(course=course, module_ids=[three.pk, one.pk, two.pk])

    assert titles(course.modules) == ["Module 3", "Module 1", "Module 2"]


@pytest.mark.parametrize("which", ["missing", "repeated", "foreign"])
def test_reorder_modules_needs_every_module_of_the_course_once(instructor, which):
    course = draft_course(instructor, modules=3)
    one, _two, three = course.modules.order_by("position")
    other = draft_course(instructor, modules=1).modules.get()
    ids = {
        "missing": [three.pk, one.pk],
        "repeated": [three.pk, one.pk, one.pk],
        "foreign": [three.pk, one.pk, other.pk],
    }[which]

    with pytest.raises(ValidationError):
        structure.reorder_modules(course=course, module_ids=ids)

    assert titles(course.modules) == ["Module 1", "Module 2", "Module 3"]


def test_delete_module_deletes_its_lessons_and_renumbers_the_rest(instructor):
    course = draft_course(instructor, modules=3, lessons_per_module=2)

    structure.delete_module(module=course.modules.get(title="Module 1"))

    assert titles(course.modules) == ["Module 2", "Module 3"]
    assert positions(course.modules) == [0, 1]
    assert course.lessons.count() == 4


def test_delete_module_is_refused_when_one_of_its_lessons_was_completed(instructor, practitioner):
    course = draft_course(instructor, lessons_per_module=2)
    structure.publish_course(course=course)
    enroll(practitioner=practitioner, course=course)
    complete_lesson(practitioner=practitioner, lesson=course.lessons.get(title="Lesson 1.1"))

    with pytest.raises(structure.LessonInUseError):
        structure.delete_module(module=course.modules.get())

    assert course.lessons.count() == 2


# --- lessons ----------------------------------------------------------------------------------


def test_add_lesson_appends_with_a_slug_unique_in_the_course(instructor):
    course = draft_course(instructor, modules=2)
    first, second = course.modules.order_by("position")

    a = structure.add_lesson(module=first, title="Warm-up")
    b = structure.add_lesson(module=second, title="Warm-up")
    c = structure.add_lesson(module=first, title="Quiz time", kind=Lesson.Kind.QUIZ)

    assert (a.slug, b.slug, c.slug) == ("warm-up", "warm-up-2", "quiz-time")
    assert (a.course, b.course) == (course, course)
    assert [a.position, c.position, b.position] == [0, 1, 0]
    assert c.kind == Lesson.Kind.QUIZ
    assert a.published


def test_lesson_added_to_a_published_course_starts_unpublished(instructor):
    course = draft_course(instructor, lessons_per_module=1)
    structure.publish_course(course=course)

    lesson = structure.add_lesson(module=course.modules.get(), title="Later addition")

    assert lesson.published is False


def test_move_lesson_swaps_it_within_its_module(instructor):
    course = draft_course(instructor, lessons_per_module=3)
    module = course.modules.get()
    last = module.lessons.get(title="Lesson 1.3")

    assert structure.move_lesson(lesson=last, direction="up") is True

    assert titles(module.lessons) == ["Lesson 1.1", "Lesson 1.3", "Lesson 1.2"]
    assert positions(module.lessons) == [0, 1, 2]
    assert last.position == 1


def test_move_lesson_crosses_into_the_neighbouring_module_at_either_end(instructor):
    course = draft_course(instructor, modules=2, lessons_per_module=2)
    first, second = course.modules.order_by("position")
    top_of_second = second.lessons.get(title="Lesson 2.1")

    structure.move_lesson(lesson=top_of_second, direction="up")

    assert titles(first.lessons) == ["Lesson 1.1", "Lesson 1.2", "Lesson 2.1"]
    assert titles(second.lessons) == ["Lesson 2.2"]
    assert positions(first.lessons) == [0, 1, 2]
    assert positions(second.lessons) == [0]
    assert top_of_second.module == first

    structure.move_lesson(lesson=first.lessons.get(title="Lesson 1.2"), direction="down")
    structure.move_lesson(lesson=first.lessons.get(title="Lesson 1.2"), direction="down")

    assert titles(first.lessons) == ["Lesson 1.1", "Lesson 2.1"]
    assert titles(second.lessons) == ["Lesson 1.2", "Lesson 2.2"]
    assert positions(second.lessons) == [0, 1]
    assert Lesson.objects.get(title="Lesson 1.2").course == course


def test_move_lesson_stops_at_either_end_of_the_course(instructor):
    course = draft_course(instructor, modules=2, lessons_per_module=1)

    assert (
        structure.move_lesson(lesson=course.lessons.get(title="Lesson 1.1"), direction="up")
        is False
    )
    assert (
        structure.move_lesson(lesson=course.lessons.get(title="Lesson 2.1"), direction="down")
        is False
    )
    assert titles(course.modules.get(title="Module 1").lessons) == ["Lesson 1.1"]


def test_reorder_lessons_follows_the_given_order_and_checks_the_set(instructor):
    course = draft_course(instructor, lessons_per_module=3)
    module = course.modules.get()
    one, two, three = module.lessons.order_by("position")

    structure.reorder_lessons(module=module, lesson_ids=[two.pk, three.pk, one.pk])
    with pytest.raises(ValidationError):
        structure.reorder_lessons(module=module, lesson_ids=[one.pk, two.pk])

    assert titles(module.lessons) == ["Lesson 1.2", "Lesson 1.3", "Lesson 1.1"]


def test_update_lesson_saves_content_and_renders_it_sanitised(instructor):
    course = draft_course(instructor, lessons_per_module=1)
    lesson = course.lessons.get()

    structure.update_lesson(
        lesson=lesson,
        details=lesson_details(
            lesson,
            title="Breathing",
            slug="breathing",
            body="Hello <script>alert(1)</script>",
            video_url="https://youtu.be/dQw4w9WgXcQ",
            minutes=25,
            required=False,
            kind=Lesson.Kind.PRACTICAL,
        ),
    )

    lesson.refresh_from_db()
    assert (lesson.title, lesson.slug, lesson.minutes) == ("Breathing", "breathing", 25)
    assert lesson.kind == Lesson.Kind.PRACTICAL
    assert lesson.required is False
    assert "<script>" not in lesson.body_html
    assert "&lt;script&gt;" in lesson.body_html


def test_update_lesson_refuses_a_slug_another_lesson_of_the_course_uses(instructor):
    course = draft_course(instructor, lessons_per_module=2)
    first, second = course.lessons.order_by("position")

    with pytest.raises(ValidationError) as caught:
        structure.update_lesson(lesson=second, details=lesson_details(second, slug=first.slug))

    assert "slug" in caught.value.error_dict
    second.refresh_from_db()
    assert second.slug == "lesson-12"  # slugify drops the dot


def test_update_lesson_refuses_video_from_hosts_outside_the_allow_list(instructor):
    course = draft_course(instructor, lessons_per_module=1)
    lesson = course.lessons.get()

    with pytest.raises(ValidationError) as caught:
        structure.update_lesson(
            lesson=lesson, details=lesson_details(lesson, video_url="https://evil.example/v")
        )

    assert "video_url" in caught.value.error_dict
    assert Lesson.objects.get(pk=lesson.pk).video_url == ""


def test_delete_lesson_deletes_its_quiz_and_renumbers_the_module(instructor):
    course = draft_course(instructor, lessons_per_module=3)
    module = course.modules.get()
    doomed = module.lessons.get(title="Lesson 1.1")
    quiz_for(doomed, questions=2)

    structure.delete_lesson(lesson=doomed)

    assert titles(module.lessons) == ["Lesson 1.2", "Lesson 1.3"]
    assert positions(module.lessons) == [0, 1]
    assert not Quiz.objects.exists()


def test_delete_lesson_is_refused_when_a_practitioner_completed_it(instructor, practitioner):
    course = draft_course(instructor, lessons_per_module=2)
    structure.publish_course(course=course)
    enroll(practitioner=practitioner, course=course)
    done = course.lessons.get(title="Lesson 1.1")
    complete_lesson(practitioner=practitioner, lesson=done)

    with pytest.raises(structure.LessonInUseError) as caught:
        structure.delete_lesson(lesson=done)

    assert "unpublish" in str(caught.value)
    assert Lesson.objects.filter(pk=done.pk).exists()


def test_delete_lesson_is_refused_when_a_sign_off_was_requested(instructor, practitioner):
    course = draft_course(instructor, lessons_per_module=1)
    structure.publish_course(course=course)
    practical = course.lessons.get()
    SignOff.objects.create(
        enrollment=enroll(practitioner=practitioner, course=course),
        lesson=practical,
        requested_at=timezone.now(),
    )

    with pytest.raises(structure.LessonInUseError):
        structure.delete_lesson(lesson=practical)

    assert Lesson.objects.filter(pk=practical.pk).exists()


def test_set_lesson_published_hides_and_shows_the_lesson(instructor):
    course = draft_course(instructor, lessons_per_module=1)
    lesson = course.lessons.get()

    structure.set_lesson_published(lesson=lesson, published=False)
    hidden = Lesson.objects.published().filter(pk=lesson.pk).exists()
    structure.set_lesson_published(lesson=lesson, published=True)

    assert hidden is False
    assert Lesson.objects.published().filter(pk=lesson.pk).exists()


# --- publishing -------------------------------------------------------------------------------


def test_publish_is_refused_without_a_published_lesson(instructor):
    course = draft_course(instructor, lessons_per_module=1)
    structure.set_lesson_published(lesson=course.lessons.get(), published=False)

    with pytest.raises(ValidationError) as caught:
        structure.publish_course(course=course)

    assert caught.value.messages == ["No published lesson: add a lesson (or publish one) first."]
    course.refresh_from_db()
    assert course.status == Course.Status.DRAFT


def test_publish_lists_every_quiz_lesson_without_questions(instructor):
    course = draft_course(instructor)
    module = course.modules.get()
    structure.add_lesson(module=module, title="Reading")
    structure.add_lesson(module=module, title="No quiz", kind=Lesson.Kind.QUIZ)
    empty = structure.add_lesson(module=module, title="Empty quiz", kind=Lesson.Kind.QUIZ)
    Quiz.objects.create(lesson=empty)
    ready = structure.add_lesson(module=module, title="Ready quiz", kind=Lesson.Kind.QUIZ)
    quiz_for(ready, questions=1)
    hidden = structure.add_lesson(module=module, title="Hidden quiz", kind=Lesson.Kind.QUIZ)
    structure.set_lesson_published(lesson=hidden, published=False)

    with pytest.raises(ValidationError) as caught:
        structure.publish_course(course=course)

    assert caught.value.messages == [
        "The quiz lesson “No quiz” has no quiz yet: add at least one question.",
        "The quiz of the lesson “Empty quiz” has no questions yet.",
    ]
    course.refresh_from_db()
    assert course.status == Course.Status.DRAFT


def test_publish_archive_and_back_to_draft(instructor):
    course = draft_course(instructor, lessons_per_module=1)

    structure.publish_course(course=course)
    published = Course.objects.get(pk=course.pk).status
    structure.archive_course(course=course)
    archived = Course.objects.get(pk=course.pk).status
    structure.return_course_to_draft(course=course)

    assert (published, archived) == (Course.Status.PUBLISHED, Course.Status.ARCHIVED)
    assert Course.objects.get(pk=course.pk).status == Course.Status.DRAFT


# --- accreditations ---------------------------------------------------------------------------


def accreditation_details(**overrides) -> AccreditationDetails:
    body, _ = AccreditingBody.objects.get_or_create(name="NCBTMB")
    values = {
        "body": body,
        "provider_name": "Bodywork Academy",
        "provider_number": "123456-00",
        "provider_contact": "hello@example.org",
        "approved_title": "Fascia for therapists",
        "approved_hours": Decimal("2"),
        "valid_from": date(2025, 1, 1),
    }
    return AccreditationDetails(**(values | overrides))


def test_add_and_update_an_accreditation(instructor):
    course = draft_course(instructor)

    accreditation = structure.add_accreditation(course=course, details=accreditation_details())
    structure.update_accreditation(
        accreditation=accreditation, details=accreditation_details(approved_hours=Decimal("3"))
    )

    saved = Accreditation.objects.get()
    assert saved.course == course
    assert saved.approved_hours == Decimal("3")
    assert saved.mismatch_with(course) != ""


def test_an_accreditation_cannot_end_before_it_starts(instructor):
    course = draft_course(instructor)

    with pytest.raises(ValidationError) as caught:
        structure.add_accreditation(
            course=course, details=accreditation_details(valid_until=date(2024, 12, 31))
        )

    assert "valid_until" in caught.value.error_dict
    assert not Accreditation.objects.exists()


# --- instructors ------------------------------------------------------------------------------


def test_add_instructor_gives_an_existing_instructor_a_role(instructor):
    course = draft_course(instructor)
    colleague = UserFactory.create(email="colleague@example.org", is_instructor=True)

    role = structure.add_instructor(course=course, email="Colleague@Example.org ", role=EDITOR)

    assert (role.instructor, role.role, role.position) == (colleague, EDITOR, 1)


@pytest.mark.parametrize("email", ["practitioner@example.org", "nobody@example.org"])
def test_add_instructor_refuses_anyone_who_is_not_an_instructor(instructor, email):
    course = draft_course(instructor)
    UserFactory.create(email="practitioner@example.org")

    with pytest.raises(ValidationError) as caught:
        structure.add_instructor(course=course, email=email, role=EDITOR)

    assert "No instructor uses that e-mail address" in str(caught.value)
    assert course.instructor_roles.count() == 1


def test_add_instructor_refuses_someone_already_teaching_the_course(instructor):
    course = draft_course(instructor)

    with pytest.raises(ValidationError) as caught:
        structure.add_instructor(course=course, email=instructor.email, role=EDITOR)

    assert "already teaches" in str(caught.value)


def test_the_last_owner_can_be_neither_removed_nor_made_an_editor(instructor):
    course = draft_course(instructor)
    editor = UserFactory.create(is_instructor=True)
    teach(course, editor, EDITOR)
    owner_role = course.instructor_roles.get(instructor=instructor)

    with pytest.raises(structure.LastOwnerError):
        structure.remove_instructor(course_instructor=owner_role)
    with pytest.raises(structure.LastOwnerError):
        structure.change_instructor_role(course_instructor=owner_role, role=EDITOR)

    assert course.instructor_roles.get(instructor=instructor).role == OWNER


def test_an_owner_can_leave_once_another_owner_exists(instructor):
    course = draft_course(instructor)
    colleague = UserFactory.create(is_instructor=True)
    teach(course, colleague, EDITOR)
    colleague_role = course.instructor_roles.get(instructor=colleague)

    structure.change_instructor_role(course_instructor=colleague_role, role=OWNER)
    structure.remove_instructor(
        course_instructor=course.instructor_roles.get(instructor=instructor)
    )

    remaining = course.instructor_roles.get()
    assert (remaining.instructor, remaining.role, remaining.position) == (colleague, OWNER, 0)


def test_set_instructor_status_grants_and_withdraws(practitioner):
    structure.set_instructor_status(user=practitioner, is_instructor=True)
    granted = type(practitioner).objects.get(pk=practitioner.pk).is_instructor
    structure.set_instructor_status(user=practitioner, is_instructor=False)

    assert granted is True
    assert type(practitioner).objects.get(pk=practitioner.pk).is_instructor is False


def test_withdrawing_instructor_status_is_refused_for_a_course_s_only_owner(instructor):
    course = draft_course(instructor)
    shared = structure.create_course(owner=instructor, details=details(title="Shared"))
    teach(shared, UserFactory.create(is_instructor=True), OWNER)

    with pytest.raises(structure.LastOwnerError) as caught:
        structure.set_instructor_status(user=instructor, is_instructor=False)

    assert course.title in str(caught.value)
    assert "Shared" not in str(caught.value)
    instructor.refresh_from_db()
    assert instructor.is_instructor is True
