"""The SVG bar charts: well-formed, an image with a title for screen readers, a table with the
same numbers, labels escaped and never clipped, numbers on the bars, mirrored right to left."""

import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from recommendations import charts

SVG = "{http://www.w3.org/2000/svg}"


def well_formed(markup: str) -> ET.Element:
    """The markup parsed as XML, which fails unless it is well formed. It is the app's own
    output, so the standard parser's weakness against hostile documents does not apply."""
    return ET.fromstring(markup)  # noqa: S314


def stacked(*rows: charts.Row, chart_id: str = "rates") -> charts.Chart:
    return charts.Chart(
        id=chart_id,
        title="Implementation by facility",
        label_header="Facility",
        series=(
            charts.Series("Verified", "solid"),
            charts.Series("Claimed only", "hatched"),
            charts.Series("Rest", "light"),
        ),
        rows=rows,
        stacked=True,
        total_header="Recommendations",
        note_header="Rate",
    )


def single(*rows: charts.Row) -> charts.Chart:
    return charts.Chart(
        id="overdue",
        title="Overdue actions",
        label_header="Overdue by",
        series=(charts.Series("Overdue", "warn"),),
        rows=rows,
    )


def parsed(chart: charts.Chart, *, rtl: bool = False) -> ET.Element:
    return well_formed(charts.render(chart, rtl=rtl))


def drawing(figure: ET.Element) -> ET.Element:
    svg = figure.find(f".//{SVG}svg")
    assert svg is not None
    return svg


def texts(svg: ET.Element) -> list[str]:
    return [t.text or "" for t in svg.iter(f"{SVG}text")]


def test_a_chart_is_an_image_titled_for_screen_readers_with_its_table():
    figure = parsed(stacked(charts.Row("Central Penitentiary", (4, 1, 5), note="40 %")))
    svg = drawing(figure)
    assert svg.get("role") == "img"
    labelled_by = svg.get("aria-labelledby", "").split()
    ids = {element.get("id") for element in svg.iter() if element.get("id")}
    assert set(labelled_by) <= ids
    assert svg.find(f"{SVG}title").text == "Implementation by facility"
    table = figure.find(".//table")
    assert [th.text for th in table.iter("th")][:6] == [
        "Facility",
        "Verified",
        "Claimed only",
        "Rest",
        "Recommendations",
        "Rate",
    ]
    row = table.find("tbody/tr")
    assert [cell.text for cell in row] == ["Central Penitentiary", "4", "1", "5", "10", "40 %"]


def test_numbers_are_printed_on_the_bars_and_the_second_series_is_hatched():
    svg = drawing(parsed(stacked(charts.Row("Central Penitentiary", (40, 10, 50), note="40 %"))))
    assert {"40", "10", "50", "40 %"} <= set(texts(svg))
    fills = [rect.get("fill") for rect in svg.iter(f"{SVG}rect")]
    assert "url(#rates-hatch)" in fills
    assert svg.find(f".//{SVG}pattern").get("id") == "rates-hatch"


def test_a_bar_of_its_own_has_its_number_after_it():
    layout = charts.layout(single(charts.Row("1–30 days", (3,)), charts.Row("Over", (0,))))
    for row in layout.rows:
        (box,) = row.boxes
        assert box.text_x >= box.x + box.width
    assert [row.boxes[0].text for row in layout.rows] == ["3", "0"]


def test_user_text_is_escaped_in_the_drawing_and_the_table():
    label = '<b onclick="x()">W & "A"</b>'
    markup = charts.render(stacked(charts.Row(label, (1, 0, 0))))
    assert "<b " not in markup
    figure = well_formed(markup)
    assert label in texts(drawing(figure))
    assert figure.find(".//tbody/tr/th").text == label


def test_a_long_label_is_cut_not_clipped_and_whole_in_the_table():
    label = "Centro Penitenciario de Máxima Seguridad Fraijanes II, sector de mujeres"
    chart = stacked(charts.Row(label, (3, 1, 2), note="50 %"))
    layout = charts.layout(chart, rtl=False)
    (row,) = layout.rows
    assert row.label.endswith("…") and len(row.label) <= charts.LABEL_CHARS
    assert row.full_label == label
    assert row.label_x + len(row.label) * charts.CHAR < row.boxes[0].x
    figure = well_formed(charts.render(chart, rtl=False))
    assert figure.find(".//tbody/tr/th").text == label


@pytest.mark.parametrize("rtl", [False, True])
def test_everything_fits_in_the_drawing(rtl):
    chart = stacked(
        charts.Row("A facility with a long name indeed", (120, 30, 50), note="60 %"),
        charts.Row("Small", (0, 0, 1), note="0 %"),
    )
    layout = charts.layout(chart, rtl=rtl)
    for row in layout.rows:
        for box in row.boxes:
            assert box.x >= 0 and box.x + box.width <= charts.WIDTH
        note_end = (
            row.note_x - len(row.note) * charts.CHAR
            if rtl
            else row.note_x + len(row.note) * charts.CHAR
        )
        assert 0 <= note_end <= charts.WIDTH


def test_right_to_left_the_labels_are_on_the_right_and_the_bars_grow_to_the_left():
    chart = stacked(charts.Row("السجن المركزي", (2, 1, 1), note="50 %"))
    ltr, rtl = charts.layout(chart, rtl=False), charts.layout(chart, rtl=True)
    (left,), (right,) = ltr.rows, rtl.rows
    assert left.label_x < charts.WIDTH / 2 < right.label_x
    # The first segment starts beside the labels: at their right edge left to right, at their
    # left edge right to left, and the next one continues away from them.
    assert left.boxes[0].x == pytest.approx(
        charts.WIDTH - (right.boxes[0].x + right.boxes[0].width), abs=0.2
    )
    assert right.boxes[1].x + right.boxes[1].width == pytest.approx(right.boxes[0].x, abs=0.2)
    assert right.note_x < right.boxes[2].x
    svg = drawing(parsed(chart, rtl=True))
    assert svg.get("direction") == "rtl"


def test_the_arabic_page_draws_right_to_left():
    with translation.override("ar"):
        svg = drawing(well_formed(charts.render(single(charts.Row("x", (1,))))))
    assert svg.get("direction") == "rtl"


def test_numbers_are_written_in_the_language_and_coordinates_are_not():
    chart = charts.Chart(
        id="time",
        title="Days",
        label_header="Priority",
        series=(charts.Series("Median"), charts.Series("Mean", "light")),
        rows=(charts.Row("Urgent", (35.5, 1234.25)),),
        decimals=1,
    )
    with translation.override("es"):
        figure = well_formed(charts.render(chart))
    svg = drawing(figure)
    assert "35,5" in texts(svg)
    for element in list(svg.iter())[1:]:
        for name in ("x", "y", "width", "height"):
            if element.get(name) is not None:
                float(element.get(name))
    assert [float(n) for n in svg.get("viewBox").split()][:2] == [0, 0]


def test_a_chart_without_rows_says_so():
    markup = charts.render(single())
    assert "No figures yet." in markup
    assert "<svg" not in markup


def test_two_charts_on_a_page_name_their_patterns_apart():
    first = charts.render(stacked(charts.Row("A", (1, 1, 1)), chart_id="by-facility"))
    second = charts.render(stacked(charts.Row("A", (1, 1, 1)), chart_id="by-theme"))
    assert 'id="by-facility-hatch"' in first and 'id="by-theme-hatch"' in second
