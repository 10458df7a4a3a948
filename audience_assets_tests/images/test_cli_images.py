"""`audience images`: the contract (one JSON line per candidate, best first; exit 0 even
with none; exit 2 and one line for bad input)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audience_assets.cli import main
from audience_lab.press_cases import CASES
from audience_lab.sample_site import SiteServer, write_sources

KEYS = ["rank", "image_url", "page_url", "score", "published", "width", "height", "sha256",
        "default", "reasons"]


@pytest.fixture
def fast(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("AUDIENCE_IMAGES_DELAY_S", "0")
    monkeypatch.setenv("AUDIENCE_OUTPUT_DIR", str(tmp_path / "out"))
    return tmp_path


def _sheet(tmp: Path, data: object) -> str:
    path = tmp / "sheet.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_prints_ranked_candidates_as_json_lines(site: SiteServer, fast: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    case = CASES[0]
    sources = write_sources(site.root, site.url, fast / "images.yaml", shows=(case.show,))
    sheet = _sheet(fast, {"title": case.show.handle, "channel": case.show.channel})
    code = main(["images", "--record", sheet, "--date", case.date, "--sources", str(sources),
                 "--text", case.post])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0
    assert all(list(line) == KEYS for line in lines)
    assert [line["rank"] for line in lines] == list(range(1, len(lines) + 1))
    assert lines[0]["image_url"].endswith(case.best) and lines[0]["default"] is False
    assert [line["default"] for line in lines[-3:]] == [True, True, True]
    crawled = [line["score"] for line in lines if not line["default"]]
    assert crawled == sorted(crawled, reverse=True)
    assert (fast / "out" / "images" / f"{lines[0]['sha256']}.jpg").is_file()
    assert (fast / "out" / "images" / "http-cache" / "index.json").is_file()


def test_no_candidates_is_not_an_error(fast: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sources = fast / "empty.yaml"
    sources.write_text("sources: []\n", encoding="utf-8")
    code = main(["images", "--record", _sheet(fast, {"title": "@nadie", "channel": "@x"}),
                 "--date", "2026-01-12", "--sources", str(sources)])
    assert code == 0 and capsys.readouterr().out == ""


@pytest.mark.parametrize(("args", "message"), [
    (["--record", "absent.json"], "cannot read a JSON fact sheet"),
    (["--record", "SHEET:[1, 2]"], "expected a JSON object with a title"),
    (["--date", "12/01/2026"], "not a date"),
    (["--sources", "SOURCES:sources: [{url: nope}]"], "sources.0.url"),
])
def test_bad_input_exits_2_with_one_line(fast: Path, args: list[str], message: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    values = {"--record": _sheet(fast, {"title": "@a", "channel": "@b"}),
              "--date": "2026-01-12", "--sources": str(fast / "ok.yaml")}
    (fast / "ok.yaml").write_text("sources: []\n", encoding="utf-8")
    flag, value = args
    if value.startswith("SHEET:"):
        value = _sheet(fast, json.loads(value[6:]))
    elif value.startswith("SOURCES:"):
        (fast / "bad.yaml").write_text(value[8:], encoding="utf-8")
        value = str(fast / "bad.yaml")
    elif flag == "--record":
        value = str(fast / value)
    values[flag] = value
    argv = ["images"] + [x for pair in values.items() for x in pair]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and err.startswith("audience images: ")
