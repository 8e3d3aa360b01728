"""The weekly review's chart: words per day against the plan's pace (matplotlib, Agg).

matplotlib is the optional ``salon[charts]`` extra; without it the review has no image.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence


@functools.cache
def can_draw_charts() -> bool:
    """Whether matplotlib is installed (checked once)."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def render_week(
    labels: Sequence[str], words: Sequence[int], pace: int, writing: Sequence[bool]
) -> bytes:
    """A PNG bar chart of one week; writing days are coloured, the pace a dashed line.

    CPU-bound: call it through ``asyncio.to_thread``. A ``Figure`` with the Agg canvas, never
    pyplot's global state, so concurrent renders do not interfere.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6, 3), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    colours = ["#4c72b0" if is_writing else "#a0a0a0" for is_writing in writing]
    axes.bar(list(labels), list(words), color=colours)
    if pace:
        axes.axhline(pace, color="#dd8452", linestyle="--", label=f"plan {pace:,} a writing day")
        axes.legend(loc="upper left", frameon=False)
    axes.set_ylabel("words")
    axes.set_title("Your week", parse_math=False)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
