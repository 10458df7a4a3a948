"""The HTML report in headless Chromium: it renders its tables and charts and asks for
nothing outside the page."""

from __future__ import annotations

import pytest

from audience_assets.reports.html import write_html
from audience_assets_tests.browser import ARTIFACTS, chromium

pytestmark = pytest.mark.browser


def test_html_report_renders_offline_with_no_outside_request(day_data, tmp_path):
    path = write_html(day_data["report"], tmp_path / "informe.html")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(path.as_uri())
        assert page.locator("h1").inner_text().endswith(day_data["report"].date)
        assert page.locator("svg").count() == 1 + len(day_data["report"].minutes)
        assert page.locator("svg rect.bar").count() == len(day_data["report"].channel_shares)
        assert page.locator("svg polyline").count() == len(day_data["report"].minutes)
        first = day_data["report"].top_overall[0]
        assert page.locator("table").first.locator("tr").nth(1).locator(
            "td").first.inner_text() == first.title
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "report-html.png"), full_page=False)
    assert requests == [path.as_uri()]
