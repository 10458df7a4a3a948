"""The figures as the client writes them in a post: 2.620.000 and 15.7%."""

from __future__ import annotations


def format_viewers(persons: int) -> str:
    """2620000 -> '2.620.000' (dot as thousands separator, no decimals)."""
    sign = "-" if persons < 0 else ""
    return sign + f"{abs(int(persons)):,}".replace(",", ".")


def format_share(share: float) -> str:
    """15.7 -> '15.7%' (one decimal, dot, no space)."""
    return f"{float(share):.1f}%"


def format_figure(value: int | float, metric: str) -> str:
    """Render one metric of a fact sheet: unique_viewers, avg_audience or share."""
    if metric == "share":
        return format_share(value)
    if metric in ("unique_viewers", "avg_audience"):
        return format_viewers(int(value))
    raise ValueError(f"unknown metric {metric!r}: expected unique_viewers, avg_audience or share")
