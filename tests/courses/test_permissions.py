"""The permission policy asked directly: every action for every kind of user, the courses it
implies, and the gate (403) apart from the courses a page shows at all (404)."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from courses.models import Course, CourseInstructor, Enrollment, SignOff
from courses.permissions import RULES, Action, policy
from tests.factories import CourseFactory, UserFactory, teach

pytestmark = pytest.mark.django_db

EDITOR = CourseInstructor.Role.EDITOR
PERSONAS = [
    "owner",
    "editor",
    "withdrawn",  # holds an editor role, but staff withdrew their instructor status
    "staff_with_role",  # staff and instructor, an editor on the course
    "staff_without_role",  # staff, neither instructor nor holding a role
    "other_instructor",  # teaches another course
    "practitioner",
    "anonymous",
]
ROLES = {"owner", "editor", "staff_with_role"}
EVERY_ROLE_HOLDER = ROLES
OWNER_ONLY = {"owner"}
# What each action grants, as the pages have always granted it.
EXPECTED: dict[Action, set[str]] = {
    Action.VIEW_DRAFT: EVERY_ROLE_HOLDER,
    Action.EDIT: EVERY_ROLE_HOLDER,
    Action.PUBLISH: OWNER_ONLY,
    Action.DELETE: OWNER_ONLY,
    Action.MANAGE_INSTRUCTORS: OWNER_ONLY,
    Action.MANAGE_ACCREDITATIONS: {"owner", "staff_with_role"},
    Action.SIGN_OFF: EVERY_ROLE_HOLDER,
    Action.VIEW_QUIZ_STATISTICS: EVERY_ROLE_HOLDER,
    Action.VIEW_INSIGHT: EVERY_ROLE_HOLDER | {"staff_without_role"},
    Action.VIEW_REGISTER: EVERY_ROLE_HOLDER | {"staff_without_role"},
    Action.REVOKE_CERTIFICATE: EVERY_ROLE_HOLDER | {"staff_without_role"},
}
STAFF_ANYWHERE = {Action.VIEW_INSIGHT, Action.VIEW_REGISTER, Action.REVOKE_CERTIFICATE}


@pytest.fixture
def world() -> dict[str, Any]:
    course = CourseFactory.create(status=Course.Status.DRAFT)
    other_course = CourseFactory.create()
    people: dict[str, Any] = {
        "owner": UserFactory.create(is_instructor=True),
        "editor": UserFactory.create(is_instructor=True),
        "withdrawn": UserFactory.create(is_instructor=False),
        "staff_with_role": UserFactory.create(is_instructor=True, is_staff=True),
        "staff_without_role": UserFactory.create(is_staff=True),
        "other_instructor": UserFactory.create(is_instructor=True),
        "practitioner": UserFactory.create(),
        "anonymous": AnonymousUser(),
    }
    teach(course, people["owner"])
    teach(course, people["editor"], EDITOR)
    teach(course, people["withdrawn"], EDITOR)
    teach(course, people["staff_with_role"], EDITOR)
    teach(other_course, people["other_instructor"])
    return {"course": course, "other_course": other_course, **people}


def test_every_action_has_a_rule_and_an_expectation():
    assert set(RULES) == set(Action) == set(EXPECTED)


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("persona", PERSONAS)
def test_has_permission_and_courses_agree_with_the_rules(world, action, persona):
    user, course = world[persona], world["course"]
    allowed = persona in EXPECTED[action]
    assert policy.has_permission(user, action, course) is allowed
    assert policy.courses(user, action).filter(pk=course.pk).exists() is allowed
    # The role annotated by `reachable` gives the same answer as the role looked up.
    reached = policy.reachable(user, action).filter(pk=course.pk).first()
    if reached is not None:
        assert policy.has_permission(user, action, reached) is allowed


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("persona", PERSONAS)
def test_the_gate_and_the_reachable_courses(world, action, persona):
    """Kept off the teaching side: 403. Reached: the course is shown, or its action refused
    (403). Neither: the course is not there for them (404)."""
    user, course = world[persona], world["course"]
    staff_anywhere = action in STAFF_ANYWHERE
    gate = persona in {"owner", "editor", "staff_with_role", "other_instructor"} or (
        staff_anywhere and persona == "staff_without_role"
    )
    assert policy.may_teach(user, action) is gate
    reachable = persona in ROLES or (staff_anywhere and persona == "staff_without_role")
    assert policy.reachable(user, action).filter(pk=course.pk).exists() is reachable


def test_staff_reach_every_course_only_where_the_rule_says(world):
    staff = world["staff_without_role"]
    for action in Action:
        found = set(policy.courses(staff, action).values_list("pk", flat=True))
        expected = (
            {world["course"].pk, world["other_course"].pk} if action in STAFF_ANYWHERE else set()
        )
        assert found == expected, action


def test_an_editor_reaches_an_owners_page_and_is_refused_there(world):
    """The 403 between the gate and the course: reachable, not permitted."""
    editor, course = world["editor"], world["course"]
    reached = policy.reachable(editor, Action.PUBLISH).get(pk=course.pk)
    assert reached.my_role == EDITOR  # type: ignore[attr-defined]
    assert not policy.has_permission(editor, Action.PUBLISH, reached)


def test_the_annotated_role_asks_no_query(world, django_assert_num_queries):
    course = policy.reachable(world["owner"]).get(pk=world["course"].pk)
    with django_assert_num_queries(0):
        for action in Action:
            assert policy.has_permission(world["owner"], action, course)


@pytest.mark.parametrize("persona", PERSONAS)
def test_visible_courses_are_the_published_ones_and_the_drafts_one_may_view(world, persona):
    user = world[persona]
    visible = set(policy.visible_courses(user).values_list("pk", flat=True))
    assert world["other_course"].pk in visible  # published
    assert (world["course"].pk in visible) is (persona in EXPECTED[Action.VIEW_DRAFT])
    assert visible == set(Course.objects.visible_to(user).values_list("pk", flat=True))


@pytest.mark.parametrize("persona", PERSONAS)
def test_teaches_is_view_draft(world, persona):
    user = world[persona]
    assert policy.teaches(user, world["course"].pk) is (persona in EXPECTED[Action.VIEW_DRAFT])


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_staff_grant_instructor_status(world, persona):
    expected = persona in {"staff_with_role", "staff_without_role"}
    assert policy.may_grant_instructor_status(world[persona]) is expected


def test_withdrawing_instructor_status_ends_an_owners_access_at_once(world):
    owner, course = world["owner"], world["course"]
    owner.is_instructor = False
    owner.save(update_fields=["is_instructor"])
    for action in Action:
        assert not policy.has_permission(owner, action, course), action
        assert not policy.courses(owner, action).exists(), action


def test_whom_an_instructor_may_sign_off(world):
    """Never themselves; a co-instructor of the course only when the assessor is staff."""
    course = world["course"]
    learner = UserFactory.create()
    enrolled = {
        name: Enrollment.objects.create(practitioner=user, course=course)
        for name, user in [
            ("learner", learner),
            ("owner", world["owner"]),
            ("editor", world["editor"]),
        ]
    }

    def assessable(assessor: Any) -> set[str]:
        ids = set(
            Enrollment.objects.filter(policy.assessable(assessor)).values_list("pk", flat=True)
        )
        return {name for name, enrollment in enrolled.items() if enrollment.pk in ids}

    assert assessable(world["owner"]) == {"learner"}
    assert assessable(world["editor"]) == {"learner"}
    assert assessable(world["staff_with_role"]) == {"learner", "owner", "editor"}
    # Through a row that points at an enrollment, as the sign-off queue asks.
    via = policy.assessable(world["owner"], via="enrollment__")
    assert not SignOff.objects.filter(via).exists()
