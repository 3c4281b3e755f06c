"""Charts drawn on the server as accessible SVG: no third-party script, nothing downloaded by the browser.

Every chart is a <figure> holding an <svg role="img"> with a <title> and a <desc> (read by screen readers in
place of the drawing), followed right after by a data table with the very numbers the drawing was made from:
the table is the fallback for anyone who cannot see the picture, and what a test compares with the data.

Two kinds (issue 19 point 6):
- line_chart: a share over time, one line per series (completion over time per school or per module);
- distribution_chart: paired histograms, e.g. how many students scored 0–19 %, 20–39 %, … on the pre-test
  and on the post-test of a module.

Lines differ by dash pattern and marker shape as well as colour, so the chart reads in black and white.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

WIDTH = 320
HEIGHT = 200
# Room for the axis labels on the left and the dates below.
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 10, 30
PLOT_W = WIDTH - LEFT - RIGHT
PLOT_H = HEIGHT - TOP - BOTTOM
# Six styles (colour, dash, marker) in turn; colours are the site's palette, each 4.5:1 or more on white.
STYLES = [
    ("#4b2fc0", "", "circle"),
    ("#b0001f", "6 3", "square"),
    ("#0b6b3a", "2 3", "diamond"),
    ("#7a4b00", "8 3 2 3", "triangle"),
    ("#17161d", "1 2", "circle"),
    ("#2c1a85", "10 4", "square"),
]


@dataclass
class Series:
    label: str
    # (x label, value) in order: x is a date or any label; value a number (None: no value at that point).
    points: list = field(default_factory=list)


@dataclass
class Chart:
    """What a template shows: the drawing, and the table of the same numbers."""

    ident: str
    title: str
    description: str
    svg: str
    caption: str
    header: list
    rows: list

    def __html__(self):
        return render(self)

    def __str__(self):
        return self.__html__()


def _number(value):
    """A number as the table shows it: integers without a decimal point, others with one."""
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return str(int(value))


def _marker(shape, x, y, colour):
    if shape == "square":
        return f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6" fill="{colour}"/>'
    if shape == "diamond":
        path = f"M{x:.1f} {y - 4:.1f}L{x + 4:.1f} {y:.1f}L{x:.1f} {y + 4:.1f}L{x - 4:.1f} {y:.1f}Z"
        return f'<path d="{path}" fill="{colour}"/>'
    if shape == "triangle":
        return f'<path d="M{x:.1f} {y - 4:.1f}L{x + 4:.1f} {y + 3:.1f}L{x - 4:.1f} {y + 3:.1f}Z" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>'


def _svg_open(ident, title, description):
    return format_html(
        '<svg class="chart__svg" role="img" viewBox="0 0 {} {}" aria-labelledby="{}-title {}-desc" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}-title">{}</title><desc id="{}-desc">{}</desc>',
        WIDTH,
        HEIGHT,
        ident,
        ident,
        ident,
        title,
        ident,
        description,
    )


def line_chart(ident, title, description, series, *, x_heading, y_max=100, unit="%"):
    """Lines over shared x labels (the union of every series' labels, in first-seen order).

    `ident` must be unique on the page (it names the title and description). Values run 0…y_max.
    """
    labels = []
    for each in series:
        for label, _value in each.points:
            if label not in labels:
                labels.append(label)
    count = max(len(labels), 1)

    def x_at(index):
        return LEFT + (PLOT_W * index / (count - 1) if count > 1 else PLOT_W / 2)

    def y_at(value):
        return TOP + PLOT_H - PLOT_H * min(max(value, 0), y_max) / (y_max or 1)

    parts = [_svg_open(ident, title, description)]
    for step in range(5):
        value = y_max * step / 4
        y = y_at(value)
        parts.append(f'<line class="chart__grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(
            f'<text class="chart__tick" x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(_number(value))}{escape(unit)}</text>"
        )
    if labels:
        parts.append(
            f'<text class="chart__tick" x="{LEFT}" y="{HEIGHT - 8}" text-anchor="start">'
            f"{escape(str(labels[0]))}</text>"
        )
        if len(labels) > 1:
            parts.append(
                f'<text class="chart__tick" x="{WIDTH - RIGHT}" y="{HEIGHT - 8}" text-anchor="end">'
                f"{escape(str(labels[-1]))}</text>"
            )
    for number, each in enumerate(series):
        colour, dash, shape = STYLES[number % len(STYLES)]
        values = dict(each.points)
        coordinates = [
            (x_at(index), y_at(values[label])) for index, label in enumerate(labels) if values.get(label) is not None
        ]
        if len(coordinates) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates)
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<polyline class="chart__line" points="{path}" fill="none" stroke="{colour}" '
                f'stroke-width="2"{dash_attr}/>'
            )
        parts.extend(_marker(shape, x, y, colour) for x, y in coordinates)
    parts.append("</svg>")
    header = [x_heading, *[each.label for each in series]]
    rows = []
    for label in labels:
        row = [str(label)]
        for each in series:
            row.append(dict(each.points).get(label))
        rows.append(row)
    return Chart(ident, title, description, mark_safe("".join(str(p) for p in parts)), title, header, rows)  # noqa: S308


def distribution_chart(ident, title, description, bins, groups, *, bin_heading):
    """Paired histograms: for each bin, one bar per group (e.g. pre-test and post-test), heights are counts.

    bins: the bin labels ("0–19%", …); groups: [(label, [count per bin])].
    """
    # Counts are whole numbers: the axis runs to a multiple of 4, so its five ticks are whole numbers too.
    largest = max([count for _label, counts in groups for count in counts] or [0])
    top = max(4, -(-largest // 4) * 4)
    slot = PLOT_W / max(len(bins), 1)
    bar = (slot - 6) / max(len(groups), 1)
    parts = [_svg_open(ident, title, description)]
    for step in range(5):
        value = top * step / 4
        y = TOP + PLOT_H - PLOT_H * step / 4
        parts.append(f'<line class="chart__grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(
            f'<text class="chart__tick" x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(_number(value))}</text>"
        )
    for index, label in enumerate(bins):
        x0 = LEFT + slot * index + 3
        for number, (_group, counts) in enumerate(groups):
            colour, _dash, _shape = STYLES[number % len(STYLES)]
            height = PLOT_H * counts[index] / top
            pattern = ' fill-opacity="0.45" stroke-width="1.5"' if number % 2 else ""
            parts.append(
                f'<rect class="chart__bar" x="{x0 + bar * number:.1f}" y="{TOP + PLOT_H - height:.1f}" '
                f'width="{max(bar - 1, 1):.1f}" height="{height:.1f}" fill="{colour}" stroke="{colour}"{pattern}/>'
            )
        parts.append(
            f'<text class="chart__tick" x="{x0 + (slot - 6) / 2:.1f}" y="{HEIGHT - 8}" text-anchor="middle">'
            f"{escape(str(label))}</text>"
        )
    parts.append("</svg>")
    header = [bin_heading, *[label for label, _counts in groups]]
    rows = [[str(label), *[counts[index] for _group, counts in groups]] for index, label in enumerate(bins)]
    return Chart(ident, title, description, mark_safe("".join(str(p) for p in parts)), title, header, rows)  # noqa: S308


def legend(chart):
    """The series in the drawing's order, each with its colour: shown under the chart."""
    return [(label, STYLES[number % len(STYLES)][0]) for number, label in enumerate(chart.header[1:])]


def render(chart):
    """The figure: SVG, a legend, then the data table (a row header per x label, a column per series)."""
    legend_items = "".join(
        format_html(
            '<li><svg class="chart__swatch" width="12" height="12" aria-hidden="true">'
            '<rect width="12" height="12" fill="{}"/></svg>{}</li>',
            colour,
            label,
        )
        for label, colour in legend(chart)
    )
    head = "".join(format_html('<th scope="col">{}</th>', heading) for heading in chart.header)
    body = "".join(
        "<tr>"
        + format_html('<th scope="row">{}</th>', row[0])
        + "".join(format_html("<td>{}</td>", _number(value)) for value in row[1:])
        + "</tr>"
        for row in chart.rows
    )
    return mark_safe(  # noqa: S308 - every piece above is escaped by format_html or escape
        format_html('<figure class="chart" id="{}">', chart.ident)
        + chart.svg
        + f'<ul class="chart__legend" aria-hidden="true">{legend_items}</ul>'
        + format_html(
            '<div class="table-scroll" role="region" aria-labelledby="{}-table" tabindex="0">'
            '<table class="chart__table matrix"><caption id="{}-table">{}</caption>',
            chart.ident,
            chart.ident,
            chart.caption,
        )
        + f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div></figure>"
    )


# -- data helpers shared by the office's and the school's charts (pure functions) -----------------------------------

# Pre/post distributions: five bins of twenty percentage points.
BINS = [(0, 19), (20, 39), (40, 59), (60, 79), (80, 100)]


def weeks(times, now=None):
    """Week starts (Mondays) from the week before the first completion to this week, at most 26 of them."""
    today = timezone.localdate(now) if now else timezone.localdate()
    this_monday = today - timedelta(days=today.weekday())
    if not times:
        return [this_monday]
    first = timezone.localdate(min(times))
    start = first - timedelta(days=first.weekday()) - timedelta(weeks=1)
    count = (this_monday - start).days // 7 + 1
    step = max(1, -(-count // 26))
    mondays = [start + timedelta(weeks=n) for n in range(0, count, step)]
    if mondays[-1] != this_monday:
        mondays.append(this_monday)
    return mondays


def cumulative_percent(times, total, mondays):
    """(week, % of `total` students whose completion time in `times` falls before the end of that week)."""
    points = []
    for monday in mondays:
        end = monday + timedelta(days=7)
        done = sum(1 for when in times if timezone.localdate(when) < end)
        points.append((monday.isoformat(), round(100 * done / total) if total else None))
    return points


def histogram(scores):
    """How many scores (percent) fall in each of BINS."""
    return [sum(1 for score in scores if low <= score <= high) for low, high in BINS]


def bin_labels():
    return [f"{low}–{high}%" for low, high in BINS]
