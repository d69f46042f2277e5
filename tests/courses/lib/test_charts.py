import xml.etree.ElementTree as ET

import pytest

from courses.lib.charts import Bar, bar_chart, column_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))  # noqa: S314 (markup the test just drew)


def columns(bars, **options):
    return column_chart(
        chart_id="weeks",
        title="Enrolments per week",
        description="Four weeks.",
        bars=bars,
        **options,
    )


def rows(bars, **options):
    return bar_chart(
        chart_id="lessons", title="Lessons", description="Three lessons.", bars=bars, **options
    )


@pytest.mark.parametrize(
    ("draw", "description"), [(columns, "Four weeks."), (rows, "Three lessons.")]
)
def test_chart_is_an_image_labelled_by_its_title_and_description(draw, description):
    svg = parse(draw([Bar("One", 1), Bar("Two", 2)]))

    assert svg.get("role") == "img"
    title_id, desc_id = svg.get("aria-labelledby").split()
    assert svg.find(f"{SVG}title").get("id") == title_id
    assert svg.find(f"{SVG}desc").get("id") == desc_id
    assert svg.find(f"{SVG}desc").text == description


@pytest.mark.parametrize("draw", [column_chart, bar_chart])
def test_labels_and_titles_are_escaped(draw):
    markup = str(
        draw(
            chart_id="x",
            title="<b>bold</b>",
            description='"quoted" & <i>',
            bars=[Bar("<script>alert(1)</script>", 3)],
        )
    )

    assert "<script>" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert "&lt;b&gt;bold&lt;/b&gt;" in markup
    assert "<i>" not in markup
    parse(markup)  # still well-formed XML


@pytest.mark.parametrize("draw", [columns, rows])
def test_charts_carry_no_style_attribute_or_script(draw):
    svg = parse(draw([Bar("A", 5), Bar("B", 0)]))

    elements = list(svg.iter())
    assert not [el.tag for el in elements if el.tag in {f"{SVG}script", f"{SVG}style"}]
    assert not [
        (el.tag, name)
        for el in elements
        for name in el.attrib
        if name == "style" or name[:2] == "on"
    ]


def test_column_heights_are_proportional_and_a_zero_draws_no_column():
    svg = parse(columns([Bar("a", 2), Bar("b", 0), Bar("c", 4)]))

    rects = svg.findall(f"{SVG}rect")
    assert len(rects) == 2
    assert float(rects[1].get("height")) == pytest.approx(2 * float(rects[0].get("height")))
    assert all(rect.get("fill") == "#0d5c63" for rect in rects)


def test_columns_print_their_values_and_every_nth_label():
    svg = parse(columns([Bar(f"w{i}", i + 1) for i in range(8)], label_every=4))

    texts = svg.findall(f"{SVG}text")
    values = [text.text for text in texts if text.get("class") == "chart-value"]
    labels = [text.text for text in texts if text.text.startswith("w")]
    assert values == [str(i) for i in range(1, 9)]
    assert labels == ["w0", "w4"]


def test_columns_mark_the_highest_value_for_scale():
    svg = parse(columns([Bar("a", 3), Bar("b", 7)]))

    assert svg.find(f"{SVG}line").get("stroke-dasharray")
    assert svg.find(f"{SVG}text").text == "7"


def test_many_columns_are_marked_dense_so_a_phone_hides_their_numbers():
    assert "chart-dense" in parse(columns([Bar(str(i), 1) for i in range(26)])).get("class", "")
    assert "chart-dense" not in parse(columns([Bar(str(i), 1) for i in range(4)])).get("class", "")


def test_column_hover_text_is_the_detail_given():
    svg = parse(columns([Bar("3 Mar", 2, detail="Week of 3 Mar 2025: 2 enrolments")]))

    assert svg.find(f"{SVG}rect/{SVG}title").text == "Week of 3 Mar 2025: 2 enrolments"


def bar_widths(svg) -> list[str]:
    return [
        rect.get("width")
        for rect in svg.findall(f"{SVG}g/{SVG}rect")
        if rect.get("fill") == "#0d5c63"
    ]


def test_bars_are_drawn_against_the_maximum_given():
    svg = parse(rows([Bar("Half", 5), Bar("All", 10), Bar("None", 0)], maximum=20))

    assert bar_widths(svg) == ["25.00%", "50.00%", "0.00%"]


def test_bars_without_a_maximum_are_drawn_against_the_largest():
    svg = parse(rows([Bar("Half", 5), Bar("All", 10)]))

    assert bar_widths(svg) == ["50.00%", "100.00%"]


def test_a_long_bar_prints_its_value_inside_in_white_and_a_short_one_after_it():
    svg = parse(rows([Bar("Most", 9, value_text="9 (90%)"), Bar("Few", 2)], maximum=10))

    most, few = (group.findall(f"{SVG}text")[-1] for group in svg.findall(f"{SVG}g"))
    assert (most.text, most.get("text-anchor"), most.get("fill")) == ("9 (90%)", "end", "#ffffff")
    assert (few.text, few.get("text-anchor"), few.get("fill")) == ("2", "start", "#262626")


def test_a_long_label_takes_two_lines_and_is_cut_with_an_ellipsis():
    long_title = "Assessment of the thoracolumbar fascia in athletes " * 4
    svg = parse(rows([Bar(long_title, 3, value_text="3 (60%)")], maximum=5))

    *label_lines, value = (text.text for text in svg.findall(f"{SVG}g/{SVG}text"))
    assert value == "3 (60%)"
    assert len(label_lines) == 2
    assert all(len(line) <= 44 for line in label_lines)
    assert label_lines[1].endswith("…")
    assert svg.find(f"{SVG}g/{SVG}title").text == f"{long_title}: 3 (60%)"


def test_bar_chart_grows_a_row_per_bar():
    one = parse(rows([Bar("a", 1)]))
    three = parse(rows([Bar("a", 1), Bar("b", 2), Bar("c", 3)]))

    assert float(three.get("height")) - float(one.get("height")) == pytest.approx(2 * 55)
