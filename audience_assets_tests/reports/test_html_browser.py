"""The HTML report in headless Chromium at a phone's and a desktop's width (no table wider
than the page, nothing asked outside the page), and the PDF printed from it by the
production code (A4, no table cut by a page break). Screenshots of the page at both widths
and of the PDF's first two pages go to var/test-artifacts/reports/."""

from __future__ import annotations

import re
import shutil
import subprocess
from contextlib import closing

import pytest

from audience_assets.reports.html import write_html
from audience_assets.reports.pdf import print_pdfs
from audience_assets_tests.browser import ARTIFACTS, chromium

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]
OUT = ARTIFACTS / "reports"

OVERFLOW = """() => ({
  page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
  tables: Array.from(document.querySelectorAll('table')).filter(t => t.offsetParent !== null)
    .map(t => [t.id || t.previousElementSibling?.textContent?.slice(0, 40) || '?',
               t.scrollWidth, t.parentElement.clientWidth]),
})"""


@pytest.fixture(scope="module")
def pages(day_data, tmp_path_factory):
    folder = tmp_path_factory.mktemp("html")
    return {name: write_html(report, folder / f"informe-{name}.html")
            for name, report in day_data["reports"].items()}


@pytest.fixture(scope="module")
def pdfs(pages):
    """Both profiles' PDFs, printed by the production code with one browser, as
    deliver.py prints them."""
    return dict(zip(pages, print_pdfs([(p, p.with_suffix(".pdf")) for p in pages.values()]),
                    strict=True))


@pytest.fixture(scope="module")
def browser(pdfs):
    """One Chromium for the module's checks; each test opens its page in a context of its
    own (Browser.new_page) and closes it. Started after the PDFs are printed: Playwright's
    sync API drives one browser session at a time in a thread."""
    with chromium() as launched:
        yield launched


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("name", ["mercado", "atresmedia"])
def test_the_page_fits_the_width_and_asks_for_nothing_outside(day_data, pages, browser, name,
                                                               width):
    report = day_data["reports"][name]
    path = pages[name]
    OUT.mkdir(parents=True, exist_ok=True)
    with closing(browser.new_page(viewport={"width": width, "height": 900})) as page:
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(path.as_uri())
        measured = page.evaluate(OVERFLOW)
        assert measured["page"][0] <= measured["page"][1], measured["page"]
        assert len(measured["tables"]) >= 6
        wide = [t for t in measured["tables"] if t[1] > t[2]]
        assert wide == [], wide
        assert page.locator("h1").inner_text() == report.profile.title
        assert page.locator(".date").inner_text().startswith("Miércoles 18 de noviembre de 2026")
        first = report.top_overall[0]
        cell = page.locator("#top + p + table tbody tr").first.locator("td").first
        assert cell.inner_text().endswith(first.name)
        assert page.locator("svg path.line").count() == len(report.minutes)
        assert page.locator("svg rect.gap").count() == sum(len(m.gaps) for m in report.minutes)
        assert page.locator("svg rect.bar").count() == len(report.channel_shares)
        client_rows = page.locator("#channel-shares tr.client").count()
        assert client_rows == sum(s.client for s in report.channel_shares)
        page.screenshot(path=str(OUT / f"{name}-{width}px.png"), full_page=True)
    assert requests == [path.as_uri()]


def test_on_a_phone_a_row_reads_as_labelled_cells(day_data, pages, browser):
    with closing(browser.new_page(viewport={"width": 390, "height": 900})) as page:
        page.goto(pages["atresmedia"].as_uri())
        row = page.locator("#top + p + table tbody tr").first
        label = row.locator("td").nth(4).evaluate(
            "td => getComputedStyle(td, '::before').content")
        assert label == '"Espectadores únicos"'
        assert row.locator("td").nth(4).is_visible()


def _pdf_pages(pdf):
    count = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True,
        timeout=60).stdout).group(1))
    texts = []
    for n in range(1, count + 1):
        text = subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"],
                              capture_output=True, text=True, check=True, timeout=60).stdout
        texts.append(" ".join(text.replace("\u00a0", " ").split()))
    return texts


@pytest.mark.skipif(shutil.which("pdftotext") is None,
                    reason="poppler-utils missing (scripts/bootstrap installs it)")
@pytest.mark.parametrize("name", ["mercado", "atresmedia"])
def test_the_pdf_is_a4_and_no_table_is_cut_by_a_page_break(day_data, pages, pdfs, browser,
                                                           name):
    pdf = pdfs[name]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True,
                          timeout=60).stdout
    assert re.search(r"Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)", info), info
    texts = _pdf_pages(pdf)
    assert len(texts) >= 2
    with closing(browser.new_page()) as page:
        page.goto(pages[name].as_uri())
        page.emulate_media(media="print")
        tables = page.evaluate("""() => Array.from(document.querySelectorAll('table'))
          .filter(t => !t.closest('details'))
          .map(t => Array.from(t.querySelectorAll('tbody td'))
            .map(td => td.innerText.trim()).filter(Boolean))""")
    assert len(tables) >= 6
    for cells in tables:
        # pdftotext writes a table column by column: every cell of the table on one and
        # the same page
        wanted = {" ".join(c.split()) for c in cells}
        assert any(all(w in text for w in wanted) for text in texts), sorted(wanted)[:5]
    report = day_data["reports"][name]
    assert report.long_date in texts[0].lower()
    OUT.mkdir(parents=True, exist_ok=True)
    if shutil.which("pdftoppm"):
        for old in OUT.glob(f"{name}-pdf-page-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "2", str(pdf),
                        str(OUT / f"{name}-pdf-page")], check=True, timeout=120)
        # pdftoppm pads the page number to the page count's width
        assert len(list(OUT.glob(f"{name}-pdf-page-*.png"))) == 2
