"""courses/demo/loader.py: the Markdown files give exactly the content that courses/demo_content.py
held (snapshot.json, written from that module before it was deleted), and a malformed file is
refused with its name and line."""

import hashlib
import json
import shutil
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from courses.demo.loader import DEMO_DIR, DemoCatalog, DemoContentError, load_catalog

SNAPSHOT = Path(__file__).with_name("snapshot.json")
LONG_TEXTS = ("description", "body")  # kept as digests and word counts


def snapshot_of(catalog: DemoCatalog) -> dict[str, Any]:
    """Every field of every course, module and lesson; the Markdown texts as their digests."""

    def flat(value: Any) -> Any:
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            for key, item in value.items():
                if key in LONG_TEXTS:
                    out[f"{key}_sha256"] = hashlib.sha256(item.encode()).hexdigest()
                    out[f"{key}_words"] = len(item.split())
                else:
                    out[key] = flat(item)
            return out
        if isinstance(value, list | tuple):
            return [flat(item) for item in value]
        return str(value) if not isinstance(value, str | int | bool) else value

    courses = [asdict(course) for course in catalog.courses]
    return {
        "topics": [list(topic) for topic in catalog.topics],
        "courses": flat(courses),
        "counts": {
            "courses": len(courses),
            "modules": sum(len(c["modules"]) for c in courses),
            "lessons": sum(len(m["lessons"]) for c in courses for m in c["modules"]),
        },
    }


def test_the_files_hold_todays_demo_content_exactly():
    assert snapshot_of(load_catalog()) == json.loads(SNAPSHOT.read_text(encoding="utf-8"))


def test_ce_hours_are_exact_decimals():
    hours = {course.slug: course.ce_hours for course in load_catalog().courses}
    assert str(hours["teaching-self-management"]) == "2.5"
    assert str(hours["fascia-essentials"]) == "2.0"


def test_every_quiz_file_names_a_lesson_of_the_catalog():
    lessons = {
        f"{course.slug}__{lesson.slug}"
        for course in load_catalog().courses
        for module in course.modules
        for lesson in module.lessons
    }
    quizzes = {path.stem for path in DEMO_DIR.glob("*.gift")}
    assert len(quizzes) == 7
    assert quizzes <= lessons


@pytest.fixture
def demo_copy(tmp_path):
    """A copy of the demo directory, to break one file of."""
    for path in DEMO_DIR.iterdir():
        if path.suffix in (".md", ".toml"):
            shutil.copy(path, tmp_path / path.name)
    return tmp_path


def edit(path: Path, old: str, new: str) -> int:
    """Replace the first `old` in the file; returns the 1-based line it was on."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def refused(directory: Path) -> tuple[str, int, str]:
    with pytest.raises(DemoContentError) as caught:
        load_catalog(directory)
    return caught.value.path.name, caught.value.line, str(caught.value)


def test_the_copy_loads_like_the_original(demo_copy):
    assert load_catalog(demo_copy) == load_catalog()


def test_invalid_toml_is_refused_at_its_line(demo_copy):
    line = edit(demo_copy / "fascia-essentials.md", "minutes = 10", "minutes = = 10")
    name, at, message = refused(demo_copy)
    assert (name, at) == ("fascia-essentials.md", line)
    assert message.startswith(f"{demo_copy / 'fascia-essentials.md'}:{line}: TOML:")


def test_invalid_toml_in_the_catalog_is_refused_at_its_line(demo_copy):
    line = edit(demo_copy / "catalog.toml", 'name = "Fascia"', 'name = "Fascia')
    assert refused(demo_copy)[:2] == ("catalog.toml", line)


def test_a_field_of_the_wrong_type_is_refused_at_its_line(demo_copy):
    line = edit(demo_copy / "teaching-self-management.md", "ce_hours = 2.5", 'ce_hours = "2.5"')
    name, at, message = refused(demo_copy)
    assert (name, at) == ("teaching-self-management.md", line)
    assert "ce_hours: expected a decimal" in message


def test_an_integer_where_a_decimal_goes_is_refused(demo_copy):
    line = edit(demo_copy / "teaching-self-management.md", "ce_hours = 2.5", "ce_hours = 2")
    assert refused(demo_copy)[:2] == ("teaching-self-management.md", line)


def test_a_misspelt_lesson_field_is_refused_at_its_line(demo_copy):
    path = demo_copy / "stretching-glutes-hips-back.md"
    line = edit(path, "required = false", "requried = false")
    name, at, message = refused(demo_copy)
    assert (name, at) == (path.name, line)
    assert "unknown field requried" in message


def test_a_missing_lesson_field_is_refused_at_its_table(demo_copy):
    path = demo_copy / "fascia-essentials.md"
    text = path.read_text(encoding="utf-8")
    table = text.index('[[modules.lessons]]\nslug = "wear-and-renewal"')
    line = text[:table].count("\n") + 1
    edit(path, "minutes = 10\n", "")
    name, at, message = refused(demo_copy)
    assert (name, at) == (path.name, line)
    assert "missing field minutes" in message


def test_a_lesson_slug_twice_in_a_course_is_refused_at_the_second(demo_copy):
    path = demo_copy / "fascia-essentials.md"
    line = edit(path, 'slug = "continuous-web"', 'slug = "what-fascia-is"')
    name, at, message = refused(demo_copy)
    assert (name, at) == (path.name, line)
    assert "lesson what-fascia-is is in the course twice" in message


def test_a_lesson_without_a_body_is_refused_at_its_slug(demo_copy):
    path = demo_copy / "sciatica-piriformis-reasoning.md"
    line = edit(path, 'slug = "referral-first"', 'slug = "referral-first"')
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("<!-- lesson: referral-first -->")], encoding="utf-8")
    assert refused(demo_copy)[:2] == (path.name, line)


def test_a_body_out_of_the_headers_order_is_refused_at_its_marker(demo_copy):
    path = demo_copy / "fascia-essentials.md"
    line = edit(path, "<!-- lesson: wear-and-renewal -->", "<!-- lesson: repair-and-binding -->")
    name, at, message = refused(demo_copy)
    assert (name, at) == (path.name, line)
    assert "expected `<!-- lesson: wear-and-renewal -->`" in message


def test_a_body_for_no_lesson_is_refused_at_its_marker(demo_copy):
    path = demo_copy / "fascia-essentials.md"
    with path.open("a", encoding="utf-8") as file:
        file.write("\n<!-- lesson: nowhere -->\n\nText.\n")
    line = path.read_text(encoding="utf-8").count("\n") - 2
    name, at, message = refused(demo_copy)
    assert (name, at) == (path.name, line)
    assert "no lesson nowhere" in message


def test_a_malformed_marker_is_refused_at_its_line(demo_copy):
    path = demo_copy / "fascia-essentials.md"
    line = edit(path, "<!-- lesson: continuous-web -->", "<!-- lesson continuous-web -->")
    assert refused(demo_copy)[:2] == (path.name, line)


def test_an_empty_body_is_refused_at_its_marker(demo_copy):
    path = demo_copy / "teaching-self-management.md"
    text = path.read_text(encoding="utf-8")
    start = text.index("<!-- lesson: home-routine -->")
    path.write_text(text[:start] + "<!-- lesson: home-routine -->\n\n", encoding="utf-8")
    line = text[:start].count("\n") + 1
    assert refused(demo_copy)[:2] == (path.name, line)


def test_an_unclosed_header_is_refused_at_the_first_line(demo_copy):
    path = demo_copy / "fascia-essentials.md"
    path.write_text(path.read_text(encoding="utf-8").replace("+++\n", "", 2) + "", encoding="utf-8")
    assert refused(demo_copy)[:2] == (path.name, 1)


def test_a_slug_other_than_the_file_name_is_refused(demo_copy):
    path = demo_copy / "fascia-essentials.md"
    line = edit(path, 'slug = "fascia-essentials"', 'slug = "fascia"')
    assert refused(demo_copy)[:2] == (path.name, line)


def test_an_unknown_topic_or_prerequisite_is_refused_at_its_line(demo_copy):
    path = demo_copy / "stretching-glutes-hips-back.md"
    line = edit(path, 'prerequisites = ["fascia-essentials"]', 'prerequisites = ["fascia"]')
    assert refused(demo_copy)[:2] == (path.name, line)
    edit(path, 'prerequisites = ["fascia"]', 'prerequisites = ["fascia-essentials"]')
    line = edit(path, 'topic = "stretching"', 'topic = "yoga"')
    assert refused(demo_copy)[:2] == (path.name, line)


def test_a_course_file_missing_from_the_catalog_is_refused(demo_copy):
    (demo_copy / "extra.md").write_text("+++\n+++\n", encoding="utf-8")
    name, at, message = refused(demo_copy)
    assert (name, at) == ("extra.md", 1)
    assert "not listed in catalog.toml" in message


def test_a_listed_course_without_its_file_is_refused_at_the_catalog(demo_copy):
    (demo_copy / "teaching-self-management.md").unlink()
    name, _at, message = refused(demo_copy)
    assert name == "catalog.toml"
    assert "no file teaching-self-management.md" in message
