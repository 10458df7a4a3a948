"""The report's PDF: its HTML page printed by the project's Chromium (Debian's
`chromium`, driven by Playwright for Python through executable_path; Playwright's own
browser download is not used). A4, print CSS from the page (tables and cards never
split across pages). No Dagster."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from audience_assets import settings

CHROMIUM_ENV = "AUDIENCE_CHROMIUM"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


class ChromiumMissing(RuntimeError):
    """Chromium is not installed where the project looks for it."""


def chromium_path() -> Path:
    return Path(settings.get(CHROMIUM_ENV))


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium browser (Playwright), closed on exit."""
    path = chromium_path()
    if not path.exists():
        raise ChromiumMissing(f"{path} missing: install the Debian package chromium "
                              f"(apt-get install chromium) or set {CHROMIUM_ENV}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(path), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def print_pdfs(pages: list[tuple[Path, Path]]) -> list[Path]:
    """Print each (html, pdf) pair with one browser; returns the PDFs written."""
    written = []
    with chromium() as browser:
        page = browser.new_page()
        try:
            for html, pdf in pages:
                page.goto(html.resolve().as_uri(), wait_until="load")
                page.emulate_media(media="print")
                pdf.parent.mkdir(parents=True, exist_ok=True)
                page.pdf(path=str(pdf), format="A4", print_background=True,
                         prefer_css_page_size=True, display_header_footer=True,
                         header_template="<span></span>",
                         footer_template='<div style="font-size:8px;width:100%;'
                                         'text-align:center;color:#777">'
                                         '<span class="pageNumber"></span> / '
                                         '<span class="totalPages"></span></div>',
                         margin={"top": "14mm", "bottom": "16mm", "left": "12mm",
                                 "right": "12mm"})
                written.append(pdf)
        finally:
            page.close()
    return written
