"""Server-drawn SVG charts (issue 19 point 6): accessible structure, and the fallback table holds the data."""

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classrooms.charts import Series, distribution_chart, line_chart, render

pytestmark = pytest.mark.no_demo

SVG = "{http://www.w3.org/2000/svg}"


def parse(chart):
    return ET.fromstring(str(chart.svg))


def table_of(html):
    """The figure's table as lists of cell texts (header row first), read back from the rendered HTML."""
    start = html.index("<table")
    root = ET.fromstring(html[start : html.index("</table>") + len("</table>")])
    return [[cell.text for cell in row] for row in root.iter("tr")]


def test_line_chart_is_an_image_with_title_and_description_and_a_line_per_series():
    chart = line_chart(
        "c1",
        "Completion over time",
        "Two schools.",
        [
            Series("A school", [("2026-03-01", 0), ("2026-03-08", 40), ("2026-03-15", 80)]),
            Series("B", [("2026-03-08", 10), ("2026-03-15", 20)]),
        ],
        x_heading="Week",
    )
    svg = parse(chart)
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "c1-title c1-desc"
    assert svg.find(f"{SVG}title").text == "Completion over time" and svg.find(f"{SVG}title").get("id") == "c1-title"
    assert svg.find(f"{SVG}desc").text == "Two schools."
    lines = svg.findall(f"{SVG}polyline")
    assert len(lines) == 2
    # The first series has three points, the second two; no script anywhere.
    assert len(lines[0].get("points").split()) == 3 and len(lines[1].get("points").split()) == 2
    assert "<script" not in str(chart.svg)
    # The second line is dashed: the series differ by more than colour.
    assert lines[1].get("stroke-dasharray")


def test_line_chart_table_holds_every_value_and_a_gap_as_a_dash():
    data = [Series("A", [("w1", 0), ("w2", 40), ("w3", 80)]), Series("B", [("w2", 10), ("w3", 20)])]
    html = render(line_chart("c2", "T", "D", data, x_heading="Week"))
    assert table_of(html) == [["Week", "A", "B"], ["w1", "0", "—"], ["w2", "40", "10"], ["w3", "80", "20"]]
    # The table follows the drawing inside the same figure.
    assert html.index("</svg>") < html.index("<table") and html.startswith('<figure class="chart" id="c2">')


def test_points_are_placed_by_value():
    chart = line_chart("c3", "T", "D", [Series("A", [("a", 0), ("b", 100)])], x_heading="x")
    points = parse(chart).find(f"{SVG}polyline").get("points").split()
    (x0, y0), (x1, y1) = [tuple(map(float, p.split(","))) for p in points]
    assert y0 > y1 and x0 < x1  # 0 % at the bottom left, 100 % at the top right


def test_text_is_escaped():
    chart = line_chart("c4", "<b>T</b>", "D & E", [Series("<script>", [("<x>", 1)])], x_heading="x")
    html = render(chart)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert parse(chart).find(f"{SVG}title").text == "<b>T</b>"


def test_distribution_chart_pairs_bars_and_its_table_matches():
    bins = ["0–19%", "20–39%", "40–59%", "60–79%", "80–100%"]
    pre, post = [3, 5, 2, 0, 0], [0, 1, 2, 4, 3]
    chart = distribution_chart(
        "d1", "Scores", "Pre and post.", bins, [("Pre-test", pre), ("Post-test", post)], bin_heading="Score"
    )
    svg = parse(chart)
    assert svg.get("role") == "img" and svg.find(f"{SVG}title").text == "Scores"
    bars = svg.findall(f"{SVG}rect")
    assert len(bars) == 10
    heights = [float(bar.get("height")) for bar in bars]
    # Bars alternate pre, post for each bin; the tallest bar is the largest count.
    # Heights are proportional to the counts.
    assert heights[0::2][1] == 2.5 * heights[0::2][2] and heights[1::2][3] == 4 * heights[1::2][1]
    assert max(heights) == heights[2] and heights[6] == 0  # pre's 5 in bin 2 is the tallest; pre's 0 in bin 4
    assert table_of(render(chart)) == [
        ["Score", "Pre-test", "Post-test"],
        *[[b, str(a), str(c)] for b, a, c in zip(bins, pre, post, strict=True)],
    ]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.lists(st.integers(0, 100), min_size=1, max_size=8), min_size=1, max_size=6))
def test_any_data_gives_a_well_formed_svg_and_a_faithful_table(values):
    series = [Series(f"s{n}", [(f"w{i}", v) for i, v in enumerate(points)]) for n, points in enumerate(values)]
    chart = line_chart("h", "T", "D", series, x_heading="x")
    svg = parse(chart)  # well-formed XML
    for x_y in " ".join(line.get("points") for line in svg.findall(f"{SVG}polyline")).split():
        x, y = map(float, x_y.split(","))
        assert 0 <= x <= 320 and 0 <= y <= 200
    rows = table_of(render(chart))[1:]
    for n, points in enumerate(values):
        for i, value in enumerate(points):
            assert rows[i][n + 1] == str(value)
