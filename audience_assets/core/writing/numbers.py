"""How the client writes figures in a post (DOMAIN.md, "Numbers in posts")."""

from __future__ import annotations


def format_people(value: int) -> str:
    """2620000 -> '2.620.000' (dot as thousands separator)."""
    return f"{int(value):,}".replace(",", ".")


def format_share(value: float) -> str:
    """15.7 -> '15.7%' (one decimal, dot, no space)."""
    return f"{float(value):.1f}%"
