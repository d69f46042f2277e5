"""Every page of the tour is valid HTML by the Nu HTML Checker (vnu-jar from npm, run with Java)."""

import json
import shutil
import subprocess

import pytest
from django.test import Client

from tests.conftest import ROOT, missing
from tests.site_tour import build_tour

pytestmark = pytest.mark.django_db

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture
def vnu() -> list[str]:
    java = shutil.which("java")
    if java is None:
        missing("Java (apt-get install default-jre-headless)")
    if not VNU.exists():
        missing("vnu-jar (npm ci)")
    return [str(java), "-Xss8m", "-jar", str(VNU)]


def check(vnu: list[str], files: list) -> list[str]:
    """Errors the checker finds, as 'file:line: message'."""
    run = subprocess.run(
        [*vnu, "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(run.stderr or '{"messages": []}')["messages"]
    return [
        f"{m.get('url', '').rsplit('/', 1)[-1]}:{m.get('lastLine', '?')}: {m['message']}"
        for m in messages
        if m.get("type") == "error"
    ]


def test_the_checker_reports_invalid_markup(vnu, tmp_path):
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><html lang=en><title>x</title><p><div></span>")

    assert check(vnu, [page]) != []


def test_every_page_people_use_is_valid_html(vnu, tmp_path):
    tour = build_tour()
    files = []
    for number, (label, who, path) in enumerate(tour.pages):
        client = Client()
        if who:
            client.force_login(tour.people[who])
        response = client.get(path)
        assert response.status_code == 200, (label, path, response.status_code)
        file = tmp_path / f"{number:02d}-{label.replace(' ', '-').replace(':', '')}.html"
        file.write_bytes(response.content)
        files.append(file)

    errors = check(vnu, files)
    assert errors == [], "\n".join(errors)
