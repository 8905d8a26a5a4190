"""Geometry of the dashboard's charts, drawn by templates as inline SVG.

Charts are laid out here, in the viewBox's units, and the template only writes
`<rect x= y= width= height= class=...>`: no JavaScript, no style attributes (the CSP
forbids them), colours from classes in app.css. Every chart also gets a sentence
that says what it shows, for people who cannot see it and for people in a hurry.
"""

import math

from django.utils.formats import number_format

from core.formatting import money

from .captions import kinds_caption, quadrant_caption

WIDTH = 480
FONT = 13


def _short_day(day) -> str:
    return f"{day.day} {day:%b}"


def _nice_max(value: int) -> int:
    """A round, even axis maximum at or above value (2, 4, 6, 8, 10, 20, 40, ...), so
    that the middle grid line falls on a whole number."""
    if value <= 2:
        return 2
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 4, 6, 8, 10):
        if value <= step * magnitude and (step * magnitude) % 2 == 0:
            return step * magnitude
    return 10 * magnitude


def _per_ten(part: int, whole: int) -> str:
    """part per 10 of whole, with one decimal only when it is not whole: "4", "2.5"."""
    return f"{10 * part / whole:.1f}".removesuffix(".0")


def _r(value: float) -> float:
    return round(value, 1)


def activity_chart(series: dict) -> dict:
    """Acts as bars and stories as a line, per week (or month), on one count axis."""
    rows = series["rows"]
    height, left, right, top, bottom = 220, 34, 8, 14, 30
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    top_value = _nice_max(max([r["acts"] for r in rows] + [r["stories"] for r in rows] + [1]))
    slot = plot_w / max(len(rows), 1)
    bar_w = max(min(slot * 0.62, 40), 2)
    label_every = max(1, math.ceil(len(rows) / 6))

    def y_of(value):
        return top + plot_h - plot_h * value / top_value

    bars, points, labels = [], [], []
    for index, row in enumerate(rows):
        centre = left + slot * index + slot / 2
        y = y_of(row["acts"])
        bars.append(
            {"x": _r(centre - bar_w / 2), "y": _r(y), "width": _r(bar_w), "height": _r(top + plot_h - y), "row": row}
        )
        points.append((_r(centre), _r(y_of(row["stories"]))))
        if index % label_every == 0:
            text = f"{row['start']:%b}" if series["unit"] == "month" else _short_day(row["start"])
            labels.append({"x": _r(centre), "text": text})
    grid = [
        {"y": _r(y_of(value)), "text_y": _r(y_of(value) + 4), "label": value}
        for value in (0, top_value // 2, top_value)
    ]
    busiest = max(rows, key=lambda r: r["acts"]) if rows else None
    unit = series["unit"]
    total_acts, total_stories = sum(r["acts"] for r in rows), sum(r["stories"] for r in rows)
    if not total_acts and not total_stories:
        summary = "No act and no story in this period yet."
    else:
        summary = (
            f"{total_acts} act{'s' if total_acts != 1 else ''} and {total_stories} "
            f"stor{'ies' if total_stories != 1 else 'y'} over {len(rows)} {unit}s; "
        )
        tied = [r for r in rows if r["acts"] == busiest["acts"]]
        acts_text = f"{busiest['acts']} act{'s' if busiest['acts'] != 1 else ''}"
        if len(tied) == 1 or not busiest["acts"]:
            summary += f"the busiest {unit} began {_short_day(busiest['start'])} with {acts_text}."
        else:
            # A tie is told as a tie, not as the first of the tied.
            summary += (
                f"{len(tied)} {unit}s tied as the busiest with {acts_text} each, "
                f"the first from {_short_day(busiest['start'])}."
            )
    return {
        "width": WIDTH,
        "height": height,
        "bars": bars,
        "grid": grid,
        "labels": labels,
        "line": " ".join(f"{x},{y}" for x, y in points),
        "dots": points,
        "left": left,
        "right": WIDTH - right,
        "axis_label_x": left - 6,
        "baseline": _r(top + plot_h),
        "label_y": height - 10,
        "unit": unit,
        "summary": summary,
        "rows": rows,
    }


def budget_chart(months: list[dict], *, trimmed: bool = False) -> dict:
    """One row per month: a label, then the budget as a grey bar with the spend over it.
    `trimmed`: the period's first months were left out, the team(s) not using the app yet."""
    row_h, bar_h = 46, 14
    scale_max = max([m["budget"] for m in months] + [m["spend"] for m in months] + [1])
    rows = []
    for index, month in enumerate(months):
        y = 6 + index * row_h
        share = month["share"]
        rows.append(
            {
                "text_y": y + FONT,
                "bar_y": y + 20,
                "bar_h": bar_h,
                "budget_w": _r(WIDTH * float(month["budget"] / scale_max)),
                "spend_w": _r(WIDTH * float(month["spend"] / scale_max)),
                "label": f"{month['month']:%B}: {money(month['spend'])} of {money(month['budget'])}"
                + (f" ({share * 100:.0f}%)" if share is not None else ""),
                "month": month,
            }
        )
    total_spend = sum((m["spend"] for m in months), 0)
    total_budget = sum((m["budget"] for m in months), 0)
    if not months:
        summary = "No budget to count: the team was not using Second Mile yet in this period."
    else:
        summary = (
            f"Spent {money(total_spend)} of {money(total_budget)} budgeted for "
            f"{len(months)} month{'s' if len(months) != 1 else ''}."
        )
        if trimmed:
            summary += (
                f" Budgets count from {months[0]['month']:%B %Y}, the first month in use "
                "(the first act or budget); the months before it are left out."
            )
    return {"width": WIDTH, "height": 6 + row_h * len(months), "rows": rows, "summary": summary}


def funnel_chart(*, acts: int, stories: int, referred: int) -> dict:
    """Acts → stories → referred customers as centred bars, widest first."""
    steps = [
        ("acts going ahead", "act", acts),
        ("stories told", "story", stories),
        ("referred customers", "referred customer", referred),
    ]
    top_value = max(acts, stories, referred, 1)
    row_h, bar_h = 58, 26
    rows = []
    for index, (label, _singular, value) in enumerate(steps):
        width = max(WIDTH * value / top_value, 3)
        y = 4 + index * row_h
        rows.append(
            {
                "label": f"{number_format(value)} {label}",
                "text_y": y + FONT + 2,
                "bar_x": _r((WIDTH - width) / 2),
                "bar_y": y + 22,
                "bar_w": _r(width),
                "bar_h": bar_h,
                "value": value,
                "step": label,
            }
        )
    if not acts:
        summary = "No act in this period yet, so nothing to follow to stories and referrals."
    else:
        summary = f"For every 10 acts, {_per_ten(stories, acts)} stories were told"
        summary += (
            f" and {_per_ten(referred, acts)} customers were referred."
            if referred
            else "; no customer was referred yet."
        )
    return {"width": WIDTH, "height": 4 + row_h * 3, "rows": rows, "summary": summary}


def quadrant_chart(quadrants: list[dict]) -> dict:
    """The four expectations as a 2 × 2 map; each circle's area follows its acts."""
    cell_w, cell_h = WIDTH / 2, 150
    top_value = max([q["count"] for q in quadrants] + [1])
    max_radius = 46
    cells = []
    for index, quadrant in enumerate(quadrants):
        x, y = (index % 2) * cell_w, (index // 2) * cell_h
        radius = max_radius * math.sqrt(quadrant["count"] / top_value) if quadrant["count"] else 0
        cells.append(
            {
                "x": _r(x + 2),
                "y": _r(y + 2),
                "w": _r(cell_w - 4),
                "h": cell_h - 4,
                "label_x": _r(x + 14),
                "label_y": y + 24,
                "cx": _r(x + cell_w / 2),
                "cy": y + 88,
                "value_y": y + 95,
                "r": _r(radius),
                "count": quadrant["count"],
                "label": quadrant["label"],
                "text_inside": radius >= 16,
            }
        )
    return {"width": WIDTH, "height": cell_h * 2, "cells": cells, "summary": quadrant_caption(quadrants=quadrants)}


def kinds_chart(kinds: list[dict]) -> dict:
    """Kinds of gesture as horizontal bars, most frequent first (kinds never used left out)."""
    used = [k for k in kinds if k["count"]]
    label_w, row_h, bar_h = 112, 30, 18
    top_value = max([k["count"] for k in used] + [1])
    plot_w = WIDTH - label_w - 40
    rows = []
    for index, kind in enumerate(used):
        y = 4 + index * row_h
        rows.append(
            {
                "label": kind["label"],
                "count": kind["count"],
                "text_y": y + bar_h - 4,
                "bar_x": label_w,
                "bar_y": y,
                "bar_w": _r(max(plot_w * kind["count"] / top_value, 2)),
                "bar_h": bar_h,
                "count_x": _r(label_w + plot_w * kind["count"] / top_value + 6),
            }
        )
    summary = kinds_caption(kinds=used)
    return {"width": WIDTH, "height": 4 + row_h * max(len(used), 1), "rows": rows, "summary": summary}
