"""Single-line fields (titles, names, provider details) hold no control character or line break,
whichever way the text arrives, so a course title can never break the certificate e-mail's
subject header or a PDF line."""

import io

import pytest
from django.apps import apps
from django.core import mail
from django.core.management import call_command
from django.db import connection, models

from academy.fields import SingleLineCharField, single_line
from academy.forms import ProfileForm
from academy.models import ProfessionalMembership, User
from courses.models import Accreditation, Course, Module
from courses.services.enrollment import enroll
from courses.services.progress import complete_lesson
from teach.forms.structure import CourseForm, ModuleForm
from tests.courses.services.test_certificates import accredit
from tests.factories import CourseFactory, UserFactory, course_with_lessons

pytestmark = pytest.mark.django_db

BREAKS = "\r\n\t\x00\x0b\x0c\x1c\x1f\x7f\x85\u2028\u2029"


@pytest.mark.parametrize("char", list(BREAKS))
def test_each_control_character_and_line_separator_becomes_one_space(char):
    assert single_line(f"Fascia{char}Release") == "Fascia Release"


def test_runs_and_the_spaces_beside_them_collapse_and_ends_are_trimmed():
    assert single_line("  Fascia \r\n\t Release\n") == "Fascia Release"
    assert single_line("\n\n") == ""
    assert single_line("Plain  title ") == "Plain  title "  # nothing to remove: unchanged


def test_every_user_facing_charfield_of_the_project_is_single_line():
    """Fields with a fixed set of choices and generated values (codes, keys, digests) aside,
    every CharField of the project's models normalises its text."""
    generated = {("courses", "certificate")}  # code, storage key, digest: never typed
    plain = [
        f"{model._meta.label}.{field.name}"
        for app in ("academy", "courses")
        for model in apps.get_app_config(app).get_models()
        if (app, model._meta.model_name) not in generated
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField)
        and field.editable  # generated (a Message-ID, a code): never typed by anyone
        and not isinstance(field, SingleLineCharField | models.EmailField | models.SlugField)
        and not isinstance(field, models.URLField)
        and not field.choices
        and field.name != "password"  # a hash
    ]
    assert plain == []


def test_a_title_saved_with_a_line_break_is_stored_on_one_line():
    course = CourseFactory.create(title="Myofascial\r\nRelease", summary="One\nline")

    assert course.title == "Myofascial Release"  # the instance shows what was stored
    assert Course.objects.values_list("title", "summary").get(pk=course.pk) == (
        "Myofascial Release",
        "One line",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT title FROM courses_course WHERE id = %s", [course.pk])
        assert cursor.fetchone()[0] == "Myofascial Release"


def test_update_and_bulk_update_store_one_line_too():
    course = CourseFactory.create()
    module = Module.objects.create(course=course, title="A")

    Course.objects.filter(pk=course.pk).update(title="Up\ndated")
    module.title = "Bulk\u2028updated"
    Module.objects.bulk_update([module], ["title"])

    with connection.cursor() as cursor:
        cursor.execute("SELECT title FROM courses_course WHERE id = %s", [course.pk])
        assert cursor.fetchone()[0] == "Up dated"
        cursor.execute("SELECT title FROM courses_module WHERE id = %s", [module.pk])
        assert cursor.fetchone()[0] == "Bulk updated"


def test_a_row_stored_before_the_rule_reads_back_on_one_line():
    course = CourseFactory.create()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE courses_course SET title = %s WHERE id = %s", ["Old\ntitle", course.pk]
        )

    assert Course.objects.get(pk=course.pk).title == "Old title"


def test_names_and_provider_details_are_single_line(practitioner):
    course = CourseFactory.create()
    accreditation = accredit(
        course,
        provider_name="Bodywork\nAcademy",
        approved_title=course.title,
        provider_contact="a\tb",
    )
    membership = ProfessionalMembership.objects.create(
        user=practitioner, body="CNHC\r\n", membership_number="12\x0034"
    )
    user = UserFactory.create(full_name="Priya\x1fPatel")

    accreditation.refresh_from_db()
    membership.refresh_from_db()
    user.refresh_from_db()
    assert accreditation.provider_name == "Bodywork Academy"
    assert accreditation.provider_contact == "a b"
    assert (membership.body, membership.membership_number) == ("CNHC", "12 34")
    assert user.full_name == "Priya Patel"


def test_forms_show_the_normalised_value(practitioner):
    course = CourseFactory.create()
    data = {
        "title": "Fascia\nRelease",
        "summary": "A\r\nsummary",
        "topic": course.topic_id,
        "level": course.level,
        "ce_hours": "2",
        "order_required": "on",
        "description": "Line one\nline two",  # Markdown keeps its lines
    }
    form = CourseForm(data, instance=course)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["title"] == "Fascia Release"
    assert form.cleaned_data["summary"] == "A summary"
    assert form.cleaned_data["description"] == "Line one\nline two"

    module_form = ModuleForm({"title": "Module\u2029one"})
    assert module_form.is_valid()
    assert module_form.cleaned_data["title"] == "Module one"

    profile = ProfileForm({"full_name": "Priya\nPatel"}, instance=practitioner)
    assert profile.is_valid(), profile.errors
    assert profile.cleaned_data["full_name"] == "Priya Patel"


def test_the_length_checked_by_the_form_is_the_length_stored():
    form = ModuleForm({"title": "x" * 199 + "\r\n\r\n"})
    assert form.is_valid()


def test_a_course_title_typed_with_a_line_break_still_gets_its_certificate_email(
    practitioner, private_storage, django_capture_on_commit_callbacks
):
    course = course_with_lessons(1, title="Fascia\nRelease")
    accredit(course, approved_title="Fascia\r\nRelease")
    enroll(practitioner=practitioner, course=course)

    with django_capture_on_commit_callbacks(execute=True):
        complete_lesson(practitioner=practitioner, lesson=course.lessons.get())

    assert len(mail.outbox) == 1
    assert "Fascia Release" in mail.outbox[0].subject
    assert Accreditation.objects.get().mismatch_with(Course.objects.get(pk=course.pk)) == ""


def test_the_field_needs_no_migration():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_user_manager_keeps_names_on_one_line():
    user = User.objects.create_user(email="n@example.com", password="x" * 12, full_name="A\u2028B")
    assert User.objects.values_list("full_name", flat=True).get(pk=user.pk) == "A B"
