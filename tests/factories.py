from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from academy.models import User
from courses.models import (
    Attempt,
    Choice,
    Course,
    CourseInstructor,
    Lesson,
    Module,
    Quiz,
    Topic,
)

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory[User]):
    """A user whose e-mail address is verified, so they can log in."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(obj: User, create: bool, extracted: bool | None, **kwargs: object) -> None:
        if not create:
            return
        obj.save()
        if extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class TopicFactory(factory.django.DjangoModelFactory[Topic]):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    slug = "fascia"
    name = "Fascia"


class CourseFactory(factory.django.DjangoModelFactory[Course]):
    class Meta:
        model = Course

    slug = factory.Sequence(lambda n: f"course-{n}")
    title = factory.Sequence(lambda n: f"Course {n}")
    summary = "A short course for therapists."
    description = "What the course covers."
    topic = factory.SubFactory(TopicFactory)
    ce_hours = Decimal("2.0")
    status = Course.Status.PUBLISHED
    order_required = True


class ModuleFactory(factory.django.DjangoModelFactory[Module]):
    class Meta:
        model = Module

    course = factory.SubFactory(CourseFactory)
    position = factory.Sequence(int)
    title = factory.Sequence(lambda n: f"Module {n}")


class LessonFactory(factory.django.DjangoModelFactory[Lesson]):
    class Meta:
        model = Lesson

    module = factory.SubFactory(ModuleFactory)
    position = factory.Sequence(int)
    title = factory.Sequence(lambda n: f"Lesson {n}")
    slug = factory.Sequence(lambda n: f"lesson-{n}")
    body = "Some **text**."
    minutes = 10


def course_with_lessons(lessons: int = 3, modules: int = 1, **course_fields: object) -> Course:
    """A published course with its lessons spread over modules, in order."""
    course = CourseFactory.create(**course_fields)
    module_list = [
        ModuleFactory.create(course=course, position=i, title=f"Module {i + 1}")
        for i in range(modules)
    ]
    for i in range(lessons):
        LessonFactory.create(module=module_list[i % modules], position=i, title=f"Lesson {i + 1}")
    return course


def teach(course: Course, instructor: User, role: str = CourseInstructor.Role.OWNER) -> None:
    CourseInstructor.objects.create(course=course, instructor=instructor, role=role)


def quiz_for(lesson: Lesson, questions: int = 3, **quiz_fields: object) -> Quiz:
    """A quiz of single-choice questions: choice "right" is the answer, "wrong" and "also wrong"
    are not. Feedback strings are distinctive so tests can look for leaks."""
    from courses.services.questions import ChoiceSpec, QuestionSpec, add_question

    quiz = Quiz.objects.create(lesson=lesson, **quiz_fields)
    for n in range(questions):
        add_question(
            quiz=quiz,
            spec=QuestionSpec(
                kind="single",
                prompt=f"Question text {n}",
                general_feedback=f"GENERAL-FEEDBACK-{n}",
                choices=[
                    ChoiceSpec(text=f"right {n}", fraction=Decimal("1"), feedback=f"YES-FB-{n}"),
                    ChoiceSpec(text=f"wrong {n}", feedback=f"NO-FB-{n}"),
                    ChoiceSpec(text=f"also wrong {n}", feedback=f"NO2-FB-{n}"),
                ],
            ),
        )
    return quiz


def logged_in(client: Client, user: User) -> None:
    """Log the client in and open one page, so the user is cached as on every later request:
    a query count taken next is what the page itself reads."""
    client.force_login(user)
    assert client.get(reverse("profile")).status_code == 200


def take_quiz(practitioner: User, quiz: Quiz, *, right: bool) -> Attempt:
    """Start, answer and submit an attempt at a quiz made by quiz_for: every question right, or
    every question wrong."""
    from courses.services.attempts import save_answers, start_attempt, submit_attempt

    attempt = start_attempt(practitioner=practitioner, quiz=quiz)
    prefix = "right" if right else "wrong"
    answers = {
        item["version"]: [
            Choice.objects.get(version_id=item["version"], text__startswith=prefix).pk
        ]
        for item in attempt.layout
    }
    save_answers(attempt=attempt, answers=answers)
    return submit_attempt(attempt=attempt)
