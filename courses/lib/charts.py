"""Charts drawn on the server as inline SVG: no script and no style attributes (the
Content-Security-Policy allows neither), each an image with a title and a description.

Charts take the width of their column: horizontal positions are percentages and the SVG has no
viewBox, so text keeps its size on a phone instead of shrinking with the drawing. The page shows
the same numbers in a table: the chart shows the shape, the table is the text alternative.
"""

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

# On white: the bars 7.6:1, the text 15:1; the axis line, a graphic, needs 3:1 and has 4.5:1.
BAR_COLOUR = "#0d5c63"
TEXT_COLOUR = "#262626"
ON_BAR_COLOUR = "#ffffff"
AXIS_COLOUR = "#767676"
# The unfilled remainder of a horizontal bar (decoration: the value is printed beside it); the
# text printed on it keeps 13:1.
TRACK_COLOUR = "#e3eeef"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
# Characters of a label line that fit a phone's column at 13px.
LABEL_LINE = 44


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    # What the chart prints beside the bar; the plain value when empty.
    value_text: str = ""
    # The hover text of the bar, e.g. the label in full; "label: value" when empty.
    detail: str = ""

    @property
    def shown_value(self) -> str:
        return self.value_text or f"{self.value:g}"

    @property
    def tooltip(self) -> str:
        return self.detail or f"{self.label}: {self.shown_value}"


def _pc(share: float) -> str:
    """A horizontal position or width, as a percentage of the chart's width."""
    return f"{share * 100:.2f}%"


def _px(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _open_svg(
    chart_id: str, height: float, title: str, description: str, extra_class: str = ""
) -> str:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart{extra}" width="100%" height="{h}" '
        'role="img" aria-labelledby="{id}-title {id}-desc" font-family="{font}" fill="{text}">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>',
        extra=f" {extra_class}" if extra_class else "",
        h=_px(height),
        id=chart_id,
        font=FONT,
        text=TEXT_COLOUR,
        title=title,
        desc=description,
    )


def _join(parts: Sequence[str]) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))


def column_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    label_every: int = 1,
    height: int = 200,
) -> SafeString:
    """Vertical bars left to right (e.g. one per week), each with its value printed on top and
    every `label_every`-th one labelled underneath. A dashed line marks the highest value."""
    font_size = 11
    top, bottom = 22, 24
    inset = 0.04  # room for the first and last labels, which are centred on their bars
    plot_height = height - top - bottom
    baseline = top + plot_height
    slot = (1 - 2 * inset) / max(len(bars), 1)
    highest = max((bar.value for bar in bars), default=0)
    # Many columns are too narrow for their numbers on a phone; the stylesheet then hides them.
    parts = [
        _open_svg(chart_id, height, title, description, "chart-dense" if len(bars) > 13 else "")
    ]
    if highest > 0:
        parts.append(
            format_html(
                '<line x1="0" y1="{y}" x2="100%" y2="{y}" stroke="{c}" stroke-dasharray="3 3"/>'
                '<text x="0" y="{ty}" font-size="{fs}">{top}</text>',
                y=_px(top - 0.5),
                c=AXIS_COLOUR,
                ty=_px(top - 5),
                fs=font_size,
                top=f"{highest:g}",
            )
        )
    for index, bar in enumerate(bars):
        left = inset + slot * index
        centre = left + slot / 2
        bar_height = plot_height * bar.value / highest if highest else 0
        if bar.value > 0:
            parts.append(
                format_html(
                    '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}">'
                    "<title>{tooltip}</title></rect>"
                    '<text class="chart-value" x="{cx}" y="{ty}" font-size="{fs}" '
                    'text-anchor="middle">{value}</text>',
                    x=_pc(left + slot * 0.14),
                    y=_px(baseline - bar_height),
                    w=_pc(slot * 0.72),
                    h=_px(bar_height),
                    fill=BAR_COLOUR,
                    tooltip=bar.tooltip,
                    cx=_pc(centre),
                    ty=_px(baseline - bar_height - 4),
                    fs=font_size,
                    value=bar.shown_value,
                )
            )
        if index % label_every == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="{}" text-anchor="middle">{}</text>',
                    _pc(centre),
                    _px(baseline + font_size + 6),
                    font_size,
                    bar.label,
                )
            )
    parts.append(
        format_html(
            '<line x1="0" y1="{y}" x2="100%" y2="{y}" stroke="{c}" stroke-width="1"/></svg>',
            y=_px(baseline + 0.5),
            c=AXIS_COLOUR,
        )
    )
    return _join(parts)


def _label_lines(label: str) -> list[str]:
    """The label on at most two lines short enough for a phone, the rest cut with an ellipsis."""
    return textwrap.wrap(label, LABEL_LINE, max_lines=2, placeholder=" …") or [""]


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    maximum: float | None = None,
) -> SafeString:
    """Horizontal bars top to bottom (e.g. one per lesson), each under its label, its value
    printed inside the bar's end or just after it. The bars are drawn against `maximum` (the
    largest value when not given), so a full bar means e.g. everyone enrolled."""
    font_size = 13
    line = 17
    bar_height = 20
    gap = 14
    scale = maximum or max((bar.value for bar in bars), default=0) or 1
    rows = [(bar, _label_lines(bar.label)) for bar in bars]
    height = sum(len(lines) * line + 4 + bar_height + gap for _bar, lines in rows)
    parts = [_open_svg(chart_id, height, title, description)]
    y = 0.0
    for bar, lines in rows:
        share = min(max(bar.value / scale, 0), 1)
        label = format_html_join(
            "",
            '<text x="0" y="{}" font-size="{}">{}</text>',
            ((_px(y + line * (i + 1) - 4), font_size, text) for i, text in enumerate(lines)),
        )
        y += len(lines) * line + 4
        # A long bar has room for its value inside; a short one prints it after its end.
        inside = share >= 0.7
        parts.append(
            format_html(
                "<g><title>{tooltip}</title>{label}"
                '<rect x="0" y="{y}" width="100%" height="{h}" fill="{track}"/>'
                '<rect x="0" y="{y}" width="{w}" height="{h}" fill="{bar}"/>'
                '<text x="{w}" dx="{dx}" y="{ty}" font-size="{fs}" font-weight="600" '
                'text-anchor="{anchor}" fill="{value_colour}">{value}</text></g>',
                tooltip=bar.tooltip,
                label=label,
                y=_px(y),
                h=bar_height,
                track=TRACK_COLOUR,
                w=_pc(share),
                bar=BAR_COLOUR,
                dx=-6 if inside else 6,
                ty=_px(y + bar_height / 2 + font_size * 0.35),
                fs=font_size - 1,
                anchor="end" if inside else "start",
                value_colour=ON_BAR_COLOUR if inside else TEXT_COLOUR,
                value=bar.shown_value,
            )
        )
        y += bar_height + gap
    parts.append(SafeString("</svg>"))
    return _join(parts)
