"""The certificate PDF: a CertificateSnapshot in, the bytes of a one-page A4 landscape PDF out.

Pure: no database, no Django, no clock. Everything printed comes from the snapshot, so the same
snapshot always gives byte-identical bytes and an issued certificate can be re-rendered at will.
Plain canvas drawing rather than Platypus: the layout is fixed, and this runs once per issue.
"""

import io
import os
import threading
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import segno
from reportlab import rl_config
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from courses.lib.snapshot import AccreditationFacts, CertificateSnapshot, format_hours

__all__ = ["DEFAULT_FONT_DIR", "FONT_DIR_ENV", "render_certificate"]

DEFAULT_FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT_DIR_ENV = "CERTIFICATE_FONT_DIR"

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
CENTER_X = PAGE_WIDTH / 2
CONTENT_LEFT = 64.0
CONTENT_RIGHT = PAGE_WIDTH - 64.0
CONTENT_WIDTH = CONTENT_RIGHT - CONTENT_LEFT
# The centre block (holder, course, facts, approval) is centred vertically between these.
MIDDLE_TOP = 452.0
MIDDLE_BOTTOM = 176.0

PAPER = HexColor("#fffdf8")
TEAL = HexColor("#0f5e5c")
ACCENT = HexColor("#b9853f")
INK = HexColor("#2b2f33")
MUTED = HexColor("#5d6769")
RULE = HexColor("#9aa7a6")
WHITE = HexColor("#ffffff")

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# The QR specification asks for at least four light modules around the symbol.
QR_QUIET_MODULES = 4
# The symbol alone is 3.2 cm: readable from a printout by any phone camera.
QR_SYMBOL_SIZE = 92.0
# A fixed data mask instead of segno scoring all eight (~3.7 ms of the ~9 ms render). Any mask
# gives a valid symbol: the reader takes it from the format information; the penalty score only
# ranks readability. Pattern 4 scored best, or within a few points of it, on verification URLs
# with random codes (best for 38% of 600 samples; mean excess over the best mask 41 points,
# against 70-216 for the others).
QR_MASK = 4


@dataclass(frozen=True)
class _Fonts:
    sans: str
    sans_bold: str


# Two faces only: every face used is embedded as a subset, each costing time on every render
# (subsetting and compressing it) and ~10 kB. The heading and the holder's name were once set in
# DejaVu Serif; that was only a look, and the regular face carries them as legibly.
_FONT_FILES = {
    "sans": "DejaVuSans.ttf",
    "sans_bold": "DejaVuSans-Bold.ttf",
}
_registered: dict[Path, _Fonts] = {}
_register_lock = threading.Lock()
# rl_config.useA85 is process-wide and read while saving; see _save.
_save_lock = threading.Lock()


class _FastFlate(pdfdoc.PDFStreamFilterZCompress):
    """Flate at level 1 rather than zlib's default 6."""

    def encode(self, text: bytes) -> bytes:
        return zlib.compress(text, 1)


_FAST_FLATE = _FastFlate()


class _Face(TTFont):
    """A face whose embedded subsets are deflated at level 1: compressing the two subsets at
    the default level took ~0.6 ms of each render, level 1 ~0.15 ms, for ~4% more bytes
    (1.5 kB) on the PDF. The subset streams are found by the name ReportLab registers them
    under; should that name change, they are simply compressed at the default level again."""

    def addObjects(self, doc: pdfdoc.PDFDocument) -> None:
        super().addObjects(doc)
        prefix = f"fontFile:{self.face.filename}("
        for name, stream in doc.idToObject.items():
            if name.startswith(prefix) and isinstance(stream, pdfdoc.PDFStream):
                stream.filters = [_FAST_FLATE]


def _fonts(font_dir: Path | None) -> _Fonts:
    """Register the DejaVu faces once per process and directory: parsing them takes ~25 ms."""
    directory = font_dir or Path(os.environ.get(FONT_DIR_ENV) or DEFAULT_FONT_DIR)
    fonts = _registered.get(directory)
    if fonts is not None:
        return fonts
    with _register_lock:
        fonts = _registered.get(directory)
        if fonts is not None:
            return fonts
        paths = {role: directory / filename for role, filename in _FONT_FILES.items()}
        for path in paths.values():
            if not path.is_file():
                raise RuntimeError(
                    f"Certificate font {path} is missing: install it with "
                    f"'apt-get install fonts-dejavu-core', or set {FONT_DIR_ENV} to a directory "
                    f"holding {', '.join(_FONT_FILES.values())}."
                )
        # ReportLab's registry is global by name: faces from a second directory get names of
        # their own rather than replacing the first directory's.
        suffix = f"@{len(_registered)}" if _registered else ""
        names = {role: f"{path.stem}{suffix}" for role, path in paths.items()}
        for role, path in paths.items():
            # Not asciiReadable: ReportLab would otherwise put all of ASCII into each face's
            # subset, to keep the content stream readable as ASCII; only the glyphs used are
            # embedded now (~1.5 ms less per render). Copying and searching the text go through
            # the ToUnicode map either way, and code 32 stays the space.
            pdfmetrics.registerFont(_Face(names[role], str(path), asciiReadable=False))
        fonts = _Fonts(**names)
        _registered[directory] = fonts
        return fonts


def _long_date(day: date) -> str:
    # A table rather than strftime("%B"): the process locale must not change a certificate.
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _width(text: str, font: str, size: float) -> float:
    return float(pdfmetrics.stringWidth(text, font, size))


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy wrap; a word wider than a line (a long URL, say) is cut wherever it must be."""
    space = _width(" ", font, size)
    lines: list[str] = []
    current: list[str] = []
    used = 0.0
    for word in text.split():
        word_width = _width(word, font, size)
        while word_width > width:
            if current:
                lines.append(" ".join(current))
                current, used = [], 0.0
            cut = max(1, int(len(word) * width / word_width))
            while cut > 1 and _width(word[:cut], font, size) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
            word_width = _width(word, font, size)
        if current and used + space + word_width > width:
            lines.append(" ".join(current))
            current, used = [], 0.0
        used += word_width + (space if current else 0.0)
        current.append(word)
    if current:
        lines.append(" ".join(current))
    return lines


def _two_lines(words: Sequence[str], font: str) -> tuple[list[str], float]:
    """The break that makes the wider line narrowest: two even lines read better than a long
    one over a short one. Returns the lines and the wider one's width at size 1."""
    # ReportLab does not kern, so a line is exactly its words plus its spaces.
    widths = [_width(word, font, 1) for word in words]
    space = _width(" ", font, 1)
    total = sum(widths) + space * (len(words) - 1)
    best_cut, best_width, first = 1, total, 0.0
    for cut in range(1, len(words)):
        first += widths[cut - 1] + (space if cut > 1 else 0.0)
        widest = max(first, total - first - space)
        if widest < best_width:
            best_cut, best_width = cut, widest
    return [" ".join(words[:best_cut]), " ".join(words[best_cut:])], best_width


@dataclass(frozen=True)
class _Fit:
    size: float
    lines: list[str]


def _fit(
    text: str,
    font: str,
    width: float,
    size: float,
    floor: float,
    two_lines: tuple[float, float] | None = None,
) -> _Fit:
    """One line at the largest size down to floor; then, if allowed, two balanced lines at
    two_lines = (largest, floor); past every floor, as many lines as it takes, never clipped."""
    text = " ".join(text.split())
    one_line = _width(text, font, 1)
    if one_line * floor <= width:
        return _Fit(min(size, width / one_line) if one_line else size, [text])
    if two_lines is None:
        return _Fit(floor, _wrap(text, font, floor, width))
    largest, lowest = two_lines
    words = text.split()
    if len(words) > 1:
        lines, widest = _two_lines(words, font)
        if widest * lowest <= width:
            return _Fit(min(largest, width / widest), lines)
    return _Fit(lowest, _wrap(text, font, lowest, width))


def _frame(canvas: Canvas) -> None:
    canvas.setFillColor(PAPER)
    canvas.rect(0, 0, PAGE_WIDTH, PAGE_HEIGHT, stroke=0, fill=1)
    canvas.setStrokeColor(TEAL)
    canvas.setLineWidth(2.2)
    canvas.rect(22, 22, PAGE_WIDTH - 44, PAGE_HEIGHT - 44, stroke=1, fill=0)
    canvas.setLineWidth(0.6)
    canvas.rect(29, 29, PAGE_WIDTH - 58, PAGE_HEIGHT - 58, stroke=1, fill=0)
    canvas.setFillColor(ACCENT)
    for x in (29, PAGE_WIDTH - 29):
        for y in (29, PAGE_HEIGHT - 29):
            canvas.rect(x - 3, y - 3, 6, 6, stroke=0, fill=1)


def _qr(canvas: Canvas, url: str, right: float, bottom: float) -> float:
    """Draw the QR code as vector rectangles, one per horizontal run; return its left edge."""
    matrix = segno.make(url, error="m", micro=False, mask=QR_MASK).matrix
    count = len(matrix)
    module = QR_SYMBOL_SIZE / count
    total = (count + 2 * QR_QUIET_MODULES) * module
    left = right - total
    canvas.setFillColor(WHITE)
    canvas.rect(left, bottom, total, total, stroke=0, fill=1)
    # Scaled to module units every coordinate is a small integer: the ~300 runs are written
    # directly instead of through ReportLab's float formatting, and one fill paints them all,
    # so no hairline seams show between rows.
    ops: list[str] = []
    for row_index, row in enumerate(matrix):
        y = count - 1 - row_index
        start = -1
        for col, dark in enumerate(row):
            if dark:
                if start < 0:
                    start = col
            elif start >= 0:
                ops.append(f"{start} {y} {col - start} 1 re")
                start = -1
        if start >= 0:
            ops.append(f"{start} {y} {count - start} 1 re")
    canvas.saveState()
    canvas.setFillColor(INK)
    canvas.translate(left + QR_QUIET_MODULES * module, bottom + QR_QUIET_MODULES * module)
    canvas.scale(module, module)
    canvas.addLiteral("\n".join(ops) + "\nf")
    canvas.restoreState()
    return left


# A piece of the centre column: its height, and how to draw it below a given top edge.
_Piece = tuple[float, Callable[[float], None]]


def _text_piece(canvas: Canvas, fit: _Fit, font: str, color: Color, leading: float = 1.2) -> _Piece:
    def draw(top: float) -> None:
        canvas.setFillColor(color)
        canvas.setFont(font, fit.size)
        # DejaVu's ascent is 0.76 em: the first baseline sits that far below the top edge.
        y = top - fit.size * 0.76
        for line in fit.lines:
            canvas.drawCentredString(CENTER_X, y, line)
            y -= fit.size * leading

    return fit.size * (leading * (len(fit.lines) - 1) + 1), draw


def _gap(height: float) -> _Piece:
    return height, lambda top: None


def _facts_piece(canvas: Canvas, fonts: _Fonts, snapshot: CertificateSnapshot) -> _Piece:
    hours = snapshot.accreditation.approved_hours if snapshot.accreditation else snapshot.ce_hours
    facts = (
        ("COMPLETED", _long_date(snapshot.completed_on)),
        ("DELIVERY", snapshot.delivery_type),
        ("CREDIT", format_hours(hours)),
    )
    column = 200.0
    sizes = [_fit(value, fonts.sans_bold, column - 16, 12, 6).size for _, value in facts]

    def draw(top: float) -> None:
        for index, ((label, value), size) in enumerate(zip(facts, sizes, strict=True)):
            center = CENTER_X + (index - 1) * column
            canvas.setFillColor(TEAL)
            canvas.setFont(fonts.sans, 7)
            canvas.drawCentredString(center, top - 6, label)
            canvas.setFillColor(INK)
            canvas.setFont(fonts.sans_bold, size)
            canvas.drawCentredString(center, top - 23, value)

    return 26.0, draw


def _approval_lines(accreditation: AccreditationFacts) -> tuple[str, str]:
    body = accreditation.body_name.strip()
    if accreditation.body_abbreviation.strip():
        body = f"{body} ({accreditation.body_abbreviation.strip()})"
    if not body.lower().startswith("the "):
        body = f"the {body}"
    return (
        f"{accreditation.provider_name} is approved by {body} as a continuing education "
        f"provider, provider no. {accreditation.provider_number}.",
        f"Provider contact: {accreditation.provider_contact}",
    )


def _approval_piece(canvas: Canvas, fonts: _Fonts, accreditation: AccreditationFacts) -> _Piece:
    statement, contact = _approval_lines(accreditation)
    # Wider than about 100 characters a centred line is hard to follow: cap the measure.
    measure = min(CONTENT_WIDTH, 560.0)
    # One size for both, each on at most two lines: the smaller of the sizes each needs alone.
    size = min(
        _fit(text, fonts.sans, measure, 8.5, 8.5, two_lines=(8.5, 6.5)).size
        for text in (statement, contact)
    )
    lines: list[str] = []
    for text in (statement, contact):
        wrapped = _wrap(text, fonts.sans, size, measure)
        if len(wrapped) == 2:
            balanced, widest = _two_lines(text.split(), fonts.sans)
            wrapped = balanced if widest * size <= measure else wrapped
        lines += wrapped
    return _text_piece(canvas, _Fit(size, lines), fonts.sans, MUTED, 1.45)


def _signature(
    canvas: Canvas, fonts: _Fonts, name: str, role: str, center: float, width: float
) -> None:
    line_y = 124.0
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.line(center - width / 2, line_y, center + width / 2, line_y)
    fit = _fit(name, fonts.sans_bold, width, 9.5, 8, two_lines=(8.5, 6))
    canvas.setFillColor(INK)
    canvas.setFont(fonts.sans_bold, fit.size)
    y = line_y - 13
    for line in fit.lines:
        canvas.drawCentredString(center, y, line)
        y -= fit.size * 1.2
    canvas.setFillColor(TEAL)
    canvas.setFont(fonts.sans, _fit(role, fonts.sans, width, 7.5, 5).size)
    canvas.drawCentredString(center, y - 1.5, role)


def _signatures(canvas: Canvas, fonts: _Fonts, snapshot: CertificateSnapshot, right: float) -> None:
    instructors = [name.strip() for name in snapshot.instructor_names if name.strip()]
    slots: list[tuple[str, str, bool]]
    if len(instructors) <= 3:
        slots = [(name, "Instructor", False) for name in instructors]
    else:
        # Four or more lines would crowd the page: one shared line still names everyone.
        slots = [(", ".join(instructors), "Instructors", True)]
    if snapshot.administrator_name.strip():
        slots.append((snapshot.administrator_name.strip(), "Administrator", False))
    else:
        slots.append(("Academy administrator", snapshot.platform_name, False))
    step = (right - CONTENT_LEFT) / len(slots)
    for index, (name, role, shared) in enumerate(slots):
        width = step - 28 if shared else min(170.0, step - 28)
        _signature(canvas, fonts, name, role, CONTENT_LEFT + step * (index + 0.5), width)


def _verification(
    canvas: Canvas, fonts: _Fonts, snapshot: CertificateSnapshot, right: float
) -> None:
    label = "Certificate code  "
    canvas.setFillColor(MUTED)
    canvas.setFont(fonts.sans, 7.5)
    canvas.drawString(CONTENT_LEFT, 70, label)
    canvas.setFillColor(INK)
    canvas.setFont(fonts.sans_bold, 9)
    canvas.drawString(CONTENT_LEFT + _width(label, fonts.sans, 7.5), 70, snapshot.code)
    canvas.setFillColor(MUTED)
    fit = _fit(f"Verify at {snapshot.verification_url}", fonts.sans, right - CONTENT_LEFT, 7.5, 6)
    canvas.setFont(fonts.sans, fit.size)
    y = 58.0
    for line in [*fit.lines, f"Issued {_long_date(snapshot.issued_on)}"]:
        canvas.drawString(CONTENT_LEFT, y, line)
        y -= 10.5


def _save(canvas: Canvas) -> None:
    # ASCII85 on top of Flate only makes streams 25% larger and costs a millisecond; ReportLab
    # reads the switch while saving, so it is flipped for just this save, under a lock so a
    # concurrent render cannot see (or leave) it flipped mid-way and lose byte-identity.
    with _save_lock:
        previous = rl_config.useA85
        rl_config.useA85 = 0
        try:
            canvas.save()
        finally:
            rl_config.useA85 = previous


def render_certificate(snapshot: CertificateSnapshot, *, font_dir: Path | None = None) -> bytes:
    """The certificate as a one-page A4 landscape PDF.

    Fonts come from font_dir, else $CERTIFICATE_FONT_DIR, else Debian's DejaVu directory; a
    missing face raises RuntimeError. The same snapshot always gives the same bytes.
    """
    fonts = _fonts(font_dir)
    accreditation = snapshot.accreditation
    # An accredited course prints its title exactly as the board approved it.
    title = accreditation.approved_title if accreditation else snapshot.course_title

    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        invariant=1,
        pageCompression=1,
        # Otherwise the page references an unembedded Helvetica it never uses.
        initialFontName=fonts.sans,
    )
    # invariant=1 pins ReportLab's clock and makes the document ID a digest of the content; the
    # metadata dates then say when the certificate was issued rather than 1 January 2000.
    issued = f"D:{snapshot.issued_on:%Y%m%d}000000+00'00'"
    canvas.setDateFormatter(lambda *_: issued)
    canvas.setTitle(f"Certificate {snapshot.code}")
    canvas.setAuthor(snapshot.platform_name)
    canvas.setSubject(title)
    canvas.setCreator(snapshot.platform_name)

    _frame(canvas)

    canvas.setFillColor(TEAL)
    platform = " ".join(snapshot.platform_name.split())
    canvas.setFont(fonts.sans_bold, _fit(platform, fonts.sans_bold, CONTENT_WIDTH, 11, 6).size)
    canvas.drawCentredString(CENTER_X, 526, platform)
    heading = (
        "Certificate of Continuing Education" if accreditation else "Certificate of Completion"
    )
    canvas.setFont(fonts.sans, 31)
    canvas.drawCentredString(CENTER_X, 482, heading)
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(1.4)
    canvas.line(CENTER_X - 36, 466, CENTER_X + 36, 466)

    name = _fit(snapshot.holder_name, fonts.sans, CONTENT_WIDTH, 32, 20, two_lines=(22, 10))
    course = _fit(title, fonts.sans_bold, CONTENT_WIDTH, 19, 14, two_lines=(16, 8))
    pieces = [
        _text_piece(canvas, _Fit(11, ["This certifies that"]), fonts.sans, MUTED),
        _gap(12),
        _text_piece(canvas, name, fonts.sans, INK, 1.15),
        _gap(14),
        _text_piece(canvas, _Fit(11, ["has completed"]), fonts.sans, MUTED),
        _gap(11),
        _text_piece(canvas, course, fonts.sans_bold, TEAL, 1.25),
        _gap(26),
        _facts_piece(canvas, fonts, snapshot),
    ]
    if accreditation is not None:
        pieces += [_gap(24), _approval_piece(canvas, fonts, accreditation)]
    height = sum(piece_height for piece_height, _ in pieces)
    # A little above centre: optical centre, and room for the signatures below.
    top = MIDDLE_TOP - max(0.0, (MIDDLE_TOP - MIDDLE_BOTTOM) - height) * 0.45
    for piece_height, draw in pieces:
        draw(top)
        top -= piece_height

    qr_left = _qr(canvas, snapshot.verification_url, CONTENT_RIGHT + 8, 44)
    _signatures(canvas, fonts, snapshot, qr_left - 24)
    _verification(canvas, fonts, snapshot, qr_left - 24)

    canvas.showPage()
    _save(canvas)
    return buffer.getvalue()
