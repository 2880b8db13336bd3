"""Horizontal bar charts drawn on the server as SVG, so that a dashboard works on a closed
network, prints, and reads aloud: each chart is an image with a title for screen readers and a
table beside it with the same numbers.

The figures and the words go in a ``Chart``; ``layout`` works out where each bar and each
number goes (mirrored for a right-to-left language, the bars growing from the right), and the
template ``recommendations/charts/bar.html`` draws it, escaping every label as any template
does. Nothing here builds markup from strings.

Colour never carries meaning alone: every bar has its number printed on or beside it, and the
second series of a stacked bar is hatched as well as lighter.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.translation import get_language_bidi

Style = Literal["solid", "hatched", "light", "warn"]

#: The fill of each style and the colour of a number printed on it; "hatched" is drawn with a
#: pattern the template defines once per chart.
FILLS: dict[str, tuple[str, str]] = {
    "solid": ("#0b4f8a", "#ffffff"),
    "hatched": ("hatch", "#1b1f24"),
    "light": ("#e3e7ec", "#1b1f24"),
    "warn": ("#8a5a00", "#ffffff"),
}

#: The drawing's own units (it scales to the width of the page).
WIDTH = 640
ROW = 30
BAR = 20
GROUPED_BAR = 14
PAD = 8
LEGEND = 26
#: A rough width of one character at the chart's font size: enough to keep labels and numbers
#: clear of the bars. A longer label is cut with an ellipsis (the table beside has it whole).
CHAR = 7.0
LABEL_CHARS = 30
NOTE_CHARS = 18


@dataclass(frozen=True)
class Series:
    name: str
    style: Style = "solid"


@dataclass(frozen=True)
class Row:
    """One bar: its label, a value for each series, and a note printed after it (a rate)."""

    label: str
    values: tuple[float, ...]
    note: str = ""
    #: Figures for the table only, under the chart's ``extra_headers``.
    extra: tuple[str, ...] = ()


@dataclass(frozen=True)
class Chart:
    """What a chart shows. ``id`` is unique on the page (the title and the patterns are
    named after it). A stacked chart puts the series end to end in one bar; otherwise each
    series has its own thin bar in the row."""

    id: str
    title: str
    label_header: str
    series: tuple[Series, ...]
    rows: tuple[Row, ...]
    stacked: bool = False
    note_header: str = ""
    total_header: str = ""
    extra_headers: tuple[str, ...] = ()
    #: How a value is written: with this many decimals.
    decimals: int = 0


@dataclass(frozen=True)
class Box:
    """A drawn segment, with its number inside it when it fits."""

    x: float
    y: float
    width: float
    height: float
    fill: str
    text: str
    text_x: float
    text_y: float
    text_fill: str
    #: Centred inside the segment, or starting just after the bar's end.
    centred: bool


@dataclass(frozen=True)
class DrawnRow:
    label: str
    full_label: str
    label_x: float
    label_y: float
    boxes: list[Box]
    note: str
    note_x: float
    note_y: float


@dataclass(frozen=True)
class LegendItem:
    name: str
    fill: str
    x: float
    text_x: float


@dataclass(frozen=True)
class TableRow:
    label: str
    cells: list[str]
    total: str
    extra: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class Layout:
    chart: Chart
    rtl: bool
    width: int
    height: float
    rows: list[DrawnRow]
    legend: list[LegendItem]
    legend_top: float
    legend_y: float
    hatched: bool
    table: list[TableRow] = field(default_factory=list)


def _cut(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


def _number(value: float, decimals: int) -> str:
    return number_format(round(value, decimals) if decimals else round(value), decimals)


def layout(chart: Chart, *, rtl: bool | None = None) -> Layout:
    """Where each piece of the chart goes. Positions are worked out left to right and then,
    for a right-to-left language, mirrored: labels on the right, bars growing to the left."""
    rtl = get_language_bidi() if rtl is None else rtl

    def x(left: float, width: float = 0) -> float:
        return round(WIDTH - left - width if rtl else left, 1)

    label_width = min(max((len(row.label) for row in chart.rows), default=0), LABEL_CHARS) * CHAR
    label_width += 2 * PAD
    note_width = min(max((len(row.note) for row in chart.rows), default=0), NOTE_CHARS) * CHAR
    bars_start = label_width
    bars_width = WIDTH - bars_start - note_width - 3 * PAD - 4 * CHAR
    largest = max(
        (sum(row.values) if chart.stacked else max(row.values, default=0) for row in chart.rows),
        default=0,
    )
    scale = bars_width / largest if largest > 0 else 0
    many = len(chart.series) > 1
    top = LEGEND if many else PAD
    per_series = 1 if chart.stacked else len(chart.series)
    bar = BAR if per_series == 1 else GROUPED_BAR
    row_height = max(ROW, per_series * bar + (ROW - BAR))
    rows: list[DrawnRow] = []
    for index, row in enumerate(chart.rows):
        row_top = top + index * row_height
        boxes: list[Box] = []
        offset = 0.0
        end = 0.0
        for position, (series, value) in enumerate(zip(chart.series, row.values, strict=True)):
            fill, text_fill = FILLS[series.style]
            if fill == "hatch":
                fill = f"url(#{chart.id}-hatch)"
            width = value * scale
            y = row_top + (ROW - BAR) / 2 + (0 if chart.stacked else position * bar)
            text = _number(value, chart.decimals)
            # A stacked segment has its number inside when it fits (the table has the others);
            # a bar of its own has it just after its end.
            inside = chart.stacked and width >= len(text) * CHAR + PAD
            boxes.append(
                Box(
                    x=x(bars_start + offset, width),
                    y=round(y, 1),
                    width=round(width, 1),
                    height=bar,
                    fill=fill,
                    text=text if inside or not chart.stacked else "",
                    text_x=x(bars_start + offset + width / 2)
                    if inside
                    else x(bars_start + offset + width + PAD / 2),
                    text_y=round(y + bar / 2, 1),
                    text_fill=text_fill if inside else "#1b1f24",
                    centred=inside,
                )
            )
            if chart.stacked:
                offset += width
            end = max(end, offset if chart.stacked else width)
        rows.append(
            DrawnRow(
                label=_cut(row.label, LABEL_CHARS),
                full_label=row.label,
                label_x=x(PAD),
                label_y=round(row_top + ROW / 2, 1),
                boxes=boxes,
                note=row.note,
                note_x=x(bars_start + end + PAD + (0 if chart.stacked else 4 * CHAR)),
                note_y=round(row_top + ROW / 2, 1),
            )
        )
    legend: list[LegendItem] = []
    if many:
        left = float(PAD)
        for series in chart.series:
            fill = FILLS[series.style][0]
            legend.append(
                LegendItem(
                    name=series.name,
                    fill=f"url(#{chart.id}-hatch)" if fill == "hatch" else fill,
                    x=x(left, 12),
                    text_x=x(left + 12 + PAD / 2),
                )
            )
            left += 12 + PAD + len(series.name) * CHAR + 2 * PAD
    table = [
        TableRow(
            label=row.label,
            cells=[_number(value, chart.decimals) for value in row.values],
            total=_number(sum(row.values), chart.decimals) if chart.total_header else "",
            extra=row.extra,
            note=row.note,
        )
        for row in chart.rows
    ]
    return Layout(
        chart=chart,
        rtl=rtl,
        width=WIDTH,
        height=top + len(chart.rows) * row_height + PAD,
        rows=rows,
        legend=legend,
        legend_top=PAD,
        legend_y=PAD + 6,
        hatched=any(series.style == "hatched" for series in chart.series),
        table=table,
    )


def render(chart: Chart, *, rtl: bool | None = None) -> str:
    """The chart and its table as markup, as a page gets it from ``{% include
    "recommendations/charts/bar.html" with chart=layout %}``."""
    return render_to_string("recommendations/charts/bar.html", {"chart": layout(chart, rtl=rtl)})


def layouts(charts: Sequence[Chart]) -> list[Layout]:
    return [layout(chart) for chart in charts]
