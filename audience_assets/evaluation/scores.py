"""Filled blind forms + their key -> the study's tables.

Reads the XLSX forms (and the JSON the HTML form saves), refuses anything that is
not a whole score 1-5, an empty score, a code the key does not know or a fact
sheet without exactly two "best" marks, naming the file and the cell. Then per
model: mean, standard deviation and n of every criterion, how often it was chosen
among the best two; the same per reviewer group (LLM knowledge: bajo, medio,
alto); and the inter-rater agreement per criterion as Krippendorff's alpha (the
`krippendorff` package; a unit is one model's post of one fact sheet, which every
reviewer scores under a different code).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from audience_assets.evaluation.forms import (
    ANSWERS_FORMAT,
    BEST_MARK,
    COL_BEST,
    COL_CODE,
    COL_SHEET,
    CRITERIA,
    CRITERION_IDS,
    FIRST_SCORE_COL,
    HEADER_ROW,
    HEADERS,
    KEY_FORMAT,
    LEVEL_CELL,
    LEVELS,
    REVIEWER_CELL,
    RUN_CELL,
    SHEET_NAME,
)
from audience_assets.evaluation.runs import EvaluationInputError

TITLES = {cid: title for cid, title, _ in CRITERIA}
MAX_LISTED = 4


class FormError(ValueError):
    """A filled form cannot be counted; the message names the file and the cells."""


@dataclass(frozen=True)
class Score:
    """One reviewer's verdict on one post."""

    reviewer: str
    level: str
    sheet: int
    sheet_key: str
    code: str
    model: str
    best: bool
    scores: dict[str, int]


def load_key(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    try:
        key = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise EvaluationInputError(f"cannot read key {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise EvaluationInputError(f"{path}: not JSON ({exc.msg})") from None
    if not isinstance(key, dict) or key.get("format") != KEY_FORMAT:
        raise EvaluationInputError(f"{path}: not a key written by `audience evaluate forms`")
    key["path"] = str(path)
    return key


@dataclass
class _Answer:
    where: str  # the code's cell (XLSX) or item (JSON)
    code: str
    best: bool
    values: dict[str, tuple[str, Any]]  # criterion -> (cell, raw value)
    sheet_hint: Any = None


def _problems(name: str, problems: list[str]) -> FormError:
    shown = "; ".join(problems[:MAX_LISTED])
    more = f" (and {len(problems) - MAX_LISTED} more)" if len(problems) > MAX_LISTED else ""
    return FormError(f"{name}: {shown}{more}")


def _read_xlsx(path: Path) -> tuple[str, str, str, list[_Answer]]:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        wb = load_workbook(path, data_only=True, read_only=True)
    except Exception as exc:  # zip, XML or format errors of a damaged file
        raise FormError(f"{path.name}: not a readable XLSX ({exc})") from None
    try:
        if SHEET_NAME not in wb.sheetnames:
            raise FormError(f"{path.name}: no sheet «{SHEET_NAME}»; not an evaluation form")
        ws = wb[SHEET_NAME]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()

    def cell(ref: str) -> Any:
        from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

        letters, row = coordinate_from_string(ref)
        col = column_index_from_string(letters)
        return rows[row - 1][col - 1] if row <= len(rows) and col <= len(rows[row - 1]) else None

    header = tuple(str(v or "").strip() for v in (rows[HEADER_ROW - 1] if len(rows) >= HEADER_ROW
                                                   else ()))[:len(HEADERS)]
    if header != HEADERS:
        raise FormError(f"{path.name}: row {HEADER_ROW} is not the form's header; "
                        "not an evaluation form (or its columns were moved)")
    answers = []
    for number, row in enumerate(rows[HEADER_ROW:], HEADER_ROW + 1):
        padded = row + [None] * (FIRST_SCORE_COL + len(CRITERIA) - len(row))
        code = padded[COL_CODE - 1]
        if code is None or not str(code).strip():
            continue  # a fact sheet's data row, or blank
        values = {}
        for i, cid in enumerate(CRITERION_IDS):
            col = FIRST_SCORE_COL + i
            values[cid] = (f"{get_column_letter(col)}{number}", padded[col - 1])
        mark = str(padded[COL_BEST - 1] or "").strip().lower()
        answers.append(_Answer(
            where=f"{get_column_letter(COL_CODE)}{number}", code=str(code).strip(),
            best=bool(mark), values=values, sheet_hint=padded[COL_SHEET - 1]))
        if mark and mark != BEST_MARK:
            raise FormError(f"{path.name}: cell {get_column_letter(COL_BEST)}{number}: "
                            f"{mark!r} is not a mark; write {BEST_MARK!r} or leave it empty")
    return (str(cell(REVIEWER_CELL) or "").strip(), str(cell(RUN_CELL) or "").strip(),
            str(cell(LEVEL_CELL) or "").strip().lower(), answers)


def _read_json(path: Path) -> tuple[str, str, str, list[_Answer]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FormError(f"{path.name}: not readable JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != ANSWERS_FORMAT:
        raise FormError(f"{path.name}: not answers saved from an evaluation form")
    answers = []
    for i, item in enumerate(data.get("answers") or [], 1):
        where = f"answer {i}"
        values = {cid: (f"answer {i} ({item.get('code')}) «{cid}»", item.get(cid))
                  for cid in CRITERION_IDS}
        answers.append(_Answer(where, str(item.get("code") or ""), bool(item.get("best")),
                               values))
    return (str(data.get("reviewer") or ""), str(data.get("run_id") or ""),
            str(data.get("level") or "").strip().lower(), answers)


def _score(raw: Any) -> int | None:
    """A whole number 1-5 (Excel stores 4 as 4.0), else None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str):
        raw = raw.strip()
        if not raw.isdigit():
            return None
        raw = int(raw)
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return raw if isinstance(raw, int) and 1 <= raw <= 5 else None


def read_form(path: str | Path, key: dict[str, Any]) -> list[Score]:
    path = Path(path)
    reader = _read_json if path.suffix.lower() == ".json" else _read_xlsx
    if path.suffix.lower() not in (".json", ".xlsx"):
        raise FormError(f"{path.name}: expected a filled form (.xlsx) or saved answers (.json)")
    if not path.is_file():
        raise FormError(f"{path}: no such file")
    reviewer, run_id, level, answers = reader(path)
    key_name = Path(key["path"]).name
    if run_id != key["run_id"]:
        raise FormError(f"{path.name}: a form of run {run_id or '(none)'}, but {key_name} is the "
                        f"key of run {key['run_id']}: wrong key?")
    problems = []
    if level not in LEVELS:
        where = f"cell {LEVEL_CELL}" if path.suffix.lower() == ".xlsx" else "«level»"
        problems.append(f"{where} (nivel de conocimiento de LLM) is "
                        f"{'empty' if not level else repr(level)}; expected "
                        f"{', '.join(LEVELS)}")
    scores: list[Score] = []
    best_per_sheet: dict[int, list[str]] = {}
    seen_codes: set[str] = set()
    for answer in answers:
        entry = key["codes"].get(answer.code)
        if entry is None:
            problems.append(f"cell {answer.where}: code {answer.code!r} is not in the key "
                            f"{key_name} (a form of another run, or the wrong key)")
            continue
        if entry["reviewer"] != reviewer:
            problems.append(f"cell {answer.where}: code {answer.code} belongs to reviewer "
                            f"{entry['reviewer']}'s form, not {reviewer}'s")
            continue
        seen_codes.add(answer.code)
        values: dict[str, int] = {}
        for cid, (cell, raw) in answer.values.items():
            value = _score(raw)
            if value is None:
                what = "is empty" if raw is None or str(raw).strip() == "" else (
                    f"has {raw!r}, not a whole score 1-5")
                problems.append(f"cell {cell} ({TITLES[cid]}, code {answer.code}) {what}")
            else:
                values[cid] = value
        best_per_sheet.setdefault(int(entry["sheet"]), [])
        if answer.best:
            best_per_sheet[int(entry["sheet"])].append(answer.where)
        scores.append(Score(reviewer, level, int(entry["sheet"]), str(entry["sheet_key"]),
                            answer.code, str(entry["model"]), answer.best, values))
    expected = {c for c, e in key["codes"].items() if e["reviewer"] == reviewer}
    if not problems and seen_codes != expected:
        problems.append(f"posts {', '.join(sorted(expected - seen_codes))} of reviewer "
                        f"{reviewer} are missing from the form")
    for sheet, marked in sorted(best_per_sheet.items()):
        if len(marked) != 2:
            problems.append(f"fact sheet {sheet}: mark exactly two posts as best, found "
                            f"{len(marked)}{': ' + ', '.join(marked) if marked else ''}")
    if problems:
        raise _problems(path.name, problems)
    return scores


def read_forms(paths: Sequence[str | Path], key_path: str | Path) -> list[Score]:
    key = load_key(key_path)
    scores: list[Score] = []
    reviewers: dict[str, str] = {}
    for path in paths:
        form_scores = read_form(path, key)
        for reviewer in {s.reviewer for s in form_scores}:
            if reviewer in reviewers:
                raise FormError(f"{Path(path).name}: reviewer {reviewer}'s form was already "
                                f"read from {reviewers[reviewer]}")
            reviewers[reviewer] = Path(path).name
        scores += form_scores
    if not scores:
        raise FormError("no scores in the given forms")
    return scores


# --- aggregation -----------------------------------------------------------------


@dataclass
class ScoreReport:
    long: pd.DataFrame  # one row per (reviewer, post, criterion)
    per_model: pd.DataFrame  # model x (criterion mean/sd/n, best-two share)
    per_group: pd.DataFrame  # (level, model) x (global mean/sd/n, best-two share)
    alpha: dict[str, float | None]  # criterion -> Krippendorff's alpha (None: not defined)
    alpha_level: str
    reviewers: int


def long_frame(scores: Sequence[Score]) -> pd.DataFrame:
    return pd.DataFrame([
        {"reviewer": s.reviewer, "level": s.level, "sheet": s.sheet, "sheet_key": s.sheet_key,
         "code": s.code, "model": s.model, "best": s.best, "criterion": cid, "score": value}
        for s in scores for cid, value in s.scores.items()
    ])


def krippendorff_alpha(long: pd.DataFrame, criterion: str, level: str = "ordinal"
                       ) -> float | None:
    """Alpha over reviewers x posts (model, fact sheet); None when it is not defined
    (one reviewer, or a single value used by everyone)."""
    import krippendorff

    rows = long[long["criterion"] == criterion]
    matrix = rows.pivot_table(index="reviewer", columns=["sheet_key", "model"], values="score",
                              aggfunc="first")
    if matrix.shape[0] < 2:
        return None
    data = matrix.to_numpy(dtype=float)
    if np.unique(data[~np.isnan(data)]).size < 2:
        return None
    try:
        value = float(krippendorff.alpha(reliability_data=data,
                                         level_of_measurement=level))  # type: ignore[arg-type]
    except (ValueError, ZeroDivisionError):
        return None
    return None if math.isnan(value) else value


def _per_model(long: pd.DataFrame, scores: Sequence[Score], by: list[str]) -> pd.DataFrame:
    stats = pd.DataFrame(long.groupby([*by, "criterion"])["score"].agg(["mean", "std", "count"])
                         .unstack("criterion"))
    names: list[str] = [f"{col[1]}_{col[0]}" for col in list(stats.columns)]
    stats.columns = pd.Index(names)
    posts = pd.DataFrame([{"reviewer": s.reviewer, "level": s.level, "model": s.model,
                           "best": s.best} for s in scores])
    best = posts.groupby(by)["best"].agg(["mean", "sum", "count"])
    best.columns = ["best_two_share", "best_two", "shown"]
    return stats.join(best)


def aggregate(scores: Sequence[Score], alpha_level: str = "ordinal") -> ScoreReport:
    long = long_frame(scores)
    per_model = _per_model(long, scores, ["model"]).sort_values("global_mean", ascending=False)
    per_group = _per_model(long, scores, ["level", "model"])
    alpha = {cid: krippendorff_alpha(long, cid, alpha_level) for cid in CRITERION_IDS}
    return ScoreReport(long, per_model, per_group, alpha, alpha_level,
                       reviewers=long["reviewer"].nunique())


def _cell(mean: float, sd: float, n: int) -> str:
    return f"{mean:.2f} ± {sd:.2f}" if n > 1 and not math.isnan(sd) else f"{mean:.2f}"


def _criteria_row(r: Any) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for cid, title, _ in CRITERIA:
        row[title] = _cell(r[f"{cid}_mean"], r[f"{cid}_std"], int(r[f"{cid}_count"]))
    row["n"] = int(r["global_count"])
    row["entre las dos mejores"] = (f"{r['best_two_share']:.0%} "
                                    f"({int(r['best_two'])}/{int(r['shown'])})")
    return row


def study_table(report: ScoreReport) -> pd.DataFrame:
    """The study's shape: a model per row; per criterion mean ± sd; n; chosen among
    the best two (chosen / shown)."""
    return pd.DataFrame([{"modelo": model, **_criteria_row(r)}
                         for model, r in report.per_model.iterrows()])


def group_table(report: ScoreReport) -> pd.DataFrame:
    """The same per reviewer group (level of LLM knowledge), then model."""
    rows = []
    for index, r in report.per_group.iterrows():
        level, model = (str(v) for v in index)  # type: ignore[attr-defined]
        rows.append({"nivel LLM": level, "modelo": model, **_criteria_row(r)})
    order = {level: i for i, level in enumerate(LEVELS)}
    rows.sort(key=lambda x: (order.get(str(x["nivel LLM"]), 9), str(x["modelo"])))
    return pd.DataFrame(rows)


def alpha_table(report: ScoreReport) -> pd.DataFrame:
    return pd.DataFrame([{"criterio": TITLES[cid],
                          f"alfa de Krippendorff ({report.alpha_level})":
                          "n/a" if value is None else f"{value:.3f}"}
                         for cid, value in report.alpha.items()])


def report_text(report: ScoreReport) -> str:
    from tabulate import tabulate

    def md(frame: pd.DataFrame) -> str:
        return tabulate(frame.to_dict("records"), headers="keys", tablefmt="github",
                        disable_numparse=True)

    return "\n\n".join([
        f"{report.reviewers} reviewer(s); scores 1-5, 5 best; mean ± sd",
        md(study_table(report)), "Per reviewer group (LLM knowledge):", md(group_table(report)),
        "Inter-rater agreement:", md(alpha_table(report))])


def chart_png(report: ScoreReport, dpi: int = 90) -> bytes:
    """Mean score per criterion and model, with the standard deviation as error bar."""
    import matplotlib

    matplotlib.use("Agg")  # no display on servers; must precede pyplot
    import matplotlib.pyplot as plt

    from audience_assets.analysis.charts import figure_png

    models = list(report.per_model.index)
    width = 0.8 / max(1, len(models))
    fig, ax = plt.subplots(figsize=(10, 4.5), dpi=dpi)
    try:
        for i, model in enumerate(models):
            r = report.per_model.loc[model]
            xs = [j + i * width for j in range(len(CRITERIA))]
            ax.bar(xs, [r[f"{c}_mean"] for c in CRITERION_IDS], width,
                   yerr=[0 if math.isnan(r[f"{c}_std"]) else r[f"{c}_std"]
                         for c in CRITERION_IDS], capsize=2, label=str(model))
        ax.set_xticks([j + 0.4 - width / 2 for j in range(len(CRITERIA))],
                      [title for _, title, _ in CRITERIA], fontsize=8)
        ax.set_ylim(0, 5.5)
        ax.set_ylabel("media (1-5)")
        ax.legend(fontsize=7)
        return figure_png(fig)
    finally:
        plt.close(fig)


def write_report(report: ScoreReport, out: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "scores": out / "puntuaciones.csv", "models": out / "por_modelo.csv",
        "groups": out / "por_grupo.csv", "alpha": out / "acuerdo.csv",
        "chart": out / "puntuaciones.png",
    }
    # CSV holds plain numbers (means, standard deviations, counts, shares as fractions)
    # for a spreadsheet; the formatted tables ("4.20 ± 0.30", "50% (2/4)") are printed.
    report.long.to_csv(paths["scores"], index=False)
    report.per_model.reset_index().to_csv(paths["models"], index=False)
    report.per_group.reset_index().to_csv(paths["groups"], index=False)
    pd.DataFrame([{"criterion": cid, "krippendorff_alpha": value,
                   "level_of_measurement": report.alpha_level}
                  for cid, value in report.alpha.items()]).to_csv(paths["alpha"], index=False)
    paths["chart"].write_bytes(chart_png(report))
    return paths
