import pytest
from django.core.management import call_command

from academy.models import User
from courses.models import Course, CourseInstructor, Lesson, Module
from tests.inert import executable_parts

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_seed_demo_is_idempotent(seeded):
    counts = (User.objects.count(), Course.objects.count(), Module.objects.count(),
              Lesson.objects.count(), CourseInstructor.objects.count())  # fmt: skip

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert counts == (
        User.objects.count(),
        Course.objects.count(),
        Module.objects.count(),
        Lesson.objects.count(),
        CourseInstructor.objects.count(),
    )


def test_demo_has_three_published_courses_a_draft_and_a_prerequisite(seeded):
    published = Course.objects.published()
    assert published.count() == 3
    assert {c.topic.slug for c in published} == {"fascia", "stretching", "teaching-methods"}
    draft = Course.objects.get(status=Course.Status.DRAFT)
    assert draft.instructor_roles.filter(instructor__email="instructor@example.com").exists()
    gated = Course.objects.get(slug="stretching-glutes-hips-back")
    assert list(gated.prerequisites.values_list("slug", flat=True)) == ["fascia-essentials"]


def test_demo_lessons_have_real_substance(seeded):
    published = Lesson.objects.filter(course__status=Course.Status.PUBLISHED)
    assert Module.objects.filter(course__status=Course.Status.PUBLISHED).count() >= 3
    assert published.count() >= 9
    for lesson in published:
        words = len(lesson.body.split())
        assert words >= 250, f"{lesson.slug}: {words} words"
        assert lesson.body.count("\n\n") >= 3, f"{lesson.slug}: too few paragraphs"
        assert executable_parts(lesson.body_html) == []


def test_demo_stretching_lessons_carry_the_safety_stance(seeded):
    stretching = Lesson.objects.filter(course__slug="stretching-glutes-hips-back")
    assert stretching.exclude(safety_notice="").exists()
    text = " ".join(lesson.body.lower() for lesson in stretching)
    assert "doctor" in text
    assert "stop" in text
    assert stretching.filter(required=False).exists()


def test_every_module_ends_with_a_quiz_of_mixed_question_types(seeded):
    from courses.models import Module, QuestionVersion, Quiz

    for module in Module.objects.prefetch_related("lessons"):
        last = list(module.lessons.all())[-1]
        quiz = Quiz.objects.get(lesson=last)
        kinds = set(
            QuestionVersion.objects.filter(question__quiz=quiz).values_list("kind", flat=True)
        )
        assert quiz.questions.count() >= 5, last.slug
        assert len(kinds) >= 3, (last.slug, kinds)
