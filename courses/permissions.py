"""Who may do what to a course, in one place (in the spirit of Wagtail's permission policies and
pretix's `event_permission_required`): every view, service and queryset that asks "may this
user ... this course" asks `policy`.

The rules, as the platform has always had them:
- a user reaches the teaching side only while they hold instructor status (staff grant it);
  withdrawing the status ends every role's access at once, though the roles stay recorded;
- an instructor reaches the courses they hold a role on (owner or editor), no other;
- owners alone change a course's status, delete it and manage its instructors;
- accreditations decide whether certificates issue, so they are the owners' and staff's (staff
  on a course they hold a role on);
- staff see every course's insight and certificate register and act on its certificates (revoke,
  re-issue, retry), with or without instructor status or a role;
- everyone sees published courses; unpublished ones only their instructors (`view_draft`).

Three questions: `may_teach(user, action)` (the gate: no, and the page answers 403),
`reachable(user, action)` (the courses a page for `action` may show at all: outside them, 404),
and `courses(user, action)` / `has_permission(user, action, course)` (what the user may do: a
reachable course they may not, 403).
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import Exists, OuterRef, Q, Subquery

from courses.models import Course, CourseInstructor
from courses.models.catalog import CourseQuerySet

OWNER = CourseInstructor.Role.OWNER
ANY_ROLE = frozenset(CourseInstructor.Role.values)


class Action(StrEnum):
    VIEW_DRAFT = "view_draft"  # an unpublished course, and lessons without enrolling
    EDIT = "edit"  # details, structure, lessons, quizzes, previews
    PUBLISH = "publish"  # the course's status
    DELETE = "delete"
    MANAGE_INSTRUCTORS = "manage_instructors"
    MANAGE_ACCREDITATIONS = "manage_accreditations"
    SIGN_OFF = "sign_off"  # assess practical lessons (whom: `assessable`)
    VIEW_INSIGHT = "view_insight"  # the course's insight and its CSV exports
    VIEW_QUIZ_STATISTICS = "view_quiz_statistics"  # a quiz's item statistics
    VIEW_REGISTER = "view_register"  # the certificate register
    REVOKE_CERTIFICATE = "revoke_certificate"  # revoke, re-issue, retry


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]  # the roles on the course that grant the action
    staff_with_role: bool = False  # staff holding any role on the course may too
    staff_anywhere: bool = False  # staff may on every course, without status or role


RULES: dict[Action, Rule] = {
    Action.VIEW_DRAFT: Rule(ANY_ROLE),
    Action.EDIT: Rule(ANY_ROLE),
    Action.PUBLISH: Rule(frozenset({OWNER})),
    Action.DELETE: Rule(frozenset({OWNER})),
    Action.MANAGE_INSTRUCTORS: Rule(frozenset({OWNER})),
    Action.MANAGE_ACCREDITATIONS: Rule(frozenset({OWNER}), staff_with_role=True),
    Action.SIGN_OFF: Rule(ANY_ROLE),
    Action.VIEW_INSIGHT: Rule(ANY_ROLE, staff_anywhere=True),
    Action.VIEW_QUIZ_STATISTICS: Rule(ANY_ROLE),
    Action.VIEW_REGISTER: Rule(ANY_ROLE, staff_anywhere=True),
    Action.REVOKE_CERTIFICATE: Rule(ANY_ROLE, staff_anywhere=True),
}

_UNKNOWN = object()


def _is_staff(user: Any) -> bool:
    return bool(user.is_authenticated and getattr(user, "is_staff", False))


def _is_instructor(user: Any) -> bool:
    return bool(user.is_authenticated and getattr(user, "is_instructor", False))


class CoursePermissionPolicy:
    def rule(self, action: Action | str) -> Rule:
        return RULES[Action(action)]

    def may_teach(self, user: Any, action: Action | str = Action.EDIT) -> bool:
        """Whether the user reaches the teaching pages for `action` at all (not: 403)."""
        rule = self.rule(action)
        return _is_instructor(user) or (rule.staff_anywhere and _is_staff(user))

    def reachable(self, user: Any, action: Action | str = Action.EDIT) -> CourseQuerySet:
        """The courses a page for `action` shows the user at all (any other: 404), each with
        the user's role on it as `my_role` (None where they hold none)."""
        rule = self.rule(action)
        if rule.staff_anywhere and _is_staff(user):
            courses = Course.objects.all()
        else:
            courses = Course.objects.taught_by(user)
        if not user.is_authenticated:
            return courses
        role = CourseInstructor.objects.filter(course=OuterRef("pk"), instructor=user)
        return courses.annotate(my_role=Subquery(role.values("role")[:1]))

    def courses(self, user: Any, action: Action | str) -> CourseQuerySet:
        """The courses the user may `action`."""
        rule = self.rule(action)
        if rule.staff_anywhere and _is_staff(user):
            return Course.objects.all()
        if not _is_instructor(user):
            return Course.objects.none()
        taught = Course.objects.taught_by(user)
        if rule.roles == ANY_ROLE or (rule.staff_with_role and _is_staff(user)):
            return taught
        return taught.filter(
            instructor_roles__instructor=user, instructor_roles__role__in=rule.roles
        )

    def visible_courses(self, user: Any) -> CourseQuerySet:
        """Published courses for everyone, and those the user may `view_draft`."""
        if not _is_instructor(user):
            return Course.objects.published()
        return Course.objects.filter(
            Q(status=Course.Status.PUBLISHED) | Q(pk__in=self.courses(user, Action.VIEW_DRAFT))
        )

    def has_permission(self, user: Any, action: Action | str, course: Course) -> bool:
        """Whether the user may `action` this course. Uses the `my_role` that `reachable` puts
        on the course when it is there, so a page asks no second query."""
        rule = self.rule(action)
        if rule.staff_anywhere and _is_staff(user):
            return True
        if not _is_instructor(user):
            return False
        role = getattr(course, "my_role", _UNKNOWN)
        if role is _UNKNOWN:
            role = (
                CourseInstructor.objects.filter(course=course, instructor=user)
                .values_list("role", flat=True)
                .first()
            )
        if role is None:
            return False
        return role in rule.roles or (rule.staff_with_role and _is_staff(user))

    def assessable(self, user: Any, *, via: str = "") -> Q:
        """The condition on enrollments (or, with `via="enrollment__"`, on rows that point at one)
        that the instructor may assess: never their own, and a fellow instructor's of the same
        course only when the assessor is staff. A sign-off earns CE hours, so nobody certifies
        themselves, and co-instructors do not certify one another."""
        practitioner, course = f"{via}practitioner", f"{via}course"
        condition = ~Q(**{practitioner: user.pk})
        if not _is_staff(user):
            teaches = CourseInstructor.objects.filter(
                course=OuterRef(course), instructor=OuterRef(practitioner)
            )
            condition &= Q(~Exists(teaches))
        return condition

    def may_grant_instructor_status(self, user: Any) -> bool:
        """Staff alone grant and withdraw instructor status (not a course's question)."""
        return _is_staff(user)

    def teaches(self, user: Any, course_id: int) -> bool:
        """Whether the user holds a role on the course while an instructor (one query)."""
        return self.courses(user, Action.VIEW_DRAFT).filter(pk=course_id).exists()


policy = CoursePermissionPolicy()
