"""CSV files for spreadsheets: UTF-8 with a byte-order mark (so Excel reads accents), and no cell
a spreadsheet would run as a formula."""

import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

# What makes Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def safe_cell(value: object) -> str:
    """The text of one cell; text that could start a formula is prefixed with a quote, which
    spreadsheets show as plain text. Numbers and dates are never formulas and stay as they are."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Line:
    """A file-like object whose write returns the line: csv.writer then builds lines to yield."""

    def write(self, line: str) -> str:
        return line


def write_rows(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The lines of a CSV file, the header (after the byte-order mark) first, one at a time."""
    writer = csv.writer(_Line())
    yield BOM + writer.writerow([safe_cell(name) for name in header])
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])
