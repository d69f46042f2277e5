"""Moodle's GIFT quiz format, read into plain frozen dataclasses and written back out.

The reader follows Moodle's own importer (question/format/gift/format.php, readquestion) rule by
rule, so a file imports here as it would into Moodle. Where Moodle silently guesses or drops
things (an unclosed brace, a weight such as %abc%, a numerical answer that is not a number) this
reader reports an error with its line instead, and it reports every error in the file at once.

Moodle's format has no escape for the arrow of a matching pair, so a short-answer answer or
feedback containing "->" reads back as a matching question, and a matching prompt containing "->"
is cut there. This reader takes "\\>" as an escaped ">" and the writer writes every "->" in a text
as "-\\>", so whatever is written reads back as it was. Moodle keeps that backslash (Markdown text
then renders it away). A known limit of the format itself: an empty text cannot carry a format of
its own (it takes the question text's format).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

__all__ = [
    "FORMATS",
    "Answer",
    "GiftError",
    "GiftSyntaxError",
    "Kind",
    "NumericAnswer",
    "Pair",
    "Question",
    "Text",
    "parse_gift",
    "write_gift",
]

FORMATS = ("moodle", "html", "plain", "markdown")
BLANK = "_____"
DEFAULT_NAME_LENGTH = 40


class Kind(enum.Enum):
    SINGLE = "single choice"
    MULTIPLE = "multiple choice"
    TRUE_FALSE = "true/false"
    SHORT_ANSWER = "short answer"
    NUMERICAL = "numerical"
    MATCHING = "matching"
    DESCRIPTION = "description"
    ESSAY = "essay"


@dataclass(frozen=True)
class Text:
    """A text and the markup it is written in (GIFT's [html], [moodle], [plain], [markdown])."""

    text: str
    format: str = "moodle"

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"unknown text format {self.format!r}: use one of {FORMATS}")


@dataclass(frozen=True)
class Answer:
    """A choice or accepted short answer; fraction 1 is full marks and may be negative."""

    text: Text
    fraction: Decimal
    feedback: Text = Text("")


@dataclass(frozen=True)
class NumericAnswer:
    """value None is GIFT's catch-all answer (`*`, or `~` after the numerical answers)."""

    value: Decimal | None
    tolerance: Decimal = Decimal(0)
    fraction: Decimal = Decimal(1)
    feedback: Text = Text("")


@dataclass(frozen=True)
class Pair:
    """A matching pair; an empty prompt makes the answer a distractor."""

    prompt: Text
    answer: str


@dataclass(frozen=True)
class Question:
    """One question. TRUE_FALSE questions hold two answers, "true" and "false", whose fractions
    say which is right and whose feedbacks are shown to a learner who picks them."""

    kind: Kind
    name: str
    text: Text
    general_feedback: Text = Text("")
    answers: tuple[Answer, ...] = ()
    numeric_answers: tuple[NumericAnswer, ...] = ()
    pairs: tuple[Pair, ...] = ()
    id: str | None = None
    tags: tuple[str, ...] = ()
    category: str | None = None
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class GiftError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class GiftSyntaxError(ValueError):
    """Every problem found in a GIFT text, each with its 1-based line."""

    def __init__(self, errors: list[GiftError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


# --- reading --------------------------------------------------------------------------------

# A character written with a backslash stands as this in the syntax view of the text, so that no
# structural search (for "{", "~", "::", "####"...) can ever see it.
_ESCAPED = "\x00"
_UNESCAPE = {
    "\\": "\\",
    ":": ":",
    "#": "#",
    "=": "=",
    "{": "{",
    "}": "}",
    "~": "~",
    "n": "\n",
    # Not Moodle's: the writer's way to keep "->" in a text from reading as a matching arrow.
    ">": ">",
}
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")
_WEIGHT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
# Moodle's extract_idnumber_and_tags_from_comment: a "]" inside is written "\]"; no control
# characters, so a token split over two comment lines is not a token. Bounded in length (Moodle
# stores an idnumber in 100 characters, a tag in 50), or a comment of many unclosed "[tag:" would
# be scanned to its end from each of them, which is quadratic.
_ID = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f\x7f]){1,255})\]")
_TAG = re.compile(r"\[tag:((?:\\\]|[^\]<>\x00-\x1f\x7f]){0,255})\]")
_TAG_MARKUP = re.compile(r"<[^<>]*>")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


@dataclass(frozen=True)
class _Src:
    """Question source after unescaping: `lit` holds the real characters, `syn` the same with
    escaped ones replaced by _ESCAPED, and `lines` the source line of each character, so that
    positions found in `syn` slice `lit` and name lines for errors."""

    lit: str
    syn: str
    lines: tuple[int, ...]
    base: int

    @classmethod
    def plain(cls, value: str, line: int) -> _Src:
        return cls(value, value, (line,) * len(value), line)

    def __len__(self) -> int:
        return len(self.syn)

    def __add__(self, other: _Src) -> _Src:
        return _Src(self.lit + other.lit, self.syn + other.syn, self.lines + other.lines, self.base)

    def line(self, index: int = 0) -> int:
        if not self.lines:
            return self.base
        return self.lines[min(max(index, 0), len(self.lines) - 1)]

    def cut(self, start: int, stop: int | None = None) -> _Src:
        end = len(self.syn) if stop is None else stop
        return _Src(
            self.lit[start:end], self.syn[start:end], self.lines[start:end], self.line(start)
        )

    def strip(self) -> _Src:
        start = len(self.syn) - len(self.syn.lstrip())
        stop = len(self.syn.rstrip())
        return self.cut(start, max(start, stop))

    def find(self, sub: str, start: int = 0) -> int:
        return self.syn.find(sub, start)

    def text(self) -> str:
        # Moodle trims after unescaping, so an escaped newline at either end goes too.
        return self.lit.strip()


def _decode(rows: list[tuple[int, str]]) -> _Src:
    lit: list[str] = []
    syn: list[str] = []
    lines: list[int] = []
    for number, row in rows:
        i = 0
        while i < len(row):
            char = row[i]
            if char == "\\" and i + 1 < len(row) and row[i + 1] in _UNESCAPE:
                lit.append(_UNESCAPE[row[i + 1]])
                syn.append(_ESCAPED)
                i += 2
            else:
                lit.append(char)
                syn.append(char)
                i += 1
            lines.append(number)
        lit.append("\n")
        syn.append("\n")
        lines.append(number)
    return _Src("".join(lit), "".join(syn), tuple(lines), rows[0][0] if rows else 1)


def _blocks(text: str) -> Iterator[list[tuple[int, str]]]:
    """Numbered, trimmed lines of each blank-line separated block (Moodle trims every line)."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    block: list[tuple[int, str]] = []
    for number, row in enumerate(text.split("\n"), start=1):
        row = row.strip()
        if row:
            block.append((number, row))
        elif block:
            yield block
            block = []
    if block:
        yield block


def _formatted(src: _Src, default: str) -> Text:
    """Moodle's parse_text_with_format: a leading [format] names the markup, else the default.
    It looks at the first character as given, so " [html]x" keeps its brackets, as in Moodle."""
    if src.syn.startswith("["):
        end = src.find("]")
        if end > 0 and src.syn[1:end] in FORMATS:
            return Text(src.cut(end + 1).text(), src.syn[1:end])
    return Text(src.text(), default)


def _pieces(src: _Src, markers: str) -> list[tuple[str, _Src]]:
    """Split an answer block at each marker character; the marker that opened each piece comes
    with it ("" for text before the first marker, which Moodle keeps when it is not blank)."""
    found: list[tuple[str, _Src]] = []
    marker, start = "", 0
    for i, char in enumerate(src.syn):
        if char in markers:
            found.append((marker, src.cut(start, i).strip()))
            marker, start = char, i + 1
    found.append((marker, src.cut(start).strip()))
    if not found[0][1].syn:
        found.pop(0)
    return found


def _decimal(raw: str) -> Decimal | None:
    raw = raw.strip()
    return Decimal(raw) if _NUMBER.fullmatch(raw) else None


def _default_name(text: Text) -> str:
    """Moodle names an untitled question after the start of its text."""
    plain = text.text
    if text.format in {"html", "moodle"}:
        # "<" is excluded inside a tag so that a run of unclosed "<" is scanned once, not once
        # per "<" (which is quadratic).
        plain = _TAG_MARKUP.sub(" ", plain)
    plain = " ".join(plain.split())
    if len(plain) > DEFAULT_NAME_LENGTH:
        cut = plain[:DEFAULT_NAME_LENGTH]
        space = cut.rfind(" ")
        if space > DEFAULT_NAME_LENGTH // 2:
            cut = cut[:space]
        plain = cut.rstrip() + "..."
    return plain or "Question"


def _comment_metadata(comments: str) -> tuple[str | None, tuple[str, ...]]:
    found = _ID.search(comments)
    idnumber = found.group(1).strip().replace("\\]", "]") if found else ""
    tags = (raw.strip().replace("\\]", "]") for raw in _TAG.findall(comments))
    return idnumber or None, tuple(tag for tag in tags if tag)


class _Reader:
    def __init__(self, max_answers: int | None = None) -> None:
        self.errors: list[GiftError] = []
        self.questions: list[Question] = []
        self.category: str | None = None
        self.max_answers = max_answers

    def fail(self, line: int, message: str) -> None:
        self.errors.append(GiftError(line, message))

    def read_block(self, rows: list[tuple[int, str]]) -> None:
        comments: list[str] = []
        kept: list[tuple[int, str]] = []
        for number, row in rows:
            if row.startswith("//"):
                comments.append(row)
                # Kept as a space, as Moodle does, so the lines around it stay apart.
                kept.append((number, " "))
            else:
                kept.append((number, row))
        src = _decode(kept).strip()
        if not src.syn:
            return
        if src.syn.startswith("$CATEGORY:"):
            end = src.find("\n")
            head, src = (src, src.cut(len(src))) if end < 0 else (src.cut(0, end), src.cut(end))
            self.category = head.cut(len("$CATEGORY:")).text() or None
            # Moodle would read a question that follows without a blank line as part of the
            # category path; reading it as the question it plainly is serves authors better.
            src = src.strip()
            if not src.syn:
                return
        self.read_question(src, "\n".join(comments))

    def read_question(self, src: _Src, comments: str) -> None:
        line = src.line()
        errors_before = len(self.errors)
        name: str | None = None
        if src.syn.startswith("::"):
            end = src.find("::", 2)
            if end < 0:
                self.fail(
                    line,
                    "the title opened with '::' is never closed with '::' "
                    "(write \\: for a colon inside a title)",
                )
                return
            name = src.cut(2, end).text()
            src = src.cut(end + 2).strip()

        block = self.locate_block(src)
        if len(self.errors) > errors_before:
            return
        answers: tuple[Answer, ...] = ()
        numeric: tuple[NumericAnswer, ...] = ()
        pairs: tuple[Pair, ...] = ()
        if block is None:
            text = _formatted(src, "moodle")
            kind = Kind.DESCRIPTION
            general = Text("", text.format)
        else:
            start, stop = block
            inside = src.cut(start + 1, stop).strip()
            if stop == len(src) - 1:
                question_text = src.cut(0, start)
            else:
                # Missing-word format: the blank stands where the answer block was.
                blank = _Src.plain(BLANK, src.line(start))
                question_text = src.cut(0, start) + blank + src.cut(stop + 1)
            text = _formatted(question_text, "moodle")
            general = Text("", text.format)
            separator = inside.syn.rfind("####")
            if separator >= 0:
                general = _formatted(inside.cut(separator + 4), text.format)
                inside = inside.cut(0, separator).strip()
            kind, answers, numeric, pairs = self.read_answers(inside, text.format, src.line(start))

        if len(self.errors) > errors_before:
            return
        idnumber, tags = _comment_metadata(comments)
        self.questions.append(
            Question(
                kind=kind,
                name=name or _default_name(text),
                text=text,
                general_feedback=general,
                answers=answers,
                numeric_answers=numeric,
                pairs=pairs,
                id=idnumber,
                tags=tags,
                category=self.category,
                line=line,
            )
        )

    def locate_block(self, src: _Src) -> tuple[int, int] | None:
        """The answer block's brace positions, or None for a description (or after an error)."""
        opens = [i for i, char in enumerate(src.syn) if char == "{"]
        closes = [i for i, char in enumerate(src.syn) if char == "}"]
        if not opens and not closes:
            return None
        if not closes:
            self.fail(
                src.line(opens[0]),
                "the answer block opened here is never closed: end it with '}' before the "
                "next blank line, or write \\{ for a literal brace",
            )
            return None
        if not opens or closes[0] < opens[0]:
            self.fail(
                src.line(closes[0]),
                "this '}' closes no answer block: write \\} for a literal brace",
            )
            return None
        start, stop = opens[0], closes[0]
        nested = [i for i in opens[1:] if i < stop]
        extra = [i for i in opens[1:] + closes[1:] if i > stop]
        if nested:
            self.fail(
                src.line(nested[0]),
                f"this '{{' opens a second answer block before the one opened on line "
                f"{src.line(start)} is closed: close that one with '}}', or write \\{{ for a "
                "literal brace",
            )
            return None
        if extra:
            self.fail(
                src.line(min(extra)),
                "a question has only one answer block: put a blank line between two "
                "questions, or write \\{ and \\} for literal braces",
            )
            return None
        return start, stop

    def read_answers(
        self, inside: _Src, fmt: str, line: int
    ) -> tuple[Kind, tuple[Answer, ...], tuple[NumericAnswer, ...], tuple[Pair, ...]]:
        syn = inside.syn
        if not syn:
            return Kind.ESSAY, (), (), ()
        markers = syn.count("~") + syn.count("=")
        if self.max_answers is not None and markers > self.max_answers:
            # Refused before the block is split, so that a huge block costs one count.
            self.fail(line, f"this question has {markers} answers: at most {self.max_answers}")
            return Kind.ESSAY, (), (), ()
        if syn[0] == "#":
            return Kind.NUMERICAL, (), self.numeric(inside.cut(1), fmt, line), ()
        if "~" in syn:
            kind = Kind.SINGLE if "=" in syn else Kind.MULTIPLE
            return kind, self.choices(inside, fmt, line), (), ()
        if "=" in syn and "->" in syn:
            return Kind.MATCHING, (), (), self.pairs(inside, fmt, line)
        hash_at = syn.find("#")
        token = syn[:hash_at].strip() if hash_at > 0 else syn
        if token in _TRUE_FALSE:
            return Kind.TRUE_FALSE, self.true_false(inside, fmt), (), ()
        return Kind.SHORT_ANSWER, self.short_answers(inside, fmt, line), (), ()

    def weight(self, piece: _Src, default: Decimal) -> tuple[Decimal, _Src]:
        end = piece.find("%", 1) if piece.syn.startswith("%") else -1
        if end < 0:
            return default, piece
        raw, rest = piece.cut(1, end), piece.cut(end + 1).strip()
        # Moodle reads "%...%" as text unless it is a weight; a spaced phrase is plausibly text,
        # but a token such as %abc% or %5O% is a mistyped weight worth reporting.
        if any(char.isspace() for char in raw.syn):
            return default, piece
        if not _WEIGHT.fullmatch(raw.syn):
            self.fail(
                piece.line(),
                f"'%{raw.lit}%' is not a weight: write a percentage such as %50% or %-25%",
            )
            return default, rest
        value = Decimal(raw.syn) / 100
        if not -1 <= value <= 1:
            self.fail(piece.line(), f"the weight %{raw.syn}% is outside -100% to 100%")
        return value, rest

    def with_feedback(self, piece: _Src, fmt: str) -> tuple[Text, Text]:
        """Moodle's commentparser: text, then the first "#" starts the feedback."""
        hash_at = piece.find("#")
        if hash_at < 0:
            return _formatted(piece.strip(), fmt), Text("", fmt)
        feedback = _formatted(piece.cut(hash_at + 1).strip(), fmt)
        return _formatted(piece.cut(0, hash_at).strip(), fmt), feedback

    def answer_text(self, piece: _Src, fmt: str) -> tuple[Text, Text]:
        text, feedback = self.with_feedback(piece, fmt)
        if not text.text:
            self.fail(piece.line(), "this answer has no text")
        return text, feedback

    def choices(self, inside: _Src, fmt: str, line: int) -> tuple[Answer, ...]:
        answers: list[Answer] = []
        for marker, piece in _pieces(inside, "~="):
            if marker == "=":
                # Moodle reads no weight after "=" in a choice block: "=" is always 100%.
                fraction, rest = Decimal(1), piece
            else:
                fraction, rest = self.weight(piece, Decimal(0))
            text, feedback = self.answer_text(rest, fmt)
            answers.append(Answer(text, fraction, feedback))
        if len(answers) < 2:
            self.fail(line, "a multiple-choice question needs at least two answers")
        return tuple(answers)

    def short_answers(self, inside: _Src, fmt: str, line: int) -> tuple[Answer, ...]:
        answers: list[Answer] = []
        for _marker, piece in _pieces(inside, "="):
            fraction, rest = self.weight(piece, Decimal(1))
            text, feedback = self.answer_text(rest, fmt)
            answers.append(Answer(text, fraction, feedback))
        if not answers:
            self.fail(line, "a short-answer question needs at least one answer")
        return tuple(answers)

    def pairs(self, inside: _Src, fmt: str, line: int) -> tuple[Pair, ...]:
        pairs: list[Pair] = []
        pieces = _pieces(inside, "=")
        for _marker, piece in pieces:
            arrow = piece.find("->")
            if arrow < 0:
                self.fail(
                    piece.line(), "a matching pair is written '=prompt -> answer'; '->' is missing"
                )
                continue
            answer = piece.cut(arrow + 2).text()
            if not answer:
                self.fail(piece.line(), "this matching pair has no answer after '->'")
            pairs.append(Pair(_formatted(piece.cut(0, arrow), fmt), answer))
        if len(pieces) < 2:
            self.fail(line, "a matching question needs at least two pairs")
        return tuple(pairs)

    def true_false(self, inside: _Src, fmt: str) -> tuple[Answer, ...]:
        # TRUE#a#b: a is the feedback for the wrong choice, b for the right one (Moodle's
        # split_truefalse_comment).
        bits: list[_Src] = []
        rest = inside
        while len(bits) < 2 and (hash_at := rest.find("#")) >= 0:
            bits.append(rest.cut(0, hash_at))
            rest = rest.cut(hash_at + 1)
        bits.append(rest)
        token = _formatted(bits[0].strip(), fmt).text
        wrong = _formatted(bits[1].strip(), fmt) if len(bits) > 1 else Text("", fmt)
        right = _formatted(bits[2].strip(), fmt) if len(bits) > 2 else Text("", fmt)
        correct = _TRUE_FALSE.get(token, False)
        true_feedback, false_feedback = (right, wrong) if correct else (wrong, right)
        return (
            Answer(Text("true"), Decimal(int(correct)), true_feedback),
            Answer(Text("false"), Decimal(int(not correct)), false_feedback),
        )

    def numeric(self, inside: _Src, fmt: str, line: int) -> tuple[NumericAnswer, ...]:
        tilde = inside.find("~")
        otherwise = inside.cut(tilde) if tilde >= 0 else None
        if otherwise is not None:
            inside = inside.cut(0, tilde)
        answers: list[NumericAnswer] = []
        pieces = _pieces(inside, "=")
        if not pieces:
            self.fail(line, "a numerical question needs at least one answer after '#'")
        for _marker, piece in pieces:
            fraction, rest = self.weight(piece, Decimal(1))
            number, feedback = self.with_feedback(rest, fmt)
            parsed = self.number(number.text, piece.line())
            if parsed is not None:
                answers.append(NumericAnswer(parsed[0], parsed[1], fraction, feedback))
        if otherwise is not None:
            # Moodle keeps only the feedback of the "~" answer: it is the catch-all, worth 0.
            hash_at = otherwise.find("#")
            ignored = otherwise.cut(1, hash_at if hash_at >= 0 else None).text()
            if ignored:
                self.fail(
                    otherwise.line(),
                    f"after '~' a numerical question takes only '#feedback' for any other "
                    f"answer; '{ignored}' would be ignored (write =%0%{ignored} to mark it wrong)",
                )
            feedback = (
                _formatted(otherwise.cut(hash_at + 1).strip(), fmt)
                if hash_at >= 0
                else Text("", fmt)
            )
            answers.append(NumericAnswer(None, Decimal(0), Decimal(0), feedback))
        return tuple(answers)

    def number(self, raw: str, line: int) -> tuple[Decimal | None, Decimal] | None:
        """value (None for "*") and tolerance of "value", "value:tolerance" or "min..max"."""
        dots, colon = raw.find(".."), raw.find(":")
        if dots > 0:
            low, high = _decimal(raw[:dots]), _decimal(raw[dots + 2 :])
            if low is None or high is None:
                self.fail(line, f"'{raw}' is not a range: write =min..max, such as =1..5")
                return None
            if low > high:
                self.fail(line, f"the range '{raw}' starts above its end")
                return None
            return (low + high) / 2, (high - low) / 2
        value_raw, tolerance_raw = (raw[:colon], raw[colon + 1 :]) if colon > 0 else (raw, "0")
        tolerance = _decimal(tolerance_raw)
        value = None if value_raw.strip() == "*" else _decimal(value_raw)
        if (value is None and value_raw.strip() != "*") or tolerance is None:
            self.fail(
                line,
                f"'{raw}' is not a number: write =value, =value:tolerance or =min..max "
                "(or * for any other answer)",
            )
            return None
        if tolerance < 0:
            self.fail(line, f"the tolerance in '{raw}' cannot be negative")
            return None
        return value, tolerance


def parse_gift(
    text: str, *, max_questions: int | None = None, max_answers: int | None = None
) -> list[Question]:
    """Read GIFT text. Raises GiftSyntaxError listing every problem in the text, by line.

    Limits, for callers that would refuse more anyway, keep the work small: reading stops after
    max_questions + 1 questions (so more than max_questions come back), and a question with more
    than max_answers answer markers ("=", "~") is an error, found before its block is split."""
    reader = _Reader(max_answers)
    for block in _blocks(text):
        reader.read_block(block)
        if max_questions is not None and len(reader.questions) > max_questions:
            break
    if reader.errors:
        raise GiftSyntaxError(sorted(reader.errors, key=lambda e: e.line))
    return reader.questions


# --- writing --------------------------------------------------------------------------------

_SPECIAL = frozenset("\\~=#{}:")


def _escape(value: str) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    written = "".join(
        "\\n" if char == "\n" else "\\" + char if char in _SPECIAL else char for char in value
    )
    # Only the ">" of an arrow is escaped, so that Moodle, which keeps the backslash, sees as
    # few as possible.
    return written.replace("->", "-\\>")


def _number(value: Decimal) -> str:
    """Plain digits, no exponent and no trailing zeros: 2.000000 from the database is "2"."""
    written = format(value, "f")
    if "." in written:
        written = written.rstrip("0").rstrip(".")
    return "0" if written in {"", "-0"} else written


def _written(text: Text, default: str, *, keep_format: bool = False) -> str:
    if not text.text and not (keep_format and text.format != default):
        return ""
    # A text that itself starts with "[" gets an explicit format, or "[plain]x" as text would
    # be read back as the format plain.
    marked = text.format != default or text.text.startswith("[")
    return (f"[{text.format}]" if marked else "") + _escape(text.text)


def _feedback(text: Text, default: str) -> str:
    return "#" + _written(text, default) if text.text else ""


def _weight(fraction: Decimal) -> str:
    return f"%{_number(fraction * 100)}%"


def _items(question: Question) -> list[str]:
    fmt = question.text.format
    items: list[str] = []
    if question.kind in {Kind.SINGLE, Kind.MULTIPLE}:
        correct_written = False
        for answer in question.answers:
            if question.kind is Kind.SINGLE and answer.fraction == 1 and not correct_written:
                mark, correct_written = "=", True
            elif answer.fraction == 0 and not answer.text.text.startswith("%"):
                mark = "~"
            else:
                # Always weighted when the text starts with "%", so it cannot pass for a weight.
                mark = "~" + _weight(answer.fraction)
            items.append(mark + _written(answer.text, fmt) + _feedback(answer.feedback, fmt))
    elif question.kind is Kind.SHORT_ANSWER:
        for answer in question.answers:
            plain = answer.fraction == 1 and not answer.text.text.startswith("%")
            mark = "=" if plain else "=" + _weight(answer.fraction)
            items.append(mark + _written(answer.text, fmt) + _feedback(answer.feedback, fmt))
    elif question.kind is Kind.TRUE_FALSE:
        items.append(_true_false(question))
    elif question.kind is Kind.NUMERICAL:
        items.extend(_numeric_items(question))
    elif question.kind is Kind.MATCHING:
        items.extend(
            f"={_written(pair.prompt, fmt)} -> {_escape(pair.answer)}" for pair in question.pairs
        )
    if question.general_feedback.text:
        items.append("####" + _written(question.general_feedback, fmt))
    return items


def _true_false(question: Question) -> str:
    fmt = question.text.format
    true = next((a for a in question.answers if a.text.text.lower().startswith("t")), None)
    false = next((a for a in question.answers if not a.text.text.lower().startswith("t")), None)
    correct = true.fraction == 1 if true is not None else false is None or false.fraction != 1
    true_feedback = true.feedback if true is not None else Text("")
    false_feedback = false.feedback if false is not None else Text("")
    right, wrong = (true_feedback, false_feedback) if correct else (false_feedback, true_feedback)
    written = "TRUE" if correct else "FALSE"
    if wrong.text or right.text:
        written += "#" + _written(wrong, fmt)
    if right.text:
        written += "#" + _written(right, fmt)
    return written


def _numeric_items(question: Question) -> list[str]:
    fmt = question.text.format
    items: list[str] = []
    answers = question.numeric_answers
    for index, answer in enumerate(answers):
        feedback = _feedback(answer.feedback, fmt)
        catch_all = answer.value is None and answer.fraction == 0 and answer.tolerance == 0
        # Moodle exports the final catch-all as "~#feedback"; it needs an answer before it.
        if catch_all and index == len(answers) - 1 and index > 0:
            items.append("~" + feedback)
            continue
        weight = "" if answer.fraction == 1 else _weight(answer.fraction)
        value = "*" if answer.value is None else _number(answer.value)
        tolerance = f":{_number(answer.tolerance)}" if answer.tolerance else ""
        items.append(f"={weight}{value}{tolerance}{feedback}")
    return items


def _bracketed(value: str) -> str:
    return value.replace("]", "\\]")


def _write_question(question: Question) -> str:
    lines: list[str] = []
    meta = [f"[id:{_bracketed(question.id)}]"] if question.id else []
    meta += [f"[tag:{_bracketed(tag)}]" for tag in question.tags]
    if meta:
        lines.append("// " + " ".join(meta))
    head = f"::{_escape(question.name or _default_name(question.text))}::"
    text = question.text
    if question.kind is Kind.DESCRIPTION:
        lines.append(head + _written(text, "moodle", keep_format=True))
        return "\n".join(lines)

    items = _items(question)
    lead = "#" if question.kind is Kind.NUMERICAL else ""
    before, after = text.text, ""
    blank = text.text.find(BLANK)
    if blank >= 0 and text.text[blank + len(BLANK) :].strip():
        # Put the block where the blank is: it reads as the missing word it stands for.
        before, after = text.text[:blank], text.text[blank + len(BLANK) :]
    if after or question.kind in {Kind.ESSAY, Kind.TRUE_FALSE}:
        block = "{" + lead + " ".join(items) + "}"
    else:
        block = "{" + lead + "\n" + "".join(f"\t{item}\n" for item in items) + "}"
    opening = _written(Text(before, text.format), "moodle", keep_format=True)
    lines.append(head + opening + block + _escape(after))
    return "\n".join(lines)


def write_gift(questions: Iterable[Question]) -> str:
    """GIFT text that parse_gift reads back to the same questions."""
    chunks: list[str] = []
    category: str | None = None
    for question in questions:
        if question.category != category:
            # Only backslashes and newlines need escaping: the rest of the line is the path.
            path = (question.category or "").replace("\r\n", "\n").replace("\r", "\n")
            path = path.replace("\\", "\\\\").replace("\n", "\\n")
            chunks.append(f"$CATEGORY: {path}".rstrip())
            category = question.category
        chunks.append(_write_question(question))
    return "\n\n".join(chunks) + "\n" if chunks else ""
