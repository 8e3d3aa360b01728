"""The end-of-challenge card: each member's cumulative line, the target, the totals (PNG).

matplotlib is the optional ``salon[charts]`` extra: it is imported only to draw, and without it
the summary is posted as text alone, as on platforms that show no images.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from datetime import date

_EPOCH = date(1970, 1, 1).toordinal()


@functools.cache
def can_draw_cards() -> bool:
    """Whether matplotlib is installed (checked once)."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def _printable(text: str) -> str:
    # Names are user text: "$…$" must not be read as mathtext and control characters have no
    # glyph (matplotlib warns for each).
    return "".join(ch for ch in text if ch.isprintable())


def render_card(
    title: str,
    subtitle: str,
    days: Sequence[date],
    series: Sequence[tuple[str, Sequence[int]]],
    target: int | None,
    unit: str,
) -> bytes:
    """A PNG with one cumulative line per member over ``days`` and the target dashed.

    CPU-bound: call it through ``asyncio.to_thread``. A ``Figure`` with the Agg canvas, never
    pyplot's global state, so concurrent renders do not interfere.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 4.5), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    xs = [float(day.toordinal() - _EPOCH) for day in days]
    for label, values in series:
        line = axes.plot(xs, list(values), linewidth=2)[0]
        line.set_label(_printable(label)[:30])
    if target:
        axes.axhline(target, color="#dd8452", linestyle="--", label=f"target {target:,}")
    axes.xaxis_date()
    figure.suptitle(_printable(title), fontsize=14, x=0.02, ha="left", parse_math=False)
    axes.set_title(_printable(subtitle), fontsize=9, loc="left", parse_math=False)
    axes.set_ylabel(unit)
    axes.yaxis.set_major_formatter("{x:,.0f}")
    if series or target:
        axes.legend(loc="center left", frameon=False, fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    figure.autofmt_xdate()
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
