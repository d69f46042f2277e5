"""Status values are the models' constants everywhere: no view, service or template compares a
status with a string of its own, so renaming or adding a status is a change in one place, and a
misspelt constant fails (a misspelt string would silently be false)."""

import re
from pathlib import Path

import pytest
from django.template import Context, Template, TemplateSyntaxError

from courses.models import Certificate, Course

ROOT = Path(__file__).resolve().parent.parent
PYTHON = [
    *sorted((ROOT / "courses" / "views").rglob("*.py")),
    *sorted((ROOT / "courses" / "services").rglob("*.py")),
    ROOT / "academy" / "views.py",
]
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
# `status="x"`, `status__in=["x"`, `course__status="x"`, `x.status == "x"`, `status != 'x'`
IN_PYTHON = re.compile(r"""status(__in)?\s*(==|!=|=)\s*[\[(]?\s*["']""")
IN_TEMPLATES = re.compile(r"""\.status\s*(==|!=)\s*["']""")


def _offending(paths: list[Path], pattern: re.Pattern[str]) -> list[str]:
    found = []
    for path in paths:
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if pattern.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    return found


def test_no_view_or_service_compares_a_status_with_a_string():
    assert _offending(PYTHON, IN_PYTHON) == []


def test_no_template_compares_a_status_with_a_string():
    assert _offending(TEMPLATES, IN_TEMPLATES) == []


def test_the_template_filter_names_the_models_constants():
    template = Template(
        '{% load courses_extras %}{% if course|status_is:"PUBLISHED" %}open{% endif %}'
        '{% if certificate|status_is:"REVOKED" %} revoked{% endif %}'
    )
    course = Course(status=Course.Status.PUBLISHED)
    certificate = Certificate(status=Certificate.Status.REVOKED)
    shown = template.render(Context({"course": course, "certificate": certificate}))

    assert shown == "open revoked"
    with pytest.raises(TemplateSyntaxError, match="PUBLISHD"):
        Template('{% load courses_extras %}{{ course|status_is:"PUBLISHD" }}').render(
            Context({"course": course})
        )
