"""`audience images`: ranked image candidates for one fact sheet, one JSON line each.

    audience images --record SHEET.json --date YYYY-MM-DD --sources SOURCES.yaml [--text POST]

Prints one line per candidate, best first, with rank, image_url, page_url, score,
published, width, height, sha256, default and reasons; exit 0 when it ran (even with no
candidates), 2 with one line on stderr for bad input. Pictures and the HTTP cache go
under --out (default $AUDIENCE_OUTPUT_DIR/images or var/outputs/images).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from audience_assets import settings
from audience_assets.cli import UsageError, broadcast_date


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("images", help="ranked image candidates for a fact sheet")
    parser.add_argument("--record", required=True, help="fact sheet JSON file")
    parser.add_argument("--date", required=True, help="broadcast date YYYY-MM-DD")
    parser.add_argument("--sources", required=True, help="image sources YAML")
    parser.add_argument("--text", default="", help="the post's text (ranks by similarity)")
    parser.add_argument("--out", help="folder for pictures and the HTTP cache")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from audience_assets.images.candidates import find_candidates, make_fetcher
    from audience_assets.images.posts import post_from_sheet
    from audience_assets.images.sources import SourcesError, load_sources
    from audience_assets.images.vision import choose_ranker

    broadcast_date(args.date)
    try:
        sheet = json.loads(Path(args.record).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UsageError(f"--record {args.record}: cannot read a JSON fact sheet: "
                         f"{str(exc).splitlines()[0]}") from None
    if not isinstance(sheet, dict) or not sheet.get("title"):
        raise UsageError(f"--record {args.record}: expected a JSON object with a title")
    try:
        sources = load_sources(args.sources)
    except SourcesError as exc:
        raise UsageError(str(exc)) from None
    now = settings.current()
    out = Path(args.out or Path(now.audience_output_dir) / "images")
    post = post_from_sheet(sheet, args.date, args.text, _analysis_config())
    ranker, _why = choose_ranker(now.ollama_vision_model, now.ollama_host)
    ranked, _result = find_candidates(post, sources, make_fetcher(sources, out), out, ranker)
    for item in ranked:
        print(json.dumps(item.to_json(), ensure_ascii=False), flush=True)
    return 0


def _analysis_config() -> Any:
    from audience_assets.analysis.config import AnalysisConfigError, load_analysis_config
    try:
        return load_analysis_config(settings.get("AUDIENCE_ANALYSIS_CONFIG"))
    except AnalysisConfigError:
        return None  # names from the sheet alone still work
