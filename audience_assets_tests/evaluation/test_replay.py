"""benchmarks/replay.py without a model: the editor's decisions recorded through the desk,
the pool built from SQL, the edit-distance scores, and blind forms whose key and run
stay out of the reader's folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audience_assets.drafting.writing import templates
from audience_assets.drafting.writing.natural import fill_wording, load_examples, post_hashtags
from audience_assets.drafting.writing.pool import load_pool_file
from audience_assets.records import FactSheet
from benchmarks.replay import edit_distance, main

pytestmark = pytest.mark.timeout(120)

PLAN = Path(__file__).resolve().parents[2] / "data" / "evaluation" / "replay" / "week_plan_x.jsonl"
STATIC = load_examples()


def _write(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    plan = [json.loads(line) for line in PLAN.read_text(encoding="utf-8").splitlines()]
    (tmp_path / "week_plan_x.jsonl").write_text(PLAN.read_text(encoding="utf-8"))
    drafts, corrections, editor, base, pool = [], [], [], [], []
    for i, item in enumerate(plan):
        sheet = FactSheet.from_dict(item["sheet"])
        examples = STATIC.with_event if sheet.event else STATIC.without_event
        example = examples[i % len(examples)]
        text = templates.assemble(fill_wording(example.text, sheet), example.emojis,
                                  post_hashtags(sheet))
        where = {k: item[k] for k in ("day", "date", "rank", "sheet_key")}
        if item["day"] <= 3:
            drafts.append({**where, "text": text, "valid": True, "writer": "natural"})
            decision = ("approved", "edited", "rejected")[i % 3]
            corrections.append({**where, "draft_text": text, "decision": decision,
                                "text": text.replace(example.emojis[0], "🎯")
                                if decision == "edited" else text, "editor": "ed"})
        else:
            editor.append({**where, "text": text, "editor": "ed"})
            if item["rank"] <= 2:
                base.append({**where, "text": text + " extra", "valid": True,
                             "writer": "natural"})
                pool.append({**where, "text": text, "valid": True,
                             "writer": "template_fallback"})
    _write(tmp_path / "drafts_days1-3.jsonl", drafts)
    _write(tmp_path / "editor_days1-3.jsonl", corrections)
    _write(tmp_path / "editor_days4-7.jsonl", editor)
    _write(tmp_path / "drafts_days4-7_base.jsonl", base)
    _write(tmp_path / "drafts_days4-7_pool.jsonl", pool)
    return tmp_path


def test_the_desk_step_records_decisions_and_builds_the_pool_from_sql(folder, capsys) -> None:
    assert main(["--dir", str(folder), "desk", "--db", str(folder / "desk.sqlite")]) == 0
    out = capsys.readouterr().out
    assert "{'approved': 8, 'edited': 8, 'rejected': 8}" in out and "16 approvals" in out
    pool = load_pool_file(folder / "pool_examples.yaml", STATIC.emojis)
    assert pool.examples and all(e.provenance["approved_by"] == "ed" for e in pool.examples)
    assert any(e.provenance["edited"] for e in pool.examples)


def test_scores_and_forms(folder, tmp_path_factory, capsys) -> None:
    assert edit_distance("a b c d", "a b c d") == 0.0
    assert edit_distance("a b c d", "a x c d") == 0.25
    assert main(["--dir", str(folder), "score"]) == 0
    scores = {r["condition"]: r for r in json.loads(
        (folder / "scores_days4-7.json").read_text(encoding="utf-8"))}
    assert scores["pool"]["edit distance median"] == 0.0 < scores["base"]["edit distance median"]
    assert (scores["pool"]["fallbacks"], scores["base"]["fallbacks"]) == (8, 0)
    forms, keys = tmp_path_factory.mktemp("panel"), tmp_path_factory.mktemp("keys")
    assert main(["--dir", str(folder), "forms", "--forms-dir", str(forms),
                 "--key-dir", str(keys)]) == 0
    assert sorted(p.name for p in keys.iterdir()) == ["clave.json", "run.json"]
    names = sorted(p.name for p in forms.iterdir())
    assert names == ["INSTRUCCIONES.txt", "evaluacion_R01.html",
                     "evaluacion_R01.plantilla.json", "evaluacion_R01.xlsx"]
    template = json.loads((forms / "evaluacion_R01.plantilla.json").read_text())
    assert len(template["answers"]) == 3 * 8  # 8 stories drafted by both, 3 posts each
    for name in names:  # the writers are never named beside the forms
        if name.endswith((".json", ".txt", ".html")):
            text = (forms / name).read_text(encoding="utf-8")
            assert '"base"' not in text and '"pool"' not in text and "editor" not in text
