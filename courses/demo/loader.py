"""Reads the demo catalog in courses/demo/ into the structures courses.services.demo writes.

- `catalog.toml`: the topics, and the course slugs in the order seed_demo creates them.
- `<course-slug>.md`, one per course: a TOML header between two `+++` lines (the course's fields,
  its `[[modules]]` and their `[[modules.lessons]]`), then the course description in Markdown,
  then each lesson's Markdown body after a `<!-- lesson: <lesson-slug> -->` line, in the header's
  order. Blank lines around a section are dropped.
- `<course-slug>__<lesson-slug>.gift`: that lesson's quiz (read by courses.services.demo).

Pure: no model, no database. A malformed file raises DemoContentError naming the file and line.
"""

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

DEMO_DIR = Path(__file__).resolve().parent
CATALOG = "catalog.toml"
FENCE = "+++"
MARKER_START, MARKER_END = "<!-- lesson: ", " -->"


@dataclass(frozen=True)
class DemoLesson:
    slug: str
    title: str
    minutes: int
    body: str  # Markdown
    required: bool = True
    safety_notice: str = ""  # plain text, one or two sentences, shown above the lesson
    transcript: str = ""


@dataclass(frozen=True)
class DemoModule:
    title: str
    summary: str
    lessons: tuple[DemoLesson, ...]


@dataclass(frozen=True)
class DemoCourse:
    slug: str
    title: str
    summary: str  # one or two sentences for the catalog card
    # Markdown, 2-4 paragraphs: what it covers, who it is for, what you will be able to do
    description: str
    topic: str  # a slug from the catalog's topics
    level: str  # "introductory" | "intermediate" | "advanced"
    ce_hours: Decimal  # half-hour steps, e.g. 2.5 in the header
    status: str  # "published" | "draft"
    order_required: bool
    instructor_emails: tuple[str, ...]
    prerequisite_slugs: tuple[str, ...] = ()
    modules: tuple[DemoModule, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class DemoCatalog:
    topics: tuple[tuple[str, str], ...]  # (slug, name)
    courses: tuple[DemoCourse, ...]


class DemoContentError(ValueError):
    """A malformed demo file; the message starts with `<path>:<line>:`."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line


def load_catalog(directory: Path = DEMO_DIR) -> DemoCatalog:
    """Every course of the catalog, in its order, each checked against the topics and courses."""
    path = directory / CATALOG
    lines = _lines(path)
    data = _toml(path, lines, first_line=1)
    where = _Where(path, lines, start=0, end=len(lines))
    fields = _fields(data, where, required={"topics": list, "courses": list})
    topics = tuple(
        (topic["slug"], topic["name"])
        for topic in (
            _fields(_table(item, where, "topics"), where, required={"slug": str, "name": str})
            for item in fields["topics"]
        )
    )
    slugs = _strings(fields["courses"], where, "courses")
    listed = {f"{slug}.md" for slug in slugs}
    for stray in sorted(directory.glob("*.md")):
        if stray.name not in listed:
            raise DemoContentError(stray, 1, f"not listed in {CATALOG}'s courses")
    courses = []
    for slug in slugs:
        course_path = directory / f"{slug}.md"
        if not course_path.is_file():
            raise DemoContentError(path, where.line("courses"), f"no file {course_path.name}")
        courses.append(read_course(course_path, topics={s for s, _name in topics}, courses=slugs))
    return DemoCatalog(topics=topics, courses=tuple(courses))


def read_course(path: Path, *, topics: set[str], courses: list[str]) -> DemoCourse:
    """One course file: its header's fields, its description and its lessons' bodies."""
    lines = _lines(path)
    if not lines or lines[0] != FENCE:
        raise DemoContentError(path, 1, f"a course file starts with a `{FENCE}` line")
    if FENCE not in lines[1:]:
        raise DemoContentError(path, 1, f"the `{FENCE}` header is never closed")
    end = lines.index(FENCE, 1)
    header = _toml(path, lines[1:end], first_line=2)
    tables = _table_lines(lines, end)
    # The course's own fields come before its first table.
    where = _Where(path, lines, start=0, end=tables[0][1] if tables else end)
    fields = _fields(
        header,
        where,
        required={
            "slug": str,
            "title": str,
            "summary": str,
            "topic": str,
            "level": str,
            "ce_hours": Decimal,
            "status": str,
            "order_required": bool,
            "instructors": list,
            "modules": list,
        },
        optional={"prerequisites": []},
    )
    if fields["slug"] != path.stem:
        raise DemoContentError(path, where.line("slug"), f"the slug of {path.name} is {path.stem}")
    if fields["topic"] not in topics:
        raise DemoContentError(
            path, where.line("topic"), f"no topic {fields['topic']} in {CATALOG}"
        )
    prerequisites = _strings(fields["prerequisites"], where, "prerequisites")
    for slug in prerequisites:
        if slug not in courses or slug == path.stem:
            raise DemoContentError(path, where.line("prerequisites"), f"no other course {slug}")
    modules = _modules(fields["modules"], where, tables, header_end=end)
    sections = _sections(path, lines, end)
    description = _text(sections[0])
    if not description:
        raise DemoContentError(path, end + 1, "the course description is empty")
    bodies = _bodies(path, sections[1:], [lesson for _where, _f, ls in modules for lesson in ls])
    return DemoCourse(
        slug=fields["slug"],
        title=fields["title"],
        summary=fields["summary"],
        description=description,
        topic=fields["topic"],
        level=fields["level"],
        ce_hours=fields["ce_hours"],
        status=fields["status"],
        order_required=fields["order_required"],
        instructor_emails=tuple(_strings(fields["instructors"], where, "instructors")),
        prerequisite_slugs=tuple(prerequisites),
        modules=tuple(
            DemoModule(
                title=module["title"],
                summary=module["summary"],
                lessons=tuple(
                    DemoLesson(
                        slug=lesson["slug"],
                        title=lesson["title"],
                        minutes=lesson["minutes"],
                        body=bodies[lesson["slug"]],
                        required=lesson["required"],
                        safety_notice=lesson["safety_notice"],
                        transcript=lesson["transcript"],
                    )
                    for _lesson_where, lesson in lessons
                ),
            )
            for _module_where, module, lessons in modules
        ),
    )


@dataclass(frozen=True)
class _Where:
    """A span of a file's lines (0-based, end excluded), to name the line of a key in errors."""

    path: Path
    lines: list[str]
    start: int
    end: int

    def line(self, key: str) -> int:
        """The 1-based line of `key = ...` in the span, else the span's first line."""
        for index in range(self.start, self.end):
            name, equals, _value = self.lines[index].partition("=")
            if equals and name.strip().strip('"') == key:
                return index + 1
        return self.start + 1

    def error(self, key: str, message: str) -> DemoContentError:
        return DemoContentError(self.path, self.line(key), message)


_Lesson = tuple[_Where, dict[str, Any]]
_Module = tuple[_Where, dict[str, Any], list[_Lesson]]


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as error:
        raise DemoContentError(path, 1, str(error)) from None


def _toml(path: Path, lines: list[str], *, first_line: int) -> dict[str, Any]:
    """Parsed with as many blank lines in front as the file has before it, so that tomllib's
    "at line N" is the file's line; decimals stay exact (ce_hours = 2.5 is Decimal("2.5"))."""
    text = "\n" * (first_line - 1) + "\n".join(lines)
    try:
        return tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        _before, at, after = message.partition("(at line ")
        line = int(after.partition(",")[0]) if at else first_line + len(lines)
        raise DemoContentError(path, line, f"TOML: {message}") from None


def _table_lines(lines: list[str], end: int) -> list[tuple[str, int]]:
    """The header's `[[modules]]` and `[[modules.lessons]]` lines, in order (0-based)."""
    return [
        (lines[index].strip(), index)
        for index in range(1, end)
        if lines[index].strip() in ("[[modules]]", "[[modules.lessons]]")
    ]


def _modules(
    items: list[Any], where: _Where, tables: list[tuple[str, int]], *, header_end: int
) -> list[_Module]:
    """Each module's and lesson's fields, with the span of its table for errors."""
    ends = [index for _name, index in tables[1:]] + [header_end]
    module_spans: list[_Where] = []
    lesson_spans: list[_Where] = []
    for (name, index), next_index in zip(tables, ends, strict=True):
        span = _Where(where.path, where.lines, index, next_index)
        (module_spans if name == "[[modules]]" else lesson_spans).append(span)
    if not items:
        raise where.error("modules", "a course has at least one [[modules]]")
    modules: list[_Module] = []
    slugs: set[str] = set()
    lesson_number = 0
    for number, item in enumerate(items):
        module_where = module_spans[number] if number < len(module_spans) else where
        module = _fields(
            _table(item, module_where, "modules"),
            module_where,
            required={"title": str, "summary": str, "lessons": list},
        )
        if not module["lessons"]:
            raise module_where.error("lessons", "a module has at least one [[modules.lessons]]")
        lessons: list[_Lesson] = []
        for lesson_item in module["lessons"]:
            lesson_where = (
                lesson_spans[lesson_number] if lesson_number < len(lesson_spans) else module_where
            )
            lesson_number += 1
            lesson = _fields(
                _table(lesson_item, lesson_where, "lessons"),
                lesson_where,
                required={"slug": str, "title": str, "minutes": int},
                optional={"required": True, "safety_notice": "", "transcript": ""},
            )
            if lesson["slug"] in slugs:
                raise lesson_where.error("slug", f"lesson {lesson['slug']} is in the course twice")
            slugs.add(lesson["slug"])
            lessons.append((lesson_where, lesson))
        modules.append((module_where, module, lessons))
    return modules


def _sections(path: Path, lines: list[str], end: int) -> list[tuple[str | None, int, list[str]]]:
    """The text after the header cut at each lesson marker: (lesson slug, 1-based line, lines);
    the first section is the description's, with no slug."""
    sections: list[tuple[str | None, int, list[str]]] = [(None, end + 2, [])]
    for index in range(end + 1, len(lines)):
        line = lines[index]
        if line.startswith("<!--"):
            slug = line.removeprefix(MARKER_START).removesuffix(MARKER_END)
            if not (line.startswith(MARKER_START) and line.endswith(MARKER_END) and slug):
                raise DemoContentError(path, index + 1, "expected `<!-- lesson: <slug> -->`")
            sections.append((slug, index + 1, []))
        else:
            sections[-1][2].append(line)
    return sections


def _bodies(
    path: Path, sections: list[tuple[str | None, int, list[str]]], lessons: list[_Lesson]
) -> dict[str, str]:
    """Each lesson's body, the markers in the header's order, one per lesson."""
    bodies: dict[str, str] = {}
    for number, (slug, line, _lines) in enumerate(sections):
        if number >= len(lessons):
            raise DemoContentError(path, line, f"no lesson {slug} in the header (or it is twice)")
        expected = lessons[number][1]["slug"]
        if slug != expected:
            raise DemoContentError(
                path, line, f"expected `<!-- lesson: {expected} -->` here (the header's order)"
            )
    for number, (lesson_where, lesson) in enumerate(lessons):
        if number >= len(sections):
            raise lesson_where.error("slug", f"lesson {lesson['slug']} has no body marker")
        body = _text(sections[number])
        if not body:
            raise DemoContentError(path, sections[number][1], f"lesson {lesson['slug']} is empty")
        bodies[lesson["slug"]] = body
    return bodies


def _text(section: tuple[str | None, int, list[str]]) -> str:
    return "\n".join(section[2]).strip("\n")


def _table(item: Any, where: _Where, key: str) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise where.error(key, f"{key}: expected a table ([[{key}]])")
    return item


def _strings(value: list[Any], where: _Where, key: str) -> list[str]:
    if not all(isinstance(item, str) for item in value):
        raise where.error(key, f"{key}: expected a list of strings")
    return value


def _fields(
    table: dict[str, Any],
    where: _Where,
    *,
    required: dict[str, type],
    optional: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The table's values, each of its type (a bool is no int); no key missing or unknown."""
    optional = optional or {}
    for key in table:
        if key not in required and key not in optional:
            raise where.error(key, f"unknown field {key}")
    fields = {**optional, **table}
    kinds: dict[str, type] = {**{k: type(v) for k, v in optional.items()}, **required}
    for key, kind in kinds.items():
        if key not in fields:
            raise where.error(key, f"missing field {key}")
        value = fields[key]
        if type(value) is not kind:
            raise where.error(key, f"{key}: expected {_KIND_NAMES[kind]}, not {value!r}")
    return fields


_KIND_NAMES: dict[type, str] = {
    str: "a string",
    int: "an integer",
    bool: "true or false",
    Decimal: "a decimal number such as 2.5",
    list: "a list",
}
