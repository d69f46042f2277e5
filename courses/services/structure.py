"""Course structure: courses, their modules and lessons, accreditations, instructors and status.

Positions stay contiguous (0, 1, 2 …): modules within their course, lessons within their module.
Every change that renumbers or counts roles locks the course row first, so two instructors editing
at once queue behind each other instead of interleaving their positions.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef, ProtectedError, Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from academy.models import User
from courses.caching import move_content_version
from courses.models import (
    Accreditation,
    AccreditingBody,
    Attempt,
    Course,
    CourseInstructor,
    Enrollment,
    Lesson,
    LessonCompletion,
    Module,
    Question,
    Quiz,
    SignOff,
    Topic,
)
from courses.services.progress import complete_enrollments_now_met

Direction = Literal["up", "down"]
Owner = CourseInstructor.Role.OWNER
# Path segments under /teach/courses/ that a course slug must not take.
RESERVED_COURSE_SLUGS = frozenset({"new"})
SLUG_LENGTH = 50


class StructureError(Exception):
    """A change the course's current state forbids."""


class LessonInUseError(StructureError):
    """Practitioners' records (completions, sign-offs, quiz attempts) point at the lesson."""


class CourseInUseError(StructureError):
    """Practitioners are enrolled: the course can be archived, not deleted."""


class LastOwnerError(StructureError):
    """Every course keeps at least one owner."""


@dataclass(frozen=True)
class CourseDetails:
    title: str
    summary: str
    topic: Topic
    ce_hours: Decimal
    level: str = Course.Level.INTRODUCTORY
    description: str = ""
    order_required: bool = True


@dataclass(frozen=True)
class LessonDetails:
    title: str
    slug: str
    body: str = ""
    video_url: str = ""
    transcript: str = ""
    safety_notice: str = ""
    minutes: int = 10
    required: bool = True
    kind: str = Lesson.Kind.READING


@dataclass(frozen=True)
class AccreditationDetails:
    body: AccreditingBody
    provider_name: str
    provider_number: str
    provider_contact: str
    approved_title: str
    approved_hours: Decimal
    valid_from: date
    valid_until: date | None = None
    delivery_type: str = Accreditation.Delivery.HOME_STUDY


def _apply(instance: models.Model, details: object) -> None:
    # Not dataclasses.asdict: it deep-copies the model instances the details hold.
    for field in fields(details):  # type: ignore[arg-type]
        setattr(instance, field.name, getattr(details, field.name))


def _lock_course(course_id: int) -> None:
    list(Course.objects.select_for_update().filter(pk=course_id).values_list("pk", flat=True))


def _renumber(items: Sequence[Any], *also: str) -> None:
    """Give the items positions 0, 1, 2 … in the order given, writing only what changed."""
    changed = []
    for position, item in enumerate(items):
        if item.position != position or also:
            item.position = position
            changed.append(item)
    if changed:
        type(items[0]).objects.bulk_update(changed, ["position", *also])
        # bulk_update sends no post_save: move the course's content version on here.
        move_content_version(Course.objects.filter(pk=items[0].course_id))


def _slug_base(title: str, fallback: str) -> str:
    return slugify(title)[:SLUG_LENGTH].strip("-") or fallback


def _free_slug(base: str, taken: Iterable[str]) -> str:
    taken = set(taken)
    slug, n = base, 2
    while slug in taken:
        suffix = f"-{n}"
        slug = base[: SLUG_LENGTH - len(suffix)].rstrip("-") + suffix
        n += 1
    return slug


def lesson_in_use() -> Q:
    """Lessons someone has completed, asked to be signed off on, or attempted the quiz of."""
    return (
        Q(Exists(LessonCompletion.objects.filter(lesson=OuterRef("pk"))))
        | Q(Exists(SignOff.objects.filter(lesson=OuterRef("pk"))))
        | Q(Exists(Attempt.objects.filter(quiz__lesson=OuterRef("pk"))))
    )


# --- courses ----------------------------------------------------------------------------------


@transaction.atomic
def create_course(*, owner: User, details: CourseDetails) -> Course:
    """A draft course owned by `owner`. Its slug comes from the title and does not follow later
    title changes, so links and certificates keep working."""
    base = _slug_base(details.title, "course")
    taken = set(Course.objects.filter(slug__startswith=base[:40]).values_list("slug", flat=True))
    course = Course(
        slug=_free_slug(base, taken | RESERVED_COURSE_SLUGS), status=Course.Status.DRAFT
    )
    _apply(course, details)
    course.full_clean()
    course.save()
    CourseInstructor.objects.create(course=course, instructor=owner, role=Owner, position=0)
    return course


def _check_prerequisites(course: Course, chosen: Sequence[Course]) -> None:
    current = set(course.prerequisites.values_list("pk", flat=True))
    problems = []
    if any(p.pk == course.pk for p in chosen):
        problems.append(_("A course cannot be its own prerequisite."))
    if any(p.pk not in current and not p.is_published for p in chosen):
        problems.append(_("Only published courses can become prerequisites."))
    requires: dict[int, set[int]] = {}
    through = Course.prerequisites.through.objects.values_list("from_course_id", "to_course_id")
    for needing, needed in through:
        requires.setdefault(needing, set()).add(needed)
    # A prerequisite that (through its own prerequisites) requires this course makes a loop
    # nobody could ever enrol through.
    seen: set[int] = set()
    todo = [p.pk for p in chosen if p.pk != course.pk]
    while todo:
        pk = todo.pop()
        if pk == course.pk:
            problems.append(_("That would make a loop: a chosen course already requires this one."))
            break
        if pk not in seen:
            seen.add(pk)
            todo.extend(requires.get(pk, ()))
    if problems:
        raise ValidationError({"prerequisites": problems})


@transaction.atomic
def update_course(
    *, course: Course, details: CourseDetails, prerequisites: Sequence[Course] | None = None
) -> Course:
    """Change what the course says; its slug and status stay. Issued certificates keep what they
    froze. With `prerequisites` given, they replace the current ones."""
    if prerequisites is not None:
        _check_prerequisites(course, prerequisites)
    _apply(course, details)
    course.full_clean()
    course.save()
    if prerequisites is not None:
        course.prerequisites.set(prerequisites)
    return course


def missing_for_publishing(course: Course) -> list[str]:
    """Everything that stops the course being published, in words for its owner; [] when ready."""
    missing = []
    lessons = Lesson.objects.published().filter(course=course)
    if not lessons.exists():
        missing.append(_("No published lesson: add a lesson (or publish one) first."))
    quiz_lessons = (
        lessons.filter(kind=Lesson.Kind.QUIZ)
        .annotate(
            has_quiz=Exists(Quiz.objects.filter(lesson=OuterRef("pk"))),
            has_questions=Exists(Question.objects.filter(quiz__lesson=OuterRef("pk"))),
        )
        .filter(has_questions=False)
        .order_by("module__position", "position", "id")
    )
    for lesson in quiz_lessons:
        if lesson.has_quiz:  # type: ignore[attr-defined]
            text = _("The quiz of the lesson “%(title)s” has no questions yet.")
        else:
            text = _("The quiz lesson “%(title)s” has no quiz yet: add at least one question.")
        missing.append(text % {"title": lesson.title})
    return missing


def _set_status(course: Course, status: str) -> Course:
    if course.status != status:
        course.status = status
        course.save(update_fields=["status", "updated_at"])
    return course


@transaction.atomic
def publish_course(*, course: Course) -> Course:
    """Open the course to practitioners. Raises ValidationError listing every missing item.
    Safe to call repeatedly."""
    _lock_course(course.pk)
    missing = missing_for_publishing(course)
    if missing:
        raise ValidationError(missing, code="incomplete")
    return _set_status(course, Course.Status.PUBLISHED)


def archive_course(*, course: Course) -> Course:
    """Close the course: it leaves the catalog and nobody can enrol. Safe to call repeatedly."""
    return _set_status(course, Course.Status.ARCHIVED)


def return_course_to_draft(*, course: Course) -> Course:
    """Hide the course from everyone but its instructors. Safe to call repeatedly."""
    return _set_status(course, Course.Status.DRAFT)


@transaction.atomic
def delete_course(*, course: Course) -> None:
    """Delete a course nobody has enrolled on; with enrollments raises CourseInUseError."""
    _lock_course(course.pk)
    refusal = _("Practitioners are enrolled on this course, so it cannot be deleted: archive it.")
    if Enrollment.objects.filter(course=course).exists():
        raise CourseInUseError(refusal)
    try:
        course.delete()
    except ProtectedError as exc:
        raise CourseInUseError(refusal) from exc


# --- modules ----------------------------------------------------------------------------------


def _modules_of(course_id: int) -> list[Module]:
    return list(Module.objects.filter(course_id=course_id).order_by("position", "id"))


def _lessons_of(module_id: int) -> list[Lesson]:
    return list(Lesson.objects.filter(module_id=module_id).order_by("position", "id"))


@transaction.atomic
def add_module(*, course: Course, title: str, summary: str = "") -> Module:
    """Append a module to the course."""
    _lock_course(course.pk)
    module = Module(
        course=course,
        title=title.strip(),
        summary=summary.strip(),
        position=Module.objects.filter(course=course).count(),
    )
    module.full_clean()
    module.save()
    return module


def rename_module(*, module: Module, title: str, summary: str | None = None) -> Module:
    module.title = title.strip()
    if summary is not None:
        module.summary = summary.strip()
    module.full_clean()
    module.save(update_fields=["title", "summary"])
    return module


def _moved(items: list[Any], item: Any, direction: Direction) -> bool:
    index = [i.pk for i in items].index(item.pk)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(items):
        return False
    items.insert(target, items.pop(index))
    return True


@transaction.atomic
def move_module(*, module: Module, direction: Direction) -> bool:
    """Swap the module with its neighbour; False (and nothing changes) at either end."""
    _lock_course(module.course_id)
    modules = [module if m.pk == module.pk else m for m in _modules_of(module.course_id)]
    moved = _moved(modules, module, direction)
    _renumber(modules)
    return moved


def _reordered(items: list[Any], ids: Sequence[int], what: str) -> list[Any]:
    by_id = {item.pk: item for item in items}
    if len(ids) != len(set(ids)) or set(ids) != set(by_id):
        raise ValidationError(
            _("The %(what)s changed since the page was loaded: reload it and try again.")
            % {"what": what}
        )
    return [by_id[pk] for pk in ids]


@transaction.atomic
def reorder_modules(*, course: Course, module_ids: Sequence[int]) -> None:
    """Put the course's modules in the given order; `module_ids` must name each exactly once."""
    _lock_course(course.pk)
    _renumber(_reordered(_modules_of(course.pk), module_ids, _("modules")))


@transaction.atomic
def delete_module(*, module: Module) -> None:
    """Delete a module and its lessons; refused (LessonInUseError) when any lesson is in use."""
    _lock_course(module.course_id)
    if Lesson.objects.filter(module=module).filter(lesson_in_use()).exists():
        raise LessonInUseError(
            _(
                "Practitioners have worked through lessons of this module, so it cannot be "
                "deleted: unpublish those lessons instead."
            )
        )
    course_id = module.course_id
    module.delete()
    _renumber(_modules_of(course_id))


# --- lessons ----------------------------------------------------------------------------------


@transaction.atomic
def add_lesson(*, module: Module, title: str, kind: str = Lesson.Kind.READING) -> Lesson:
    """Append a lesson to the module, with a slug made from its title. A lesson added to a
    published course starts unpublished, so learners never meet an empty page."""
    _lock_course(module.course_id)
    course = Course.objects.get(pk=module.course_id)
    taken = Lesson.objects.filter(course=course).values_list("slug", flat=True)
    lesson = Lesson(
        module=module,
        course=course,
        title=title.strip(),
        slug=_free_slug(_slug_base(title, "lesson"), taken),
        kind=kind,
        position=Lesson.objects.filter(module=module).count(),
        published=course.status == Course.Status.DRAFT,
    )
    lesson.full_clean()
    lesson.save()
    return lesson


def update_lesson(*, lesson: Lesson, details: LessonDetails) -> Lesson:
    """Change what the lesson says and how it counts. The slug stays unique within the course."""
    if (
        Lesson.objects.filter(course_id=lesson.course_id, slug=details.slug.strip())
        .exclude(pk=lesson.pk)
        .exists()
    ):
        raise ValidationError({"slug": _("Another lesson of this course already uses this slug.")})
    _apply(lesson, details)
    lesson.full_clean()
    lesson.save()
    return lesson


@transaction.atomic
def move_lesson(*, lesson: Lesson, direction: Direction) -> bool:
    """Swap the lesson with its neighbour in the module; from either end of a module it crosses
    into the neighbouring module. False (and nothing changes) at either end of the course."""
    _lock_course(lesson.course_id)
    siblings = [lesson if s.pk == lesson.pk else s for s in _lessons_of(lesson.module_id)]
    if _moved(siblings, lesson, direction):
        _renumber(siblings)
        return True
    modules = _modules_of(lesson.course_id)
    index = [m.pk for m in modules].index(lesson.module_id) + (-1 if direction == "up" else 1)
    if not 0 <= index < len(modules):
        return False
    _renumber([s for s in siblings if s.pk != lesson.pk])
    target = modules[index]
    lesson.module = target
    others = _lessons_of(target.pk)
    _renumber([*others, lesson] if direction == "up" else [lesson, *others], "module")
    return True


@transaction.atomic
def reorder_lessons(*, module: Module, lesson_ids: Sequence[int]) -> None:
    """Put the module's lessons in the given order; `lesson_ids` must name each exactly once."""
    _lock_course(module.course_id)
    _renumber(_reordered(_lessons_of(module.pk), lesson_ids, _("lessons")))


def set_lesson_published(*, lesson: Lesson, published: bool) -> Lesson:
    """Show the lesson to learners or hide it; a hidden lesson no longer counts towards completing
    the course. Safe to call repeatedly."""
    if lesson.published != published:
        lesson.published = published
        lesson.save(update_fields=["published"])
        if not published:
            complete_enrollments_now_met(course_id=lesson.course_id)
    return lesson


@transaction.atomic
def delete_lesson(*, lesson: Lesson) -> None:
    """Delete a lesson (and its quiz) that nobody has used; otherwise raise LessonInUseError:
    practitioners' records point at it, so unpublish it instead."""
    _lock_course(lesson.course_id)
    # The row lock makes a completion recorded meanwhile wait for this transaction.
    list(Lesson.objects.select_for_update().filter(pk=lesson.pk).values_list("pk", flat=True))
    refusal = _(
        "Practitioners have completed or attempted “%(title)s”, so it cannot be deleted: "
        "unpublish it instead (it disappears for learners and no longer counts)."
    ) % {"title": lesson.title}
    if Lesson.objects.filter(pk=lesson.pk).filter(lesson_in_use()).exists():
        raise LessonInUseError(refusal)
    module_id = lesson.module_id
    try:
        lesson.delete()
    except ProtectedError as exc:
        raise LessonInUseError(refusal) from exc
    _renumber(_lessons_of(module_id))


# --- accreditations ---------------------------------------------------------------------------


def _save_accreditation(accreditation: Accreditation, details: AccreditationDetails) -> None:
    if details.valid_until is not None and details.valid_until < details.valid_from:
        raise ValidationError({"valid_until": _("The approval cannot end before it starts.")})
    _apply(accreditation, details)
    accreditation.full_clean()
    accreditation.save()


def add_accreditation(*, course: Course, details: AccreditationDetails) -> Accreditation:
    """Record a board's approval of the course. Certificates issued while it is in force print
    it, and are blocked while the course's title or hours differ from what was approved."""
    accreditation = Accreditation(course=course)
    _save_accreditation(accreditation, details)
    return accreditation


def update_accreditation(
    *, accreditation: Accreditation, details: AccreditationDetails
) -> Accreditation:
    """Correct an approval; certificates already issued keep what they froze."""
    _save_accreditation(accreditation, details)
    return accreditation


def delete_accreditation(*, accreditation: Accreditation) -> None:
    accreditation.delete()


# --- instructors ------------------------------------------------------------------------------


def _other_owners(course_instructor: CourseInstructor) -> bool:
    return (
        CourseInstructor.objects.filter(course_id=course_instructor.course_id, role=Owner)
        .exclude(pk=course_instructor.pk)
        .exists()
    )


@transaction.atomic
def add_instructor(*, course: Course, email: str, role: str) -> CourseInstructor:
    """Give an existing instructor (found by e-mail address) a role on the course."""
    if role not in CourseInstructor.Role.values:
        raise ValidationError({"role": _("Choose owner or editor.")})
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None or not user.is_instructor:
        # One message for both cases: the form must not tell who has an account.
        raise ValidationError(
            {
                "email": _(
                    "No instructor uses that e-mail address. Staff grant instructor status to "
                    "an existing account first."
                )
            }
        )
    _lock_course(course.pk)
    if CourseInstructor.objects.filter(course=course, instructor=user).exists():
        raise ValidationError(
            {"email": _("%(name)s already teaches this course.") % {"name": user}}
        )
    return CourseInstructor.objects.create(
        course=course,
        instructor=user,
        role=role,
        position=CourseInstructor.objects.filter(course=course).count(),
    )


@transaction.atomic
def change_instructor_role(*, course_instructor: CourseInstructor, role: str) -> CourseInstructor:
    """Make an instructor owner or editor; the last owner cannot become an editor."""
    if role not in CourseInstructor.Role.values:
        raise ValidationError({"role": _("Choose owner or editor.")})
    _lock_course(course_instructor.course_id)
    if course_instructor.role == Owner and role != Owner and not _other_owners(course_instructor):
        raise LastOwnerError(_("The course needs an owner: make someone else owner first."))
    course_instructor.role = role
    course_instructor.save(update_fields=["role"])
    return course_instructor


@transaction.atomic
def remove_instructor(*, course_instructor: CourseInstructor) -> None:
    """Take an instructor off the course; never its last owner (LastOwnerError)."""
    _lock_course(course_instructor.course_id)
    if course_instructor.role == Owner and not _other_owners(course_instructor):
        raise LastOwnerError(
            _("The course needs an owner: make someone else owner before removing the last one.")
        )
    course_id = course_instructor.course_id
    course_instructor.delete()
    _renumber(list(CourseInstructor.objects.filter(course_id=course_id).order_by("position", "id")))


@transaction.atomic
def set_instructor_status(*, user: User, is_instructor: bool) -> User:
    """Grant or withdraw instructor status (staff). Withdrawing is refused (LastOwnerError) while
    the user is the only owner of a course. Safe to call repeatedly."""
    if not is_instructor:
        sole = (
            Course.objects.filter(instructor_roles__instructor=user, instructor_roles__role=Owner)
            .exclude(
                Exists(
                    CourseInstructor.objects.filter(course=OuterRef("pk"), role=Owner).exclude(
                        instructor=user
                    )
                )
            )
            .order_by("title")
        )
        titles = [f"“{title}”" for title in sole.values_list("title", flat=True)]
        if titles:
            raise LastOwnerError(
                _("%(name)s is the only owner of %(titles)s: make someone else owner first.")
                % {"name": user, "titles": ", ".join(titles)}
            )
    if user.is_instructor != is_instructor:
        user.is_instructor = is_instructor
        user.save(update_fields=["is_instructor"])
    return user
