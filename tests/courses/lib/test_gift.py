import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courses.lib.gift import (
    FORMATS,
    Answer,
    GiftError,
    GiftSyntaxError,
    Kind,
    NumericAnswer,
    Pair,
    Question,
    Text,
    parse_gift,
    write_gift,
)
from tests.conftest import ROOT

CONFORMANCE = ROOT.parent / "shared" / "conformance"


@pytest.fixture
def gift_dir() -> Path:
    folder = CONFORMANCE / "gift"
    if not folder.is_dir():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{folder} is required under CI=true", pytrace=False)
        pytest.skip(f"{folder} is not available")
    return folder


def errors_of(text: str) -> list[tuple[int, str]]:
    with pytest.raises(GiftSyntaxError) as caught:
        parse_gift(text)
    return [(e.line, e.message) for e in caught.value.errors]


def only(text: str) -> Question:
    [question] = parse_gift(text)
    return question


# --- Moodle's own fixtures, compared with what Moodle imports from them ----------------------

MOODLE_QTYPES = {
    "essay": Kind.ESSAY,
    "match": Kind.MATCHING,
    "numerical": Kind.NUMERICAL,
    "shortanswer": Kind.SHORT_ANSWER,
    "truefalse": Kind.TRUE_FALSE,
}


def expected_kind(item: dict[str, Any]) -> Kind:
    if item["qtype"] == "multichoice":
        return Kind.SINGLE if item["single"] else Kind.MULTIPLE
    return MOODLE_QTYPES[item["qtype"]]


def fixture_value(item: dict[str, Any], key: str) -> Any:
    """The fixture file differs from Moodle's unit-test string; its derived value wins."""
    return item.get(f"{key}_fixture_derived", item.get(key))


def fractions(values: list[Any]) -> list[Decimal]:
    return [Decimal(str(v)) for v in values]


def check_against_moodle(question: Question, item: dict[str, Any]) -> None:
    assert question.kind == expected_kind(item)
    assert question.name == item["name"]
    if fixture_value(item, "questiontext") is not None:
        assert question.text.text == fixture_value(item, "questiontext")
    if "questiontextformat" in item:
        assert question.text.format == item["questiontextformat"]
    if fixture_value(item, "generalfeedback") is not None:
        assert question.general_feedback.text == fixture_value(item, "generalfeedback")
    if "generalfeedbackformat" in item:
        assert question.general_feedback.format == item["generalfeedbackformat"]

    if item["qtype"] == "match":
        prompts = [[p.prompt.text, p.prompt.format] for p in question.pairs]
        assert prompts == item["subquestions"]
        assert [p.answer for p in question.pairs] == item["subanswers"]
    elif item["qtype"] == "multichoice":
        assert [[a.text.text, a.text.format] for a in question.answers] == item["answers"]
        assert [a.fraction for a in question.answers] == fractions(item["fraction"])
        feedback = [[a.feedback.text, a.feedback.format] for a in question.answers]
        assert feedback == item["feedback"]
    elif item["qtype"] == "shortanswer":
        assert [a.text.text for a in question.answers] == item["answer"]
        assert [a.fraction for a in question.answers] == fractions(item["fraction"])
        assert [a.feedback.text for a in question.answers] == item["feedback"]
    elif item["qtype"] == "numerical":
        values = ["*" if a.value is None else a.value for a in question.numeric_answers]
        assert values == ["*" if v == "*" else Decimal(v) for v in item["answer"]]
        # Moodle stores the catch-all's tolerance as ""; here it is 0.
        tolerances = [Decimal(str(t or 0)) for t in item["tolerance"]]
        assert [a.tolerance for a in question.numeric_answers] == tolerances
        assert [a.fraction for a in question.numeric_answers] == fractions(item["fraction"])
        assert [a.feedback.text for a in question.numeric_answers] == item["feedback"]
    elif item["qtype"] == "truefalse":
        true, false = question.answers
        assert (true.text.text, false.text.text) == ("true", "false")
        assert true.fraction == item["correctanswer"]
        assert false.fraction == 1 - item["correctanswer"]
        assert true.feedback.text == item.get("feedbacktrue", "")
        assert false.feedback.text == item.get("feedbackfalse", "")


def test_moodle_fixture_imports_as_moodle_imports_it(gift_dir: Path) -> None:
    expected = json.loads((gift_dir / "expected_questions.gift.json").read_text())

    questions = parse_gift((gift_dir / "questions.gift.txt").read_text())

    assert len(questions) == expected["count"] == len(expected["questions"])
    for question, item in zip(questions, expected["questions"], strict=True):
        check_against_moodle(question, item)
    assert {q.category for q in questions} == {None}


def test_moodle_fixture_quirks(gift_dir: Path) -> None:
    questions = parse_gift((gift_dir / "questions.gift.txt").read_text())
    by_name = {q.name: q for q in questions}

    # The stray '";' after two answer blocks: the text does not end with '}', so the blank goes in.
    assert by_name["Q5"].text.text == 'What is a number from 1 to 5? _____";'
    assert by_name["Q1"].text.text == '42 is the Absolute Answer to everything._____";'
    assert by_name["Q8"].kind is Kind.ESSAY
    assert by_name["Moodle activities"].pairs[-1] == Pair(Text("", "html"), "Chat")
    assert [q.name for q in questions].count("2-08 TSL") == 2
    assert [q.line for q in questions] == [2, 5, 14, 22, 31, 34, 41, 46, 49]


def test_moodle_category_fixture(gift_dir: Path) -> None:
    expected = json.loads((gift_dir / "expected_questions.gift.json").read_text())
    facts = expected["questions_in_category.gift.txt"]

    questions = parse_gift((gift_dir / "questions_in_category.gift.txt").read_text())

    assert len(questions) == facts["count_questions"]
    assert {q.category for q in questions} == {facts["category"]}
    match, greeting, user, acronym = questions
    assert [q.kind for q in questions] == [
        Kind.MATCHING,
        Kind.SINGLE,
        Kind.SHORT_ANSWER,
        Kind.TRUE_FALSE,
    ]
    assert [q.name for q in questions] == [
        "Moodle activities",
        "Greeting",
        "Moodle user",
        "Moodle acronym",
    ]
    assert {q.text.format for q in questions} == {"html"}
    assert len(match.pairs) == 5
    assert match.pairs[-1] == Pair(Text("", "html"), "Chat")
    assert [p.answer for p in match.pairs] == ["Forum", "Choice", "Database", "Wiki", "Chat"]
    assert {p.prompt.format for p in match.pairs} == {"html"}
    assert greeting.text.text == (
        '<a href="http://demo.moodle.net/file.php/5/media/bonjour.mp3">Listen to this greeting:</a>'
        "<br /><br />What language is being spoken?"
    )
    assert [a.text.text for a in greeting.answers if a.fraction == 1] == ["French"]
    assert user.answers == (Answer(Text("Moodler", "html"), Decimal(1), Text("", "html")),)
    assert [a.fraction for a in acronym.answers] == [1, 0]
    assert 'style="font-style: italic;"' in acronym.text.text


@pytest.mark.parametrize("name", ["questions.gift.txt", "questions_in_category.gift.txt"])
def test_moodle_fixtures_survive_a_write_and_reread(gift_dir: Path, name: str) -> None:
    questions = parse_gift((gift_dir / name).read_text())

    assert parse_gift(write_gift(questions)) == questions


# --- Moodle's rules, one by one ----------------------------------------------------------------


def test_kind_values_read_well_in_messages() -> None:
    assert Kind.ESSAY.value == "essay"
    assert all(kind.value == kind.value.lower() for kind in Kind)


def test_missing_word_puts_a_blank_where_the_block_was() -> None:
    question = only("Grant is {~buried =entombed ~living} in Grant's tomb.")

    assert question.kind is Kind.SINGLE
    assert question.text == Text("Grant is _____ in Grant's tomb.")
    assert question.name == "Grant is _____ in Grant's tomb."
    assert [a.fraction for a in question.answers] == [0, 1, 0]


def test_untitled_question_is_named_after_the_start_of_its_text() -> None:
    text = "Which of these muscles is the main flexor of the hip joint in a sprinter?"

    question = only(f"{text} {{=Iliopsoas ~Gluteus maximus}}")

    assert question.name.endswith("...")
    assert len(question.name) <= 43
    assert text.startswith(question.name.removesuffix("..."))


def test_true_false_first_feedback_is_for_the_wrong_choice() -> None:
    question = only("::TF::The sky is blue.{TRUE#You picked false: wrong.#Yes, it is blue.}")

    true, false = question.answers
    assert question.kind is Kind.TRUE_FALSE
    assert (true.text.text, true.fraction, true.feedback.text) == ("true", 1, "Yes, it is blue.")
    assert (false.text.text, false.fraction, false.feedback.text) == (
        "false",
        0,
        "You picked false: wrong.",
    )
    assert [only(f"x{{{token}}}").answers[0].fraction for token in ("T", "F", "FALSE")] == [1, 0, 0]


def test_true_false_tokens_are_case_sensitive_as_in_moodle() -> None:
    question = only("x {true}")

    assert question.kind is Kind.SHORT_ANSWER
    assert question.answers[0].text.text == "true"


def test_numerical_value_tolerance_ranges_weights_and_catch_all() -> None:
    question = only(
        "::Pi::Pi to two places? {#\n=%100%3.14:0.005#Exact.\n=%50%3..3.2#Close.\n"
        "=%-10%-3.14\n~#Not even close.\n####Pi is about 3.14159.}"
    )

    assert question.kind is Kind.NUMERICAL
    assert question.numeric_answers == (
        NumericAnswer(Decimal("3.14"), Decimal("0.005"), Decimal(1), Text("Exact.")),
        NumericAnswer(Decimal("3.1"), Decimal("0.1"), Decimal("0.5"), Text("Close.")),
        NumericAnswer(Decimal("-3.14"), Decimal(0), Decimal("-0.1"), Text("")),
        NumericAnswer(None, Decimal(0), Decimal(0), Text("Not even close.")),
    )
    assert question.general_feedback == Text("Pi is about 3.14159.")
    assert only("When? {#1822:5}").numeric_answers == (
        NumericAnswer(Decimal(1822), Decimal(5), Decimal(1), Text("")),
    )


def test_matching_pairs_and_distractor() -> None:
    question = only("Match. {=Canada -> Ottawa =Italy->Rome =Japan -> Tokyo = -> Paris}")

    assert question.kind is Kind.MATCHING
    assert question.pairs == (
        Pair(Text("Canada"), "Ottawa"),
        Pair(Text("Italy"), "Rome"),
        Pair(Text("Japan"), "Tokyo"),
        Pair(Text(""), "Paris"),
    )


def test_short_answer_weights_and_feedback() -> None:
    question = only("Who is buried in Grant's tomb?{=no one#Right. =%50%nobody =%-25%Grant#No.}")

    assert question.kind is Kind.SHORT_ANSWER
    assert question.answers == (
        Answer(Text("no one"), Decimal(1), Text("Right.")),
        Answer(Text("nobody"), Decimal("0.5")),
        Answer(Text("Grant"), Decimal("-0.25"), Text("No.")),
    )


def test_multiple_response_with_negative_weights() -> None:
    question = only("Pick. {~%100%yellow ~%-50%red ~%-50%blue}")

    assert question.kind is Kind.MULTIPLE
    assert [a.fraction for a in question.answers] == [1, Decimal("-0.5"), Decimal("-0.5")]


def test_essay_and_description_are_parsed() -> None:
    essay, description = parse_gift(
        "::E::Describe your warm-up. {####[html]<p>Look for <b>order</b>.</p>}\n\n"
        "::D::[markdown]Read the **case** first."
    )

    assert essay.kind is Kind.ESSAY
    assert essay.general_feedback == Text("<p>Look for <b>order</b>.</p>", "html")
    assert description.kind is Kind.DESCRIPTION
    assert description.text == Text("Read the **case** first.", "markdown")
    assert description.general_feedback == Text("", "markdown")


def test_formats_are_inherited_from_the_question_text() -> None:
    question = only("[html]<b>Pick</b>{=a#fine ~[plain]b#[markdown]*no* ####[moodle]Why.}")

    right, wrong = question.answers
    assert right == Answer(Text("a", "html"), Decimal(1), Text("fine", "html"))
    assert wrong == Answer(Text("b", "plain"), Decimal(0), Text("*no*", "markdown"))
    assert question.general_feedback == Text("Why.", "moodle")
    assert only("[weird]text{T}").text == Text("[weird]text")


def test_escapes() -> None:
    question = only(r"::a\:b \{c\}:: 1 \~ 2 \= 3 \# 4 \{5\} 6\: 7\n8 \\ 9 {=x\=y\#z#f\~g}")

    assert question.name == "a:b {c}"
    assert question.text.text == "1 ~ 2 = 3 # 4 {5} 6: 7\n8 \\ 9"
    assert question.answers == (Answer(Text("x=y#z"), Decimal(1), Text("f~g")),)


def test_double_backslash_is_one_backslash_mdl_34171() -> None:
    question = only("// essay\n::double backslash:: A \\\\ B \\\\\\\\ C{}")

    assert question.text.text == "A \\ B \\\\ C"


def test_escaped_braces_in_html_pre_block() -> None:
    question = only(
        "::Q001::[html]<p>What would running the test method print?</p>\n<pre>\n"
        "    public void test() \\{\n        method1();\n    \\}\n</pre>\n{}"
    )

    assert question.kind is Kind.ESSAY
    assert question.text.format == "html"
    # A file import trims every line, as Moodle's readquestions does.
    assert question.text.text == (
        "<p>What would running the test method print?</p>\n<pre>\n"
        "public void test() {\nmethod1();\n}\n</pre>"
    )


@pytest.mark.parametrize(
    ("comment", "idnumber", "tags"),
    [
        ("", None, ()),
        ("// Just a comment.", None, ()),
        ("// [id:frog]", "frog", ()),
        ("// [tag:frog] [tag:toad]", None, ("frog", "toad")),
        ("// [id:four] [tag:add]\n// [tag:basic] question: 1", "four", ("add", "basic")),
        ("// [id: four ] [tag: add ]", "four", ("add",)),
        ("// [tag:fr\n// og]", None, ()),
        ("// [id:i\\]d] [tag:t\\]ag]", "i]d", ("t]ag",)),
    ],
)
def test_id_and_tags_come_from_the_comment_lines(
    comment: str, idnumber: str | None, tags: tuple[str, ...]
) -> None:
    question = only(f"{comment}\n::Q:: How are you? {{}}")

    assert (question.id, question.tags) == (idnumber, tags)


def test_category_lines_apply_to_the_questions_after_them() -> None:
    first, second, third = parse_gift(
        "::A::a{T}\n\n$CATEGORY: $course$/Top/Massage\n\n::B::b{T}\n\n$CATEGORY:\n::C::c{T}"
    )

    assert (first.category, second.category, third.category) == (
        None,
        "$course$/Top/Massage",
        None,
    )


def test_line_endings_bom_comments_and_line_numbers() -> None:
    text = "\ufeff// first\r\n::A::a{T}\r\n\r\n\r\n// second\r\n// more\r\n::B::\r\nb{F}\r\n"

    first, second = parse_gift(text)

    assert (first.line, second.line) == (2, 7)
    assert second.text == Text("b")


def test_question_equality_ignores_the_line() -> None:
    question = only("::A::a{T}")

    assert question == Question(
        kind=Kind.TRUE_FALSE,
        name="A",
        text=Text("a"),
        answers=(Answer(Text("true"), Decimal(1)), Answer(Text("false"), Decimal(0))),
    )


def test_text_refuses_unknown_formats() -> None:
    with pytest.raises(ValueError, match="unknown text format"):
        Text("x", "rtf")


# --- errors ------------------------------------------------------------------------------------


def test_unclosed_brace_names_its_line() -> None:
    text = "::One::Fine {=yes ~no}\n\n// two\n::Two::Missing its\nclosing brace {=yes ~no\n"

    [(line, message)] = errors_of(text)

    assert line == 5
    assert "the answer block opened here is never closed" in message


def test_every_error_in_the_file_is_reported() -> None:
    text = (
        "::Fine::ok {=a ~b}\n\n"
        "::Open::never {=a ~b\n\n"
        "::Stray::a } here\n\n"
        "::Weight::pick {\n=a\n~%abc%b\n}\n\n"
        "::Number::how many? {#twelve}\n\n"
        "::Two blocks::a {=x ~y}\n::Next:: b {=z ~w}\n\n"
        "::Nested::a {=x ~y {=z}\n\n"
        "::Title never closed and more\nx {T}\n\n"
        "::One choice::a {~%100%only}\n\n"
        "::Pair::a {=x -> y =z}\n"
    )

    lines = [line for line, _message in errors_of(text)]

    assert lines == [3, 5, 9, 12, 15, 17, 19, 22, 24]


def test_unknown_weight_is_reported_with_its_line() -> None:
    text = "::W::Pick one. {\n=right\n~%abc%wrong\n~wrong too\n}"

    [(line, message)] = errors_of(text)

    assert line == 3
    assert "%abc%" in message


def test_out_of_range_weight_and_bad_numbers_are_reported() -> None:
    errors = errors_of("a {~%150%x ~y}\n\nb {#1..x}\n\nc {#5..1}\n\nd {#3:-1}\n\ne {#~#x}")

    assert [line for line, _message in errors] == [1, 3, 5, 7, 9]
    assert "outside -100% to 100%" in errors[0][1]


def test_spaced_percent_text_is_an_answer_not_a_weight() -> None:
    question = only("Rate? {=%50 or more% of them ~none}")

    assert question.answers[0].text.text == "%50 or more% of them"


def test_empty_answers_are_reported() -> None:
    assert [line for line, _message in errors_of("a {=x ~}\n\nb {=}")] == [1, 3]


# --- writing -----------------------------------------------------------------------------------


def test_writer_escapes_special_characters() -> None:
    question = Question(
        kind=Kind.SHORT_ANSWER,
        name="a::b",
        text=Text("Is {1 + 1} = 2? # ~ \\ \n next"),
        answers=(Answer(Text("yes: 2"), Decimal(1)),),
    )

    written = write_gift([question])

    assert written == "::a\\:\\:b::Is \\{1 + 1\\} \\= 2? \\# \\~ \\\\ \\n next{\n\t=yes\\: 2\n}\n"
    assert parse_gift(written) == [question]


def test_writer_puts_missing_word_blocks_in_place() -> None:
    question = only("Grant is {~buried =entombed} in Grant's tomb.")

    assert write_gift([question]) == (
        "::Grant is _____ in Grant's tomb.::Grant is {~buried =entombed} in Grant's tomb.\n"
    )


def test_exported_markdown_questions_read_back_equal() -> None:
    md = "markdown"
    questions = [
        Question(
            kind=Kind.TRUE_FALSE,
            name="Stretch pain",
            text=Text("Sharp pain means *carry on*.", md),
            answers=(
                Answer(Text("false"), Decimal("1.00000"), Text("Right, stop.", md)),
                Answer(Text("true"), Decimal("0.00000"), Text("It means stop.", md)),
            ),
        ),
        Question(
            kind=Kind.NUMERICAL,
            name="Count",
            text=Text("How many?", md),
            numeric_answers=(
                NumericAnswer(
                    Decimal("2.000000"), Decimal("0.000000"), Decimal("1.00000"), Text("")
                ),
            ),
        ),
    ]

    written = write_gift(questions)
    again = parse_gift(written)

    assert "{FALSE#It means stop.#Right, stop.}" in written
    assert "=2}" in written.replace("\n", "")
    assert [q.kind for q in again] == [Kind.TRUE_FALSE, Kind.NUMERICAL]
    # The true/false pair comes back in Moodle's order, true first.
    assert {a.text.text: a for a in again[0].answers} == {
        a.text.text: Answer(a.text, a.fraction, a.feedback) for a in questions[0].answers
    }
    [number] = again[1].numeric_answers
    assert (number.value, number.tolerance, number.fraction) == (2, 0, 1)
    # An empty feedback cannot carry a format of its own in GIFT: it takes the question's.
    assert number.feedback == Text("", md)


# --- round trip of generated questions ---------------------------------------------------------

# Every character or pair the reader treats as syntax somewhere, so each lands in every text.
AWKWARD = ["~", "=", "#", "{", "}", ":", "\\", "\n", "[", "]", "%", "->", "-", ">", "//", "/", "_",
           "*", "$", " ", "\t", "::", "####", "..", "\\>", "[html]", "$CATEGORY:"]  # fmt: skip
pieces = st.one_of(
    st.sampled_from(AWKWARD),
    st.characters(exclude_categories=("Cs",), exclude_characters="\r"),
)


def words(*, required: bool = False) -> st.SearchStrategy[str]:
    found = st.lists(pieces, max_size=16).map("".join).map(str.strip)
    return found.filter(bool) if required else found


@st.composite
def texts(draw: st.DrawFn, default: str, *, required: bool = False) -> Text:
    value = draw(words(required=required))
    # GIFT has no way to give an empty text a format: it takes the question text's.
    return Text(value, draw(st.sampled_from(FORMATS))) if value else Text("", default)


weights = st.one_of(
    st.integers(-100, 100).map(lambda p: Decimal(p) / 100),
    st.sampled_from([Decimal("0.125"), Decimal("0.3333333"), Decimal("-0.6666667"), Decimal(1)]),
)
numbers = st.decimals(
    min_value=-(10**6), max_value=10**6, places=3, allow_nan=False, allow_infinity=False
)
tolerances = st.decimals(
    min_value=0, max_value=1000, places=3, allow_nan=False, allow_infinity=False
)
identifiers = st.text(st.sampled_from("abcXYZ019-_. ]é"), min_size=1, max_size=12).map(str.strip)


@st.composite
def numeric_answers(draw: st.DrawFn, fmt: str) -> NumericAnswer:
    shape = draw(st.sampled_from(["value", "range", "anything"]))
    value: Decimal | None
    if shape == "range":
        low, high = sorted(draw(st.lists(numbers, min_size=2, max_size=2)))
        value, tolerance = (low + high) / 2, (high - low) / 2
    elif shape == "anything":
        value, tolerance = None, draw(st.just(Decimal(0)) | tolerances)
    else:
        value, tolerance = draw(numbers), draw(tolerances)
    return NumericAnswer(value, tolerance, draw(weights), draw(texts(fmt)))


@st.composite
def answers(draw: st.DrawFn, fmt: str) -> Answer:
    return Answer(draw(texts(fmt, required=True)), draw(weights), draw(texts(fmt)))


@st.composite
def questions(draw: st.DrawFn) -> Question:
    kind = draw(st.sampled_from(Kind))
    text = Text(draw(words()), draw(st.sampled_from(FORMATS)))
    fmt = text.format
    general = draw(texts(fmt))
    found: tuple[Answer, ...] = ()
    numeric: tuple[NumericAnswer, ...] = ()
    pairs: tuple[Pair, ...] = ()
    if kind in {Kind.SINGLE, Kind.MULTIPLE}:
        found = tuple(draw(st.lists(answers(fmt), min_size=2, max_size=5)))
        if kind is Kind.SINGLE:
            right = draw(st.integers(0, len(found) - 1))
            found = tuple(
                Answer(a.text, Decimal(1), a.feedback) if i == right else a
                for i, a in enumerate(found)
            )
    elif kind is Kind.SHORT_ANSWER:
        found = tuple(draw(st.lists(answers(fmt), min_size=1, max_size=4)))
    elif kind is Kind.TRUE_FALSE:
        right = draw(st.booleans())
        found = (
            Answer(Text("true"), Decimal(int(right)), draw(texts(fmt))),
            Answer(Text("false"), Decimal(int(not right)), draw(texts(fmt))),
        )
    elif kind is Kind.NUMERICAL:
        numeric = tuple(draw(st.lists(numeric_answers(fmt), min_size=1, max_size=4)))
    elif kind is Kind.MATCHING:
        pair = st.builds(Pair, texts(fmt), words(required=True))
        pairs = tuple(draw(st.lists(pair, min_size=2, max_size=5)))
    elif kind is Kind.DESCRIPTION:
        general = Text("", fmt)
    return Question(
        kind=kind,
        name=draw(words(required=True)),
        text=text,
        general_feedback=general,
        answers=found,
        numeric_answers=numeric,
        pairs=pairs,
        id=draw(st.none() | identifiers.filter(bool)),
        tags=tuple(draw(st.lists(identifiers.filter(bool), max_size=3))),
        category=draw(st.none() | words(required=True)),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(questions(), min_size=1, max_size=4))
def test_written_questions_read_back_equal(generated: list[Question]) -> None:
    assert parse_gift(write_gift(generated)) == generated


@settings(max_examples=100, deadline=None)
@given(st.text(st.sampled_from("ab ~=#{}:%\\\n-> /TF[]"), max_size=60))
def test_any_text_parses_or_fails_with_line_numbered_errors(text: str) -> None:
    parsed: list[Question] | None = None
    errors: list[GiftError] = []
    try:
        parsed = parse_gift(text)
    except GiftSyntaxError as error:
        errors = error.errors
    if parsed is None:
        assert errors
        assert all(1 <= e.line <= text.count("\n") + 1 and e.message for e in errors)
    else:
        assert parse_gift(write_gift(parsed)) == parsed
