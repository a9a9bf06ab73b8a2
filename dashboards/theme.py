"""One meaning per colour, on every page: the palette the figures and the stylesheet (assets/oobc.css) share.

Green is on track, amber needs a look, red is a breach (over a ceiling, over budget, behind schedule), grey is
"not known"; the navy/blue family draws plain amounts. A page that shows a status uses :data:`STATUS_COLOURS` so an
"exceeded" ceiling and an "over budget" work item are the same red.
"""

from __future__ import annotations

NAVY = "#12355b"
BLUE = "#2e86c1"
LIGHT_BLUE = "#5b8db8"
GOOD = "#17a589"
WARNING = "#f0b429"
BAD = "#c0392b"
NEUTRAL = "#8592a3"
INK = "#1f2933"
MUTED = "#6b7785"

# Status words the marts use, mapped to the three signal colours (and grey for unknown).
STATUS_COLOURS = {
    # ceilings
    "ok": GOOD,
    "warning": WARNING,
    "exceeded": BAD,
    "unmapped": NEUTRAL,
    # variance and schedule
    "on_budget": GOOD,
    "on_track": GOOD,
    "under_budget": BLUE,
    "over_budget": BAD,
    "behind": BAD,
    "ahead": GOOD,
    # needs
    "funded": GOOD,
    "unfunded": BAD,
    "partially_funded": WARNING,
    # alignment remarks
    "strong": GOOD,
    "good": BLUE,
    "moderate": WARNING,
    "needs_review": BAD,
}
# Bootstrap badge colour of each signal colour (the stylesheet paints them with the same hex values).
BADGE = {GOOD: "success", WARNING: "warning", BAD: "danger", NEUTRAL: "secondary", BLUE: "primary"}

# Continuous scales: amounts (light → navy) and "how bad" (light → red), for maps and heatmaps.
AMOUNT_SCALE = [[0.0, "#e8f1f8"], [0.5, LIGHT_BLUE], [1.0, NAVY]]
SEVERITY_SCALE = [[0.0, "#fdf2e9"], [0.5, "#e59866"], [1.0, BAD]]
# Diverging around zero or a ratio of 1: red below, grey at balance, blue above.
DIVERGING_SCALE = [[0.0, BAD], [0.5, "#f4f6f7"], [1.0, BLUE]]


def status_colour(status: str | None) -> str:
    return STATUS_COLOURS.get(status or "", NEUTRAL)


def status_badge(status: str | None) -> str:
    """The Bootstrap badge colour for a status word."""
    return BADGE.get(status_colour(status), "secondary")
