"""courses/caching.py builds every cache key of the courses domain and its web pages: no other
module hands a cache a key it wrote itself, each builder keeps today's text (deployed caches stay
valid) and distinct inputs never share a key."""

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.db.models import Prefetch

from courses import caching
from courses.models import Course, CourseInstructor
from tests.factories import UserFactory, course_with_lessons, teach

ROOT = Path(__file__).resolve().parents[2]
APPS = ("academy", "courses", "learn", "teach")
# academy's own keys stay academy's: the session's user (auth.py) and the health probe (health.py)
# belong to the site, not to the courses domain.
ALLOWED = {"courses/caching.py", "academy/auth.py", "academy/health.py"}
METHODS = {
    "get",
    "set",
    "add",
    "delete",
    "get_many",
    "set_many",
    "delete_many",
    "get_or_set",
    "incr",
    "decr",
    "touch",
    "has_key",
}
# The text every key of caching.py begins with: no other module spells one.
PREFIXES = (
    "course-insight:",
    "stats-queued:",
    "gift-import:",
    "course-card:",
    "catalog:",
    "catalog-listing:",
    "lesson-content:",
)


def _app_modules() -> list[tuple[str, str]]:
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if "/migrations/" not in name and name not in ALLOWED:
                found.append((name, path.read_text()))
    return found


def _written_here(node: ast.expr, assigned: dict[str, ast.expr]) -> bool:
    """Whether the expression is key text written in place: a literal, an f-string, a sum with
    one, a collection of them, or a name bound to one in the same module."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _written_here(node.left, assigned) or _written_here(node.right, assigned)
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return any(_written_here(element, assigned) for element in node.elts)
    if isinstance(node, ast.Dict):
        return any(key is not None and _written_here(key, assigned) for key in node.keys)
    if isinstance(node, ast.DictComp):
        return _written_here(node.key, assigned)
    if isinstance(node, ast.ListComp | ast.SetComp):
        return _written_here(node.elt, assigned)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "format" and _written_here(node.func.value, assigned)
    if isinstance(node, ast.Name) and node.id in assigned:
        return _written_here(assigned[node.id], {})
    return False


def _handwritten_keys(source: str) -> list[int]:
    """The lines where a cache (`cache`, `caches[...]` or a name bound to it) is called with a
    key written in place rather than one from courses.caching."""
    tree = ast.parse(source)
    assigned: dict[str, ast.expr] = {}
    caches = {"cache"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                assigned[target.id] = node.value
                value = node.value
                if (
                    isinstance(value, ast.Subscript)
                    and isinstance(value.value, ast.Name)
                    and value.value.id == "caches"
                ):
                    caches.add(target.id)
    lines = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in METHODS
        ):
            continue
        receiver = node.func.value
        is_cache = (isinstance(receiver, ast.Name) and receiver.id in caches) or (
            isinstance(receiver, ast.Subscript)
            and isinstance(receiver.value, ast.Name)
            and receiver.value.id == "caches"
        )
        arguments = [*node.args[:1], *(k.value for k in node.keywords if k.arg in ("key", "keys"))]
        if is_cache and any(_written_here(argument, assigned) for argument in arguments):
            lines.append(node.lineno)
    return lines


def test_the_checker_finds_keys_written_in_place():
    source = """
from django.core.cache import cache, caches
pages = caches["pages"]
key = f"lesson:{pk}"
cache.get("literal")
cache.set(f"course:{pk}", 1)
cache.delete(builder(course) + ":queued")
cache.get_many([f"a:{pk}", builder(b)])
cache.set_many({f"a:{pk}": 1})
caches["fragments"].get("x:" + str(pk))
pages.set(key, html)
cache.get("x:{}".format(pk))
cache.get(builder(course))
pages.get(other)
"""
    assert _handwritten_keys(source) == [5, 6, 7, 8, 9, 10, 11, 12]


@pytest.mark.parametrize(("name", "source"), _app_modules(), ids=lambda value: str(value)[:60])
def test_no_module_but_caching_writes_a_cache_key(name: str, source: str):
    assert _handwritten_keys(source) == [], f"{name}: build the key in courses/caching.py"
    tree = ast.parse(source)
    texts = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    spelled = [text for text in texts if text.startswith(PREFIXES)]
    assert spelled == [], f"{name} spells a key of courses/caching.py: {spelled}"


def test_every_key_prefix_is_built_in_caching():
    source = (ROOT / "courses/caching.py").read_text()
    assert all(prefix in source for prefix in PREFIXES)


MOMENT = datetime(2026, 5, 4, 10, 30, tzinfo=UTC)
LATER = datetime(2026, 5, 4, 10, 31, tzinfo=UTC)


def _course(pk: int, at: datetime = MOMENT) -> Course:
    return Course(pk=pk, updated_at=at)


def test_keys_keep_their_text():
    """The text deployed caches hold today: a change here misses every entry once."""
    figures = caching.insight_figures_key(_course(7))
    assert figures == "course-insight:v2:7:2026-05-04T10:30:00+00:00"
    assert (
        caching.insight_queued_key(_course(7))
        == "course-insight:v2:7:2026-05-04T10:30:00+00:00:queued"
    )
    assert caching.statistics_queued_key(12) == "stats-queued:12"
    assert caching.gift_import_progress_key(3) == "gift-import:3:written"
    assert caching.catalog_page_key("en", "a|b|") == "catalog:en:a|b|"
    assert caching.catalog_page_key("en", None) == "catalog:en:None"
    assert caching.catalog_listing_key("en", "||", "abc") == "catalog-listing:en:||:abc"
    assert (
        caching.lesson_content_key("en", 5, _course(7))
        == "lesson-content:en:5:2026-05-04T10:30:00+00:00"
    )


def test_distinct_inputs_give_distinct_keys():
    builders = {
        "insight figures": [
            caching.insight_figures_key(c) for c in (_course(1), _course(2), _course(1, LATER))
        ],
        "insight queued": [
            caching.insight_queued_key(c) for c in (_course(1), _course(2), _course(1, LATER))
        ],
        "statistics queued": [caching.statistics_queued_key(q) for q in (1, 2, 12, 21)],
        "gift import": [caching.gift_import_progress_key(j) for j in (1, 2, 12, 21)],
        "catalog page": [
            caching.catalog_page_key(lang, f) for lang in ("en", "de") for f in ("||", "a||", None)
        ],
        "catalog listing": [
            caching.catalog_listing_key(lang, f, v)
            for lang in ("en", "de")
            for f in ("||", "a||", None)
            for v in ("v1", "v2")
        ],
        "lesson content": [
            caching.lesson_content_key(lang, lesson, course)
            for lang in ("en", "de")
            for lesson in (1, 2)
            for course in (_course(1), _course(1, LATER))
        ],
    }
    for name, keys in builders.items():
        assert len(set(keys)) == len(keys), name
    every = [key for keys in builders.values() for key in keys]
    assert len(set(every)) == len(every)  # no two builders meet either


@pytest.mark.django_db
def test_course_card_keys_differ_by_everything_the_card_shows():
    first = course_with_lessons(lessons=2)
    second = course_with_lessons(lessons=2)
    roles = Prefetch(
        "instructor_roles", queryset=CourseInstructor.objects.select_related("instructor")
    )

    def card_keys(language: str = "en") -> dict[int, str]:
        courses = Course.objects.select_related("topic").with_outline_totals()
        return {
            course.pk: caching.course_card_key(course, language)
            for course in courses.prefetch_related(roles).filter(pk__in=[first.pk, second.pk])
        }

    before = card_keys()
    assert before[first.pk] != before[second.pk]
    assert before == card_keys()  # the same card, the same key
    assert all(key.startswith("course-card:") for key in before.values())
    assert card_keys("de")[first.pk] != before[first.pk]
    teach(first, UserFactory(is_instructor=True, full_name="A. Teacher"))
    with_instructor = card_keys()
    assert with_instructor[first.pk] != before[first.pk]
    Course.objects.filter(pk=first.pk).update(ce_hours=first.ce_hours + 1)
    assert card_keys()[first.pk] != with_instructor[first.pk]


@pytest.mark.django_db
def test_the_catalog_version_moves_with_a_published_course():
    course = course_with_lessons(lessons=1, status=Course.Status.PUBLISHED)
    before = caching.catalog_version()
    assert caching.catalog_version() == before
    caching.move_content_version(Course.objects.filter(pk=course.pk))
    moved = caching.catalog_version()
    assert moved != before
    Course.objects.filter(pk=course.pk).update(status=Course.Status.DRAFT)
    assert caching.catalog_version() not in (before, moved)


@pytest.mark.django_db
def test_moving_the_content_version_moves_every_key_under_it():
    course = course_with_lessons(lessons=1)
    keys = (caching.insight_figures_key(course), caching.lesson_content_key("en", 1, course))
    assert caching.content_version(course) == course.updated_at
    assert caching.move_content_version(Course.objects.filter(pk=course.pk)) == 1
    course.refresh_from_db()
    assert caching.insight_figures_key(course) != keys[0]
    assert caching.lesson_content_key("en", 1, course) != keys[1]


def test_the_memo_reads_a_course_under_its_version():
    calls: list[list[int]] = []

    def load(course_ids: list[int]) -> dict[int, str]:
        calls.append(course_ids)
        return {course_id: f"course {course_id}" for course_id in course_ids}

    memo = caching.PerVersion(load)
    assert memo.get(_course(1)) == "course 1"
    assert memo.get(_course(1)) == "course 1"
    assert calls == [[1]]
    memo.get(_course(1, LATER))  # a moved version is a new key
    assert calls == [[1], [1]]
