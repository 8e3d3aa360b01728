"""Rendering progress: a matplotlib bar chart (PNG, Agg, no pyplot) or a text sparkline.

matplotlib is the optional ``salon[charts]`` extra: it is imported only to draw, and without it
``stats`` shows the sparkline, as on platforms without images.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from datetime import date

SPARKS = "▁▂▃▄▅▆▇█"
_EPOCH = date(1970, 1, 1).toordinal()


def _day_number(day: date) -> float:
    """Matplotlib's date number (days since its default 1970 epoch)."""
    return float(day.toordinal() - _EPOCH)


@functools.cache
def can_draw_charts() -> bool:
    """Whether matplotlib is installed (checked once)."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def render_chart(
    days: Sequence[date], amounts: Sequence[int], goal_line: float | None, unit: str, title: str
) -> bytes:
    """A PNG of ``amounts`` per day with the goal as a dashed line.

    CPU-bound: call it through ``asyncio.to_thread``. It uses a ``Figure`` with the Agg canvas
    directly, never pyplot's global state, so concurrent renders do not interfere.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 3.2), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.bar(
        [_day_number(day) for day in days], list(amounts), color="#4c72b0", width=0.8, label=unit
    )
    axes.xaxis_date()
    if goal_line:
        axes.axhline(goal_line, color="#dd8452", linestyle="--", label=f"goal {goal_line:,.0f}")
    # The title holds a member's name: "$…$" must not be read as mathtext (it can fail to parse),
    # and control or format characters have no glyph (matplotlib warns for each).
    axes.set_title("".join(ch for ch in title if ch.isprintable()), parse_math=False)
    axes.set_ylabel(unit)
    axes.legend(loc="upper left", frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    figure.autofmt_xdate()
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def sparkline(values: Sequence[int]) -> str:
    """``[0, 5, 10]`` → ``"▁▄█"``: one character per value, scaled to the largest."""
    top = max(values, default=0)
    if top <= 0:
        return SPARKS[0] * len(values)
    return "".join(SPARKS[round(max(0, v) * (len(SPARKS) - 1) / top)] for v in values)
