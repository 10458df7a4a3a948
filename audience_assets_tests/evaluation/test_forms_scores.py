"""Blind forms end to end without a server: build them from a run, fill them as
reviewers would, read them back with the key and check the study's figures."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import pytest
from openpyxl import load_workbook

from audience_assets.cli import main
from audience_assets.evaluation import forms as F
from audience_assets.evaluation.scores import (
    FormError,
    aggregate,
    group_table,
    read_forms,
    report_text,
    study_table,
    write_report,
)
from audience_assets_tests.evaluation.helpers import fill_xlsx, key_of, run_of

MODELS = ["modelo-a:7b", "modelo-b:14b", "modelo-c:27b", "modelo-d:32b"]
BASE = {"modelo-a:7b": 2, "modelo-b:14b": 3, "modelo-c:27b": 4, "modelo-d:32b": 5}
LEVEL_OF = {"R01": "bajo", "R02": "medio", "R03": "alto"}


def known_score(reviewer: str, model: str, criterion: str, sheet: int) -> int:
    """Model d is 5 for everyone; R02 scores the others one point lower, so its
    mean differs from R01's and R03's."""
    value = BASE[model] - (1 if reviewer == "R02" and model != "modelo-d:32b" else 0)
    return max(1, value)


def best_two(reviewer: str, model: str, sheet: int) -> bool:
    return model in ("modelo-c:27b", "modelo-d:32b")


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, dict]:
    run = run_of(MODELS, n_sheets=3)
    written = F.build_forms(run, reviewers=3, out=tmp_path / "eval", seed=7)
    assert written.key == tmp_path / "eval" / F.KEY_FILE
    assert len(written.forms) == 6 and all(p.parent == written.forms_dir for p in written.forms)
    return tmp_path / "eval", key_of(tmp_path / "eval")


def filled(folder: Path, key: dict, score=known_score, best=best_two) -> list[Path]:
    return [fill_xlsx(folder / F.FORMS_DIR / f"evaluacion_{r}.xlsx", key, LEVEL_OF[r], score, best)
            for r in key["reviewers"]]


def test_forms_are_blind_shuffled_validated_and_the_key_lives_apart(built) -> None:
    folder, key = built
    assert not (folder / F.FORMS_DIR / F.KEY_FILE).exists()
    orders = []
    for reviewer in key["reviewers"]:
        xlsx = folder / F.FORMS_DIR / f"evaluacion_{reviewer}.xlsx"
        html = (folder / F.FORMS_DIR / f"evaluacion_{reviewer}.html").read_text(encoding="utf-8")
        wb = load_workbook(xlsx)
        ws = wb[F.SHEET_NAME]
        text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
        assert not any(m in text or m in html for m in MODELS)  # blind
        assert "Naturalidad" in text and "Instrucciones" in wb.sheetnames
        codes = [ws.cell(row=r, column=F.COL_CODE).value
                 for r in range(F.HEADER_ROW + 1, ws.max_row + 1)
                 if ws.cell(row=r, column=F.COL_CODE).value]
        assert len(codes) == 3 * 4 and all(key["codes"][c]["reviewer"] == reviewer for c in codes)
        assert all(f"name='global-{c}'" in html for c in codes)
        orders.append([key["codes"][c]["model"] for c in codes])
        rules = {(dv.type, dv.formula1, dv.formula2) for dv in ws.data_validations.dataValidation}
        assert ("whole", "1", "5") in rules and ("list", '"bajo,medio,alto"', None) in rules
        score_ranges = next(str(dv.sqref) for dv in ws.data_validations.dataValidation
                            if dv.type == "whole")
        assert "E8" in score_ranges and "J8" in score_ranges  # first post row, all criteria
        assert ws.protection.sheet and not ws["E8"].protection.locked
    assert len({tuple(o) for o in orders}) > 1  # each reviewer has their own random order


def test_filled_forms_give_the_expected_means_best_two_and_groups(built, tmp_path) -> None:
    folder, key = built
    report = aggregate(read_forms(filled(folder, key), folder / F.KEY_FILE))
    per_model = report.per_model
    for model in MODELS:
        expected = [known_score(r, model, "global", 1) for r in ("R01", "R02", "R03")]
        assert per_model.loc[model, "global_mean"] == pytest.approx(statistics.mean(expected))
        assert per_model.loc[model, "naturalidad_count"] == 9  # 3 reviewers x 3 fact sheets
        assert per_model.loc[model, "global_std"] == pytest.approx(
            statistics.stdev(expected * 3))
    assert per_model.loc["modelo-d:32b", "best_two_share"] == 1.0
    assert per_model.loc["modelo-a:7b", "best_two_share"] == 0.0
    assert per_model.index[0] == "modelo-d:32b"  # sorted by the overall score
    group = report.per_group
    assert group.loc[("medio", "modelo-b:14b"), "global_mean"] == 2
    assert group.loc[("alto", "modelo-b:14b"), "global_mean"] == 3
    table = study_table(report)
    assert list(table.columns) == ["modelo", *(c[1] for c in F.CRITERIA), "n",
                                   "entre las dos mejores"]
    assert table.iloc[0]["Global"] == "5.00 ± 0.00"
    groups = group_table(report).set_index(["nivel LLM", "modelo"])
    assert list(groups.index.get_level_values(0).unique()) == ["bajo", "medio", "alto"]
    assert groups.loc[("medio", "modelo-b:14b"), "Naturalidad"] == "2.00 ± 0.00"
    assert groups.loc[("alto", "modelo-c:27b"), "n"] == 3
    assert "alfa de Krippendorff" in report_text(report)
    paths = write_report(report, tmp_path / "out")
    assert paths["chart"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    import pandas as pd
    for name in ("models", "groups", "alpha"):  # plain numbers, not "5.00 ± 0.00"
        frame = pd.read_csv(paths[name])
        numeric = frame.select_dtypes("number").columns
        assert len(numeric) >= 1 and not frame.astype(str).apply(
            lambda c: c.str.contains("±|%")).any().any(), name
    assert pd.read_csv(paths["models"])["global_mean"].iloc[0] == 5.0


def test_krippendorff_alpha_matches_a_hand_computation(tmp_path) -> None:
    """Two reviewers, three posts of one fact sheet; "global" 1,2,3 and 1,2,4.
    Interval: n=6 pairable values, D_o = (1/6)*2*(3-4)^2 = 1/3,
    D_e = 2*(6*35 - 13^2)/(6*5) = 82/30, alpha = 1 - D_o/D_e = 36/41.
    Nominal: D_o = 2/6, D_e = 26/30 (26 of 30 ordered pairs differ), alpha = 8/13."""
    run = run_of(MODELS[:3], n_sheets=1)
    F.build_forms(run, reviewers=2, out=tmp_path, seed=3)
    key = key_of(tmp_path)
    given = {("R01", "modelo-a:7b"): 1, ("R01", "modelo-b:14b"): 2, ("R01", "modelo-c:27b"): 3,
             ("R02", "modelo-a:7b"): 1, ("R02", "modelo-b:14b"): 2, ("R02", "modelo-c:27b"): 4}
    paths = [fill_xlsx(tmp_path / F.FORMS_DIR / f"evaluacion_{r}.xlsx", key, "medio",
                       lambda rv, m, c, s: given[(rv, m)],
                       lambda rv, m, s: m != "modelo-a:7b") for r in ("R01", "R02")]
    scores = read_forms(paths, tmp_path / F.KEY_FILE)
    assert aggregate(scores, "interval").alpha["global"] == pytest.approx(36 / 41)
    assert aggregate(scores, "nominal").alpha["global"] == pytest.approx(8 / 13)


def test_the_html_forms_answers_are_read_like_the_xlsx(built) -> None:
    folder, key = built
    page = (folder / F.FORMS_DIR / "evaluacion_R03.html").read_text(encoding="utf-8")
    assert "Devuelva ese archivo JSON" in page and "evaluacion_R03.json" in page
    paths = filled(folder, key)[:2]
    codes = [c for c, e in key["codes"].items() if e["reviewer"] == "R03"]
    answers = {"format": F.ANSWERS_FORMAT, "reviewer": "R03", "run_id": key["run_id"],
               "level": "alto", "answers": [
                   {"code": c, "best": best_two("R03", key["codes"][c]["model"], 1),
                    **{cid: known_score("R03", key["codes"][c]["model"], cid, 1)
                       for cid in F.CRITERION_IDS}} for c in codes]}
    saved = folder / "evaluacion_R03.json"
    saved.write_text(json.dumps(answers), encoding="utf-8")
    from_html = aggregate(read_forms([*paths, saved], folder / F.KEY_FILE))
    from_xlsx = aggregate(read_forms(filled(folder, key), folder / F.KEY_FILE))
    assert from_html.per_model.equals(from_xlsx.per_model)


@pytest.mark.parametrize(("score", "message"), [
    (lambda r, m, c, s: 7 if (r, m, c) == ("R01", "modelo-b:14b", "originalidad") else 3,
     r"evaluacion_R01_lleno\.xlsx: cell G\d+ \(Originalidad, code \w{4}\) has 7, not a whole "
     r"score 1-5"),
    (lambda r, m, c, s: None if (r, m, c, s) == ("R01", "modelo-a:7b", "global", 2) else 3,
     r"evaluacion_R01_lleno\.xlsx: cell J\d+ \(Global, code \w{4}\) is empty"),
    (lambda r, m, c, s: 3.5, r"has 3\.5, not a whole score"),
])
def test_a_bad_score_names_the_file_and_the_cell(built, score, message) -> None:
    folder, key = built
    with pytest.raises(FormError, match=message):
        read_forms(filled(folder, key, score=score), folder / F.KEY_FILE)


def test_a_missing_level_or_wrong_best_two_is_refused(built) -> None:
    folder, key = built
    form = folder / F.FORMS_DIR / "evaluacion_R01.xlsx"
    no_level = fill_xlsx(form, key, None, known_score, best_two)
    with pytest.raises(FormError, match=r"cell B4 \(nivel de conocimiento de LLM\) is empty"):
        read_forms([no_level], folder / F.KEY_FILE)
    three_best = fill_xlsx(form, key, "bajo", known_score,
                           lambda r, m, s: m != "modelo-a:7b" or s != 2)
    with pytest.raises(FormError, match=r"fact sheet 2: mark exactly two posts as best, found 3"):
        read_forms([three_best], folder / F.KEY_FILE)


def test_a_wrong_key_is_named(built, tmp_path, capsys) -> None:
    folder, key = built
    other = tmp_path / "other"
    F.build_forms(run_of(MODELS), reviewers=3, out=other, seed=99)  # same run, other codes
    forms = filled(folder, key)
    with pytest.raises(FormError, match=r"code '\w{4}' is not in the key clave\.json"):
        read_forms(forms, other / F.KEY_FILE)
    code = main(["evaluate", "scores", *map(str, forms), "--key", str(other / F.KEY_FILE)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "evaluacion_R01_lleno.xlsx" in err
    assert main(["evaluate", "scores", *map(str, forms), "--key",
                 str(folder / F.KEY_FILE)]) == 0
    assert "modelo-d:32b" in capsys.readouterr().out


def test_the_same_reviewer_twice_is_refused(built) -> None:
    folder, key = built
    first = filled(folder, key)[0]
    with pytest.raises(FormError, match="reviewer R01's form was already read"):
        read_forms([first, first], folder / F.KEY_FILE)


def test_forms_cli_writes_forms_and_key_and_refuses_bad_input(tmp_path, capsys) -> None:
    run = run_of(MODELS[:2], n_sheets=2)
    run.save(tmp_path / "run")
    assert main(["evaluate", "forms", "--run", str(tmp_path / "run"), "--reviewers", "2",
                 "--out", str(tmp_path / "f")]) == 0
    assert len(list((tmp_path / "f" / F.FORMS_DIR).glob("*.xlsx"))) == 2
    assert "keep" in capsys.readouterr().err
    assert main(["evaluate", "forms", "--run", str(tmp_path / "nope"), "--reviewers", "2",
                 "--out", str(tmp_path / "g")]) == 2
    assert "cannot read run" in capsys.readouterr().err


@pytest.mark.timeout(10)
def test_a_sheet_says_whose_figures_they_are() -> None:
    """A post's scope note ("Cifras del conjunto de España") is data, not an invention,
    only if the reader sees the figures' target and region beside them."""
    from audience_assets.records import FactSheet

    regional = FactSheet("@eldebatedegh", "@telecincoes", 3_207_000, 932_000, 11.9,
                         "Lo más visto del día en Andalucía", target="Total Individuos (4+)",
                         region="Total España")
    line = F.fact_line(regional)
    assert "cifras de: Total Individuos (4+), Total España" in line
    assert line.index("cifras de:") < line.index("evento: Lo más visto del día en Andalucía")
