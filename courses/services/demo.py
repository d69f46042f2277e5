"""Loads the demo courses (courses/demo/*.md, read by courses.demo.loader) and their quizzes
(courses/demo/*.gift, through the GIFT importer) into the database. Safe to run repeatedly."""

from datetime import date

from django.db import transaction

from academy.models import User
from courses.demo.loader import DEMO_DIR, DemoCourse, load_catalog
from courses.models import (
    Accreditation,
    AccreditingBody,
    Course,
    CourseInstructor,
    Lesson,
    Module,
    Quiz,
    ReviewWhen,
    Topic,
)
from courses.services.gift_import import import_gift


@transaction.atomic
def load_demo_courses() -> list[Course]:
    """Create or update every demo course to match its file; returns them in the catalog's order."""
    catalog = load_catalog()
    for slug, name in catalog.topics:
        Topic.objects.update_or_create(slug=slug, defaults={"name": name})
    courses = [_load_course(demo) for demo in catalog.courses]
    by_slug = {course.slug: course for course in courses}
    for demo in catalog.courses:
        by_slug[demo.slug].prerequisites.set([by_slug[s] for s in demo.prerequisite_slugs])
    return courses


def _load_course(demo: DemoCourse) -> Course:
    course, _created = Course.objects.update_or_create(
        slug=demo.slug,
        defaults={
            "title": demo.title,
            "summary": demo.summary,
            "description": demo.description,
            "topic": Topic.objects.get(slug=demo.topic),
            "level": demo.level,
            "ce_hours": demo.ce_hours,
            "status": demo.status,
            "order_required": demo.order_required,
        },
    )
    for position, email in enumerate(demo.instructor_emails):
        CourseInstructor.objects.update_or_create(
            course=course,
            instructor=User.objects.get(email=email),
            defaults={"role": CourseInstructor.Role.OWNER, "position": position},
        )
    lesson_position = 0
    for module_position, demo_module in enumerate(demo.modules):
        module, _created = Module.objects.update_or_create(
            course=course,
            position=module_position,
            defaults={"title": demo_module.title, "summary": demo_module.summary},
        )
        for demo_lesson in demo_module.lessons:
            lesson = Lesson.objects.filter(course=course, slug=demo_lesson.slug).first()
            lesson = lesson or Lesson(slug=demo_lesson.slug)
            lesson.module = module
            lesson.position = lesson_position
            lesson.title = demo_lesson.title
            lesson.body = demo_lesson.body
            lesson.minutes = demo_lesson.minutes
            lesson.required = demo_lesson.required
            lesson.safety_notice = demo_lesson.safety_notice
            lesson.transcript = demo_lesson.transcript
            lesson.full_clean(exclude=["course", "module"])
            lesson.save()
            lesson_position += 1
    return course


@transaction.atomic
def load_demo_quizzes() -> list[Quiz]:
    """One quiz per file named <course-slug>__<lesson-slug>.gift; a quiz that already has
    questions is left as it is (practitioners' attempts point at its versions)."""
    quizzes = []
    for path in sorted(DEMO_DIR.glob("*.gift")):
        course_slug, lesson_slug = path.stem.split("__")
        lesson = Lesson.objects.get(course__slug=course_slug, slug=lesson_slug)
        quiz, _created = Quiz.objects.get_or_create(
            lesson=lesson,
            defaults={
                "pass_mark": 70,
                "attempts_allowed": 3,
                "review_marks": ReviewWhen.IMMEDIATELY,
                "review_answers": ReviewWhen.AFTER_LAST,
            },
        )
        if lesson.kind != Lesson.Kind.QUIZ:
            lesson.kind = Lesson.Kind.QUIZ
            lesson.save(update_fields=["kind"])
        if not quiz.questions.exists():
            import_gift(quiz=quiz, text=path.read_text(encoding="utf-8"))
        quizzes.append(quiz)
    return quizzes


@transaction.atomic
def load_demo_accreditation() -> Accreditation:
    """The fascia course carries a (fictional, clearly marked) CE approval, so the demo shows a
    certificate of continuing education beside plain certificates of completion."""
    body, _created = AccreditingBody.objects.update_or_create(
        name="Demo Board for Massage Therapy CE",
        defaults={"abbreviation": "DBMT (demo)"},
    )
    course = Course.objects.get(slug="fascia-essentials")
    accreditation, _created = Accreditation.objects.update_or_create(
        course=course,
        body=body,
        defaults={
            "provider_name": "Bodywork Academy (demo provider)",
            "provider_number": "DEMO-0001",
            "provider_contact": "cpd@bodywork-academy.example",
            "approved_title": course.title,
            "approved_hours": course.ce_hours,
            "delivery_type": Accreditation.Delivery.HOME_STUDY,
            "valid_from": date(2026, 1, 1),
        },
    )
    return accreditation
