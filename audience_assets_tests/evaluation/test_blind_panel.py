"""benchmarks/blind_panel.py builds blind forms from writers plus the editors' frozen
posts (issue 21, item 7); here with the template writer (no model needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audience_assets.drafting.validation import validate
from benchmarks.blind_panel import load_references, main

pytestmark = pytest.mark.timeout(300)


def test_the_reference_posts_are_ten_and_valid() -> None:
    refs = load_references()
    assert len(refs) == 10
    assert [r["sheet"]["title"] for r in refs[:5]] == [
        "@basuraotesoro", "@laruletasuerte", "@navedelmisterio", "@eldebatedegh",
        "Final Supercopa de España @realmadrid vs @fcbarcelona_es"]
    for ref in refs:
        assert validate(ref["text"], ref["sheet"]).valid, ref["text"]


def test_the_panel_writes_blind_forms_with_the_editor_among_the_writers(tmp_path: Path
                                                                        ) -> None:
    assert main(["--writers", "template", "--reviewers", "2", "--sheets", "3",
                 "--out", str(tmp_path), "--seed", "1"]) == 0
    key = json.loads((tmp_path / "clave.json").read_text(encoding="utf-8"))
    assert {e["model"] for e in key["codes"].values()} == {"editor", "template"}
    forms = sorted(p.name for p in (tmp_path / "formularios").iterdir())
    assert forms == ["evaluacion_R01.html", "evaluacion_R01.xlsx", "evaluacion_R02.html",
                     "evaluacion_R02.xlsx"]
    page = (tmp_path / "formularios" / "evaluacion_R01.html").read_text(encoding="utf-8")
    assert "editor" not in page and "template" not in page
