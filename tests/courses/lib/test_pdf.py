import io
import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pypdf import PageObject, PdfReader
from pypdf.generic import DictionaryObject

from courses.lib.pdf import FONT_DIR_ENV, render_certificate
from courses.lib.snapshot import AccreditationFacts, CertificateSnapshot
from tests.conftest import ROOT, missing

URL = "https://academy.example.com/certificates/verify/7KQF3M2X9TBDHW4P2R6C/"
LONG_NAME = (
    "Maximiliana Alexandrina Konstantinopoulou-Wiśniewska-Ковальчук de la Cruz y Villanueva "
    "Nguyễn Thị Minh Khai Ørsted-Þórðardóttir Σταυροπούλου Schwarzenberg-Lichtenstein"
)[:150]
LONG_TITLE = (
    "Advanced Clinical Myofascial Release, Trigger Point Therapy and Neuromuscular Techniques "
    "for Chronic Lower Back, Hip and Pelvic Pain in Endurance Athletes and Office Workers: "
    "A Practical, Evidence-Informed Approach"
)[:200]


def make_snapshot(*, accredited: bool = True, **changes: Any) -> CertificateSnapshot:
    title = changes.pop("course_title", "Myofascial Release for the Lower Back")
    hours = changes.pop("ce_hours", Decimal("3"))
    snapshot = CertificateSnapshot(
        code="7KQF-3M2X-9TBD-HW4P-2R6C",
        verification_url=URL,
        platform_name="Bodywork Academy",
        platform_url="https://academy.example.com",
        holder_name="Maria Fernández",
        course_title=title,
        course_url="https://academy.example.com/courses/myofascial-release/",
        course_summary="Assessment and release of the thoracolumbar fascia.",
        ce_hours=hours,
        delivery_type="Home study",
        completed_on=date(2026, 11, 25),
        issued_on=date(2026, 11, 26),
        instructor_names=("Dr. Anna Kowalska", "James O'Neill"),
        administrator_name="Lena Hoffmann",
        accreditation=AccreditationFacts(
            body_name="National Certification Board for Therapeutic Massage & Bodywork",
            body_abbreviation="NCBTMB",
            provider_name="Bodywork Academy LLC",
            provider_number="451234",
            provider_contact="ce@bodywork-academy.example",
            approved_title=title,
            approved_hours=hours,
        )
        if accredited
        else None,
    )
    return replace(snapshot, **changes)


def only_page(pdf: bytes) -> PageObject:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return reader.pages[0]


def resources(page: PageObject) -> DictionaryObject:
    found = page["/Resources"].get_object()
    assert isinstance(found, DictionaryObject)
    return found


def page_text(pdf: bytes) -> str:
    # Line breaks from wrapping and pypdf's spacing are not what these tests are about.
    return " ".join(only_page(pdf).extract_text().split())


def test_the_certificate_states_every_fact_as_text():
    text = page_text(render_certificate(make_snapshot()))

    for expected in [
        "Certificate of Continuing Education",
        "Bodywork Academy",
        "Maria Fernández",
        "Myofascial Release for the Lower Back",
        "3 CE hours",
        "7KQF-3M2X-9TBD-HW4P-2R6C",
        URL,
        "Home study",
        "25 November 2026",
        "Issued 26 November 2026",
        "National Certification Board for Therapeutic Massage & Bodywork (NCBTMB)",
        "Bodywork Academy LLC",
        "provider no. 451234",
        "ce@bodywork-academy.example",
        "Dr. Anna Kowalska",
        "James O'Neill",
        "Lena Hoffmann",
    ]:
        assert expected in text


def test_an_accredited_certificate_prints_the_title_and_hours_as_approved():
    snapshot = make_snapshot()
    assert snapshot.accreditation is not None
    approved = replace(
        snapshot.accreditation, approved_title="Myofascial Release I", approved_hours=Decimal("2")
    )

    text = page_text(render_certificate(replace(snapshot, accreditation=approved)))

    assert "Myofascial Release I" in text
    assert "Myofascial Release for the Lower Back" not in text
    assert "2 CE hours" in text


def test_a_plain_certificate_has_no_accreditation_lines():
    snapshot = make_snapshot(
        accredited=False, ce_hours=Decimal("1.5"), instructor_names=(), administrator_name=""
    )

    text = page_text(render_certificate(snapshot))

    assert "Certificate of Completion" in text
    assert "Continuing Education" not in text
    assert "provider" not in text.lower()
    assert "NCBTMB" not in text
    assert "1.5 CE hours" in text
    assert "Academy administrator" in text


def test_a_non_latin_name_round_trips_in_an_embedded_dejavu_font():
    name = "Zoë Παπαδοπούλου-Ковальчук Łęcka Nguyễn"
    page = only_page(render_certificate(make_snapshot(holder_name=name)))

    assert name in " ".join(page.extract_text().split())
    fonts = resources(page)["/Font"].get_object()
    base_fonts = {str(font.get_object()["/BaseFont"]) for font in fonts.values()}
    assert base_fonts
    assert all("DejaVu" in base_font for base_font in base_fonts)
    # Embedded, not merely named: a reader without DejaVu must still draw the name.
    for font in fonts.values():
        assert "/FontFile2" in font.get_object()["/FontDescriptor"]


def test_the_page_is_a4_landscape():
    box = only_page(render_certificate(make_snapshot())).mediabox

    assert float(box.width) == pytest.approx(841.89, abs=1)
    assert float(box.height) == pytest.approx(595.28, abs=1)


def test_the_metadata_names_the_certificate():
    reader = PdfReader(io.BytesIO(render_certificate(make_snapshot())))

    assert reader.metadata is not None
    assert reader.metadata.title == "Certificate 7KQF-3M2X-9TBD-HW4P-2R6C"
    assert reader.metadata.author == "Bodywork Academy"
    assert reader.metadata.subject == "Myofascial Release for the Lower Back"
    assert str(reader.metadata["/CreationDate"]).startswith("D:20261126")


def test_the_qr_code_holds_exactly_the_verification_url(tmp_path: Path):
    pdftoppm, zbarimg = shutil.which("pdftoppm"), shutil.which("zbarimg")
    if pdftoppm is None or zbarimg is None:
        missing("pdftoppm (poppler-utils) and zbarimg (zbar-tools)")
    assert pdftoppm is not None
    assert zbarimg is not None
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(render_certificate(make_snapshot()))

    subprocess.run(
        [
            pdftoppm,
            "-r",
            "150",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            pdf,
            tmp_path / "page",
        ],
        check=True,
        timeout=60,
    )
    scan = subprocess.run(
        [zbarimg, "--quiet", "--raw", tmp_path / "page.png"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert scan.returncode == 0, scan.stderr
    assert scan.stdout.strip() == URL


def test_the_qr_code_is_drawn_as_vectors_not_an_image():
    page = only_page(render_certificate(make_snapshot()))

    assert "/XObject" not in resources(page)
    assert list(page.images) == []


def test_the_same_snapshot_gives_identical_bytes_and_another_name_does_not():
    snapshot = make_snapshot()

    first = render_certificate(snapshot)

    assert render_certificate(snapshot) == first
    assert render_certificate(replace(snapshot, holder_name="Maria Fernandes")) != first


def test_identical_bytes_hold_across_processes():
    snapshot = make_snapshot(holder_name="Zoë Παπαδοπούλου-Ковальчук Łęcka")
    # A different hash seed would expose any set or dict ordering leaking into the output.
    script = (
        "import json, sys\n"
        "from courses.lib.pdf import render_certificate\n"
        "from courses.lib.snapshot import CertificateSnapshot\n"
        "snapshot = CertificateSnapshot.from_json(json.loads(sys.stdin.read()))\n"
        "sys.stdout.buffer.write(render_certificate(snapshot))\n"
    )
    child = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(snapshot.to_json()).encode(),
        capture_output=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
        timeout=60,
    )

    assert child.stdout == render_certificate(snapshot)


def test_a_very_long_name_and_title_stay_on_one_page_in_full():
    instructors = ("Dr. Anna Kowalska-Wiśniewska", "James O'Neill", "Sun Li", "Ana Pereira")
    snapshot = make_snapshot(
        holder_name=LONG_NAME, course_title=LONG_TITLE, instructor_names=instructors
    )

    text = page_text(render_certificate(snapshot))

    assert LONG_NAME in text
    assert LONG_TITLE in text
    assert all(instructor in text for instructor in instructors)


def test_a_missing_font_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    with pytest.raises(RuntimeError, match=r"DejaVuSans\.ttf.*apt-get install fonts-dejavu-core"):
        render_certificate(make_snapshot(), font_dir=tmp_path)

    monkeypatch.setenv(FONT_DIR_ENV, str(tmp_path / "elsewhere"))
    with pytest.raises(RuntimeError, match="elsewhere"):
        render_certificate(make_snapshot())
