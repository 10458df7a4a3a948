"""SQL table `image_candidates`: the ranked candidates of each post of a date, and the
contact sheet of the day (one PNG of every post's top pictures)."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from PIL import Image, ImageDraw, ImageFont

from audience_assets.images.rank import Ranked
from audience_assets.paths import stored_path
from audience_assets.sql.schema import image_candidates

THUMB = (240, 126)
PER_ROW = 4   # pictures per post on the contact sheet


def for_network(ranked: Sequence[Ranked], network: str) -> list[Ranked]:
    """The candidates whose shape the network's card shows (defaults always), re-ranked."""
    kept = [r for r in ranked if r.candidate.default or network in r.candidate.networks]
    return [Ranked(r.candidate, i + 1, r.score, r.reasons) for i, r in enumerate(kept)]


def rows_for(date: str, sheet_key: str, network: str, ranked: Sequence[Ranked], ranker: str,
             root: str | Path | None = None) -> list[dict[str, Any]]:
    """The rows to store; with `root` (the output folder) each file's path is stored
    relative to it (audience_assets.paths.stored_path)."""
    now = time.time()
    return [{
        "broadcast_date": date, "sheet_key": sheet_key, "network": network, "rank": r.rank,
        "score": round(r.score, 4), "reasons": json.dumps(list(r.reasons), ensure_ascii=False),
        "image_url": r.candidate.image_url, "page_url": r.candidate.page_url,
        "published": r.candidate.published, "width": r.candidate.width,
        "height": r.candidate.height, "sha256": r.candidate.sha256,
        "phash": r.candidate.phash,
        "path": stored_path(r.candidate.path, root) if root is not None else r.candidate.path,
        "credit": r.candidate.credit[:512], "default": r.candidate.default,
        "ranker": ranker, "created_at": now,
    } for r in ranked]


def replace_candidates(engine: sa.Engine, date: str, rows: Sequence[Mapping[str, Any]]) -> int:
    """Replace the candidates of `date` in one transaction (a re-run never duplicates)."""
    with engine.begin() as conn:
        conn.execute(image_candidates.delete().where(image_candidates.c.broadcast_date == date))
        if rows:
            conn.execute(image_candidates.insert(), list(rows))
    return len(rows)


def load_candidates(engine: sa.Engine, date: str) -> list[dict[str, Any]]:
    c = image_candidates.c
    query = (sa.select(image_candidates).where(c.broadcast_date == date)
             .order_by(c.sheet_key, c.network, c["rank"]))
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(query)]
    for row in rows:
        row["reasons"] = json.loads(row["reasons"])
    return rows


def contact_sheet(per_post: Mapping[str, Sequence[Mapping[str, Any]]], path: Path) -> Path:
    """One row per post: its label, then its first PER_ROW pictures with rank and score."""
    label_w, pad = 260, 8
    width = label_w + PER_ROW * (THUMB[0] + pad) + pad
    height = max(1, len(per_post)) * (THUMB[1] + 2 * pad + 18) + pad
    sheet = Image.new("RGB", (width, height), (245, 245, 245))
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default(size=14)
    for row, (label, cands) in enumerate(per_post.items()):
        y = pad + row * (THUMB[1] + 2 * pad + 18)
        draw.text((pad, y + THUMB[1] // 2), label[:34], fill=(0, 0, 0), font=font)
        for col, cand in enumerate(list(cands)[:PER_ROW]):
            x = label_w + col * (THUMB[0] + pad)
            try:
                with Image.open(cand["path"]) as image:
                    thumb = image.convert("RGB")
                thumb.thumbnail(THUMB)
                sheet.paste(thumb, (x, y))
            except OSError:
                draw.rectangle((x, y, x + THUMB[0], y + THUMB[1]), outline=(200, 0, 0))
            tag = "default" if cand["default"] else f"{cand['score']:.2f}"
            draw.text((x, y + THUMB[1] + 2), f"#{cand['rank']} {tag}", fill=(0, 0, 0),
                      font=font)
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(path, "PNG")
    return path
