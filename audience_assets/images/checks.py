"""The image stage's checks, computed beside the asset from what it stored: every pending
post has a candidate, every stored file exists and decodes, and no candidate comes from a
host outside the sources."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import dagster as dg

from audience_assets.images.crawl import decode
from audience_assets.images.sources import ImageSources, host_of
from audience_assets.partitions import daily_check_spec
from audience_assets.paths import resolve_stored

EVERY_POST = "every_pending_post_has_a_candidate"
FILES_DECODE = "stored_files_exist_and_decode"
KNOWN_HOSTS = "candidates_come_from_the_sources"

SPECS = [
    daily_check_spec(EVERY_POST, asset="image_candidates",
                      description="Each post awaiting review has at least one image candidate "
                      "(a crawled picture or a default one)."),
    daily_check_spec(FILES_DECODE, asset="image_candidates",
                      description="Every stored picture exists under the output folder and "
                      "decodes as an image."),
    daily_check_spec(KNOWN_HOSTS, asset="image_candidates",
                      description="No crawled candidate comes from a host outside the "
                      "configured sources."),
]


def no_sources_message(sources: ImageSources, without: int, posts: int, date: str) -> str:
    """The one warning of a day run with no image source configured: what, where, which date."""
    return (f"no image sources configured in {sources.path}: only the programmes' default "
            f"pictures are offered, and {without} of {posts} pending posts of {date} have "
            "none. Add sources (and defaults) to that file, or point AUDIENCE_IMAGES_CONFIG "
            f"at one, then re-materialise image_candidates for {date}.")


def _result(name: str, problems: Sequence[str], checked: int, what: str) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        check_name=name, asset_key="image_candidates", passed=not problems,
        description=(f"{len(problems)} of {checked} {what}: " + "; ".join(problems[:5])
                     if problems else f"all {checked} {what} pass"),
        metadata={"checked": checked, "failing": len(problems)})


def check_results(pending: Iterable[tuple[str, str]], rows: Sequence[Mapping[str, Any]],
                  sources: ImageSources, root: str | Path | None = None, date: str = ""
                  ) -> list[dg.AssetCheckResult]:
    """`pending`: (sheet_key, network) of the drafts awaiting review; `root`: the output
    folder the stored paths are relative to (a file outside it fails the check). With no
    image source configured (a fresh clone), posts without a default picture are a
    warning that says what to configure, not an error: nothing was crawled because
    nothing was asked."""
    wanted = sorted(set(pending))
    covered = {(r["sheet_key"], r["network"]) for r in rows}
    missing = [f"{k} ({n})" for k, n in wanted if (k, n) not in covered]
    broken = []
    for path in sorted({r["path"] for r in rows}):
        try:
            found = Path(path) if root is None else resolve_stored(path, root)
            if found is None:
                raise OSError("not a file under the output folder")
            decode(found.read_bytes())
        except (OSError, ValueError) as exc:
            broken.append(f"{path}: {exc}")
    crawled = [r for r in rows if not r["default"]]
    foreign = [r["image_url"] for r in crawled if host_of(r["image_url"]) not in sources.hosts]
    every_post = _result(EVERY_POST, missing, len(wanted), "pending posts with a candidate")
    if missing and not sources.sources:
        every_post = dg.AssetCheckResult(
            check_name=EVERY_POST, asset_key="image_candidates", passed=False,
            severity=dg.AssetCheckSeverity.WARN,
            description=no_sources_message(sources, len(missing), len(wanted), date),
            metadata={"checked": len(wanted), "failing": len(missing),
                      "sources_file": str(sources.path)})
    return [
        every_post,
        _result(FILES_DECODE, broken, len({r["path"] for r in rows}), "stored files"),
        _result(KNOWN_HOSTS, foreign, len(crawled), "crawled candidates from source hosts"),
    ]
