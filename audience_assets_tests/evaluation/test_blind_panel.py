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


def test_the_week_reference_posts_are_ten_valid_real_sheets_and_a_panel_reads_them(
        tmp_path: Path) -> None:
    path = Path(__file__).resolve().parents[2] / "data" / "evaluation" / \
        "reference_posts_week.jsonl"
    refs = load_references(path)
    assert len(refs) == 10
    assert all(r["sheet"]["broadcast_date"] in ("2026-11-18", "2026-11-19") for r in refs)
    for ref in refs:
        assert validate(ref["text"], ref["sheet"]).valid, ref["text"]
    assert main(["--writers", "template", "--reviewers", "1", "--sheets", "2",
                 "--references", str(path), "--out", str(tmp_path), "--seed", "1"]) == 0
    run = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    assert [s["title"] for s in run["sheets"]] == ["@eldebatedegh", "PASAPALABRA"]


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


def test_the_markdown_forms_and_answers_file_are_blind_and_score(tmp_path: Path) -> None:
    from audience_assets.evaluation.scores import read_forms
    from benchmarks.panel_markdown import main as markdown

    assert main(["--writers", "template", "--reviewers", "1", "--sheets", "3",
                 "--out", str(tmp_path), "--seed", "7"]) == 0
    forms = tmp_path / "md"
    assert markdown(["--run", str(tmp_path), "--forms", str(forms)]) == 0
    assert sorted(p.name for p in forms.iterdir()) == ["evaluacion_R01.json",
                                                       "evaluacion_R01.md"]
    page = (forms / "evaluacion_R01.md").read_text(encoding="utf-8")
    blank = json.loads((forms / "evaluacion_R01.json").read_text(encoding="utf-8"))
    assert "editor" not in page and "template" not in page
    assert "template" not in json.dumps(blank) and "editor" not in json.dumps(blank)
    key = json.loads((tmp_path / "clave.json").read_text(encoding="utf-8"))
    assert sorted(a["code"] for a in blank["answers"]) == sorted(key["codes"])
    assert all(f"Código {a['code']}" in page for a in blank["answers"])
    # Filled as the Markdown says, it is read by `audience evaluate scores`.
    best: dict[int, int] = {}
    for answer in blank["answers"]:
        answer.update({c: 4 for c in ("naturalidad", "concision", "originalidad",
                                      "alucinacion", "hashtags_emojis", "global")})
        answer["best"] = best.setdefault(answer["sheet"], 0) < 2
        best[answer["sheet"]] += 1
    blank["level"] = "medio"
    filled = forms / "evaluacion_R01.json"
    filled.write_text(json.dumps(blank, ensure_ascii=False), encoding="utf-8")
    scores = read_forms([filled], tmp_path / "clave.json")
    assert {s.model for s in scores} == {"editor", "template"} and len(scores) == 6


def test_readers_of_one_form_are_pooled_as_separate_reviewers(capsys) -> None:
    """The 2026-12-03 panel: two readers filled the same form. Pooled, each post counts
    once per reader (the means are the readers' means averaged) and the agreement
    between them is defined; `audience evaluate scores` would refuse the second file."""
    from audience_assets.evaluation import scores
    from benchmarks.panel_readers import main as pool_readers

    folder = Path(__file__).resolve().parents[2] / "data/evaluation/panels/words-phrases-20261203"
    key = scores.load_key(folder / "clave.json")
    files = [folder / "respuestas_lector1.json", folder / "respuestas_lector2.json"]
    alone = [scores.aggregate(scores.read_form(f, key)) for f in files]
    with pytest.raises(scores.FormError, match="already read"):
        scores.read_forms(files, folder / "clave.json")
    assert pool_readers(["--key", str(folder / "clave.json"), *map(str, files)]) == 0
    out = capsys.readouterr().out
    assert "2 reviewer(s)" in out
    alpha = [line for line in out.split("Inter-rater agreement")[1].splitlines()
             if line.startswith("| Naturalidad")]
    assert len(alpha) == 1 and 0 < float(alpha[0].split("|")[2]) <= 1
    for model in ("editor", "template", "natural", "natural:phrases"):
        means = [float(r.per_model.loc[model, "global_mean"]) for r in alone]
        row = next(line for line in out.splitlines() if line.startswith(f"| {model} "))
        assert f"{sum(means) / 2:.2f} ±" in row.split("|")[7]
