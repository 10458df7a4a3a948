"""Blind review forms from an evaluation run, as the study ran its human evaluation.

Each reviewer gets one form: per fact sheet, the posts of different models in a
random order under neutral codes (new codes per reviewer), the study's criteria
scored 1-5 and the best two marked. Written as an XLSX (input cells validated
1-5, the rest protected) and as a self-contained HTML page whose answers are
saved as JSON; `scores.py` reads both. The key (code -> model) is a separate
file that never goes to the reviewers.
"""

from __future__ import annotations

import html
import json
import random
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audience_assets.drafting.validation.figures import format_share, format_viewers
from audience_assets.evaluation.runs import EvaluationInputError, EvaluationRun
from audience_assets.records import FactSheet

KEY_FORMAT = "audience-evaluation-key/1"
ANSWERS_FORMAT = "audience-evaluation-answers/1"
FORMS_DIR = "formularios"
KEY_FILE = "clave.json"

# (id, column title, what a 1 and a 5 mean); 5 is always the best.
CRITERIA: tuple[tuple[str, str, str], ...] = (
    ("naturalidad", "Naturalidad", "1 = suena artificial, 5 = como lo escribiría una persona"),
    ("concision", "Concisión", "1 = relleno o repeticiones, 5 = justo lo necesario"),
    ("originalidad", "Originalidad", "1 = fórmula repetida, 5 = redacción propia y variada"),
    ("alucinacion", "Alucinación",
     "1 = inventa o cambia datos, 5 = nada que no esté en la ficha (5 es lo mejor)"),
    ("hashtags_emojis", "Hashtags y emojis",
     "1 = inadecuados, mal escritos o en inglés, 5 = pertinentes y bien escritos"),
    ("global", "Global", "1 = no publicable, 5 = publicable tal cual"),
)
CRITERION_IDS = tuple(c[0] for c in CRITERIA)
LEVELS = ("bajo", "medio", "alto")
BEST_MARK = "x"

INSTRUCTIONS = (
    "Este formulario forma parte de una evaluación ciega de modelos de lenguaje que "
    "redactan publicaciones sobre audiencias de televisión.",
    "Para cada ficha verá sus datos y varias publicaciones escritas por modelos distintos, "
    "en orden aleatorio y con un código neutro. No intente adivinar qué modelo escribió cada una.",
    "Puntúe TODAS las publicaciones de 1 a 5 en cada criterio (5 es siempre lo mejor):",
    *(f"  • {title}: {scale}." for _, title, scale in CRITERIA),
    f"Marque con «{BEST_MARK}» exactamente las DOS mejores publicaciones de cada ficha "
    "(columna «Mejores dos»).",
    "Indique su nivel de conocimiento de modelos de lenguaje (bajo, medio o alto) "
    "en la celda indicada.",
    "Juzgue solo el texto: reglas del cliente: tono informativo y neutral, pretérito "
    "perfecto simple, todos los datos de la ficha en su orden, nada que no esté en la ficha, "
    "al menos dos hashtags y dos emojis pertinentes.",
    "Cuando termine, guarde el archivo y devuélvalo sin cambiarle el nombre.",
)

# XLSX layout, shared with the reader.
SHEET_NAME = "Evaluación"
REVIEWER_CELL = "B2"
RUN_CELL = "B3"
LEVEL_CELL = "B4"
HEADER_ROW = 6
COL_SHEET, COL_CODE, COL_POST, COL_BEST = 1, 2, 3, 4
FIRST_SCORE_COL = 5
HEADERS = ("Ficha", "Código", "Publicación", "Mejores dos", *(c[1] for c in CRITERIA))
CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"  # no look-alikes (0/O, 1/I, 5/S, 8/B)


@dataclass(frozen=True)
class FormPost:
    code: str
    text: str
    model: str  # never written on the form


@dataclass(frozen=True)
class FormSheet:
    number: int  # 1-based, the fact sheet's place in the run
    sheet: FactSheet
    posts: tuple[FormPost, ...]


@dataclass(frozen=True)
class Form:
    reviewer: str
    run_id: str
    sheets: tuple[FormSheet, ...]


@dataclass(frozen=True)
class WrittenForms:
    forms_dir: Path
    forms: tuple[Path, ...]
    key: Path


def fact_line(sheet: FactSheet) -> str:
    parts = [f"programa: {sheet.title}", f"cadena: {sheet.channel}",
             f"espectadores únicos: {format_viewers(sheet.unique_viewers)}",
             f"audiencia media: {format_viewers(sheet.avg_audience)}",
             f"cuota: {format_share(sheet.share)}",
             # Whose figures they are: without it, readers of the 2026-12-03 panel marked
             # every post's true scope note ("Cifras del conjunto de España") as added data.
             f"cifras de: {sheet.target}, {sheet.region}",
             f"evento: {sheet.event or '(ninguno)'}"]
    return " · ".join(parts)


def posts_by_sheet(run: EvaluationRun) -> list[list[tuple[str, str]]]:
    """(model, text) per fact sheet: each model's final draft (its first valid one, else
    its last attempt); a model that wrote nothing for a sheet is left out of it."""
    out: list[list[tuple[str, str]]] = [[] for _ in run.sheets]
    for model in run.models:
        for i, draft in enumerate(model.drafts):
            text = str(draft.get("text") or "").strip()
            if text:
                out[i].append((model.model, text))
    return out


def make_forms(run: EvaluationRun, reviewers: int, per_sheet: int = 4,
               seed: int | None = None) -> tuple[list[Form], dict[str, Any]]:
    """The forms and the key. Every reviewer sees the same posts when a sheet has at
    most `per_sheet` models; otherwise each gets a random `per_sheet` of them."""
    if not run.models:
        raise EvaluationInputError(f"run {run.run_id} has no model results")
    seed = secrets.randbits(32) if seed is None else seed
    rng = random.Random(seed)
    candidates = posts_by_sheet(run)
    if not any(len(posts) >= 2 for posts in candidates):
        raise EvaluationInputError(
            f"run {run.run_id}: no fact sheet has posts of two models to compare")
    used: set[str] = set()
    codes: dict[str, dict[str, Any]] = {}
    forms = []
    for r in range(1, reviewers + 1):
        reviewer = f"R{r:02d}"
        sheets = []
        for number, (sheet_data, posts) in enumerate(zip(run.sheets, candidates, strict=True), 1):
            if len(posts) < 2:
                continue
            chosen = rng.sample(posts, min(per_sheet, len(posts)))  # random order too
            form_posts = []
            for model, text in chosen:
                code = _new_code(rng, used)
                codes[code] = {"model": model, "reviewer": reviewer, "sheet": number,
                               "sheet_key": FactSheet.from_dict(sheet_data).key}
                form_posts.append(FormPost(code, text, model))
            sheets.append(FormSheet(number, FactSheet.from_dict(sheet_data), tuple(form_posts)))
        forms.append(Form(reviewer, run.run_id, tuple(sheets)))
    key = {"format": KEY_FORMAT, "run_id": run.run_id, "seed": seed,
           "criteria": list(CRITERION_IDS), "levels": list(LEVELS),
           "reviewers": [f.reviewer for f in forms], "codes": codes}
    return forms, key


def _new_code(rng: random.Random, used: set[str]) -> str:
    while True:
        code = "".join(rng.choice(CODE_ALPHABET) for _ in range(4))
        if code not in used:
            used.add(code)
            return code


def build_forms(run: EvaluationRun, reviewers: int, out: Path, per_sheet: int = 4,
                seed: int | None = None) -> WrittenForms:
    """DIR/formularios/<reviewer>.xlsx and .html, and DIR/clave.json beside (not in) them."""
    forms, key = make_forms(run, reviewers, per_sheet, seed)
    forms_dir = out / FORMS_DIR
    forms_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for form in forms:
        stem = f"evaluacion_{form.reviewer}"
        written.append(write_xlsx(form, forms_dir / f"{stem}.xlsx"))
        written.append(write_html(form, forms_dir / f"{stem}.html"))
    key_path = out / KEY_FILE
    key_path.write_text(json.dumps(key, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return WrittenForms(forms_dir, tuple(written), key_path)


def post_rows(form: Form) -> list[tuple[int, FormSheet | None, FormPost | None]]:
    """(row, fact sheet, post) of the XLSX after the header: a fact sheet's data row,
    then one row per post."""
    rows: list[tuple[int, FormSheet | None, FormPost | None]] = []
    row = HEADER_ROW + 1
    for sheet in form.sheets:
        rows.append((row, sheet, None))
        row += 1
        for post in sheet.posts:
            rows.append((row, sheet, post))
            row += 1
    return rows


def write_xlsx(form: Form, path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET_NAME
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    fill = PatternFill("solid", fgColor="FFF8DC")
    unlocked = Protection(locked=False)

    ws["A1"] = "Evaluación ciega de publicaciones (lea la hoja «Instrucciones»)"
    ws["A1"].font = Font(bold=True, size=13)
    for cell, label, value in ((REVIEWER_CELL, "Revisor", form.reviewer),
                               (RUN_CELL, "Ejecución", form.run_id),
                               (LEVEL_CELL, "Nivel de conocimiento de LLM", "")):
        label_cell = ws.cell(row=ws[cell].row, column=1, value=label)
        label_cell.font = bold
        ws[cell] = value or None
    ws[LEVEL_CELL].fill = fill
    ws[LEVEL_CELL].protection = unlocked
    level_validation = DataValidation(
        type="list", formula1='"' + ",".join(LEVELS) + '"', allow_blank=False,
        showErrorMessage=True, errorTitle="Nivel", error="Elija bajo, medio o alto.")
    ws.add_data_validation(level_validation)
    level_validation.add(LEVEL_CELL)

    for col, title in enumerate(HEADERS, 1):
        cell = ws.cell(row=HEADER_ROW, column=col, value=title)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, horizontal="center")
    score_validation = DataValidation(
        type="whole", operator="between", formula1="1", formula2="5", allow_blank=True,
        showErrorMessage=True, errorTitle="Puntuación", error="Escriba un número entero de 1 a 5.",
        showInputMessage=True, promptTitle="Puntuación", prompt="1 (peor) a 5 (mejor)")
    best_validation = DataValidation(
        type="list", formula1=f'"{BEST_MARK}"', allow_blank=True, showErrorMessage=True,
        errorTitle="Mejores dos", error=f"Marque con {BEST_MARK} o deje vacío.")
    ws.add_data_validation(score_validation)
    ws.add_data_validation(best_validation)
    last_col = FIRST_SCORE_COL + len(CRITERIA) - 1
    for row, sheet, post in post_rows(form):
        assert sheet is not None
        if post is None:
            ws.cell(row=row, column=COL_SHEET, value=sheet.number).font = bold
            ws.cell(row=row, column=COL_POST, value=fact_line(sheet.sheet)).font = Font(
                italic=True)
            ws.cell(row=row, column=COL_POST).alignment = wrap
            continue
        ws.cell(row=row, column=COL_SHEET, value=sheet.number)
        ws.cell(row=row, column=COL_CODE, value=post.code)
        ws.cell(row=row, column=COL_POST, value=post.text).alignment = wrap
        best = ws.cell(row=row, column=COL_BEST)
        best.fill, best.protection = fill, unlocked
        best_validation.add(best.coordinate)
        for col in range(FIRST_SCORE_COL, last_col + 1):
            cell = ws.cell(row=row, column=col)
            cell.fill, cell.protection = fill, unlocked
            cell.alignment = Alignment(horizontal="center")
            score_validation.add(cell.coordinate)
    widths = {COL_SHEET: 6, COL_CODE: 8, COL_POST: 70, COL_BEST: 8}
    for col in range(1, last_col + 1):
        ws.column_dimensions[get_column_letter(col)].width = widths.get(col, 12)
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=COL_BEST)
    # Only the yellow cells can be edited; no password: this guards against slips.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False

    notes = wb.create_sheet("Instrucciones")
    notes.column_dimensions["A"].width = 110
    for row, line in enumerate(INSTRUCTIONS, 1):
        notes.cell(row=row, column=1, value=line).alignment = Alignment(wrap_text=True)
    wb.active = 1  # open on the instructions
    wb.save(path)
    return path


def write_html(form: Form, path: Path) -> Path:
    """The same form as one page; "Guardar respuestas" downloads a JSON file that
    `audience evaluate scores` reads like the XLSX."""
    e = html.escape
    parts = [
        "<!doctype html><html lang='es'><head><meta charset='utf-8'>",
        f"<title>Evaluación ciega {e(form.reviewer)}</title><style>",
        "body{font-family:sans-serif;max-width:60rem;margin:2rem auto;line-height:1.4}",
        ".post{border:1px solid #ccc;border-radius:6px;padding:.6rem;margin:.6rem 0}",
        ".text{white-space:pre-wrap;background:#f7f7f7;padding:.5rem}",
        "table{border-collapse:collapse}td{padding:.1rem .5rem}.facts{font-style:italic}",
        "</style></head><body>",
        f"<h1>Evaluación ciega de publicaciones</h1><p>Revisor <b>{e(form.reviewer)}</b> · "
        f"ejecución <code>{e(form.run_id)}</code></p><ul>",
        *(f"<li>{e(line.strip().lstrip('•').strip())}</li>" for line in INSTRUCTIONS),
        "</ul><form id='f'><p><label>Nivel de conocimiento de LLM: <select name='level' "
        "required><option value=''>—</option>",
        *(f"<option>{e(level)}</option>" for level in LEVELS),
        "</select></label></p>",
    ]
    for sheet in form.sheets:
        parts.append(f"<h2>Ficha {sheet.number}</h2><p class='facts'>"
                     f"{e(fact_line(sheet.sheet))}</p>")
        for post in sheet.posts:
            c = e(post.code)
            parts.append(f"<div class='post' data-code='{c}' data-sheet='{sheet.number}'>"
                         f"<p><b>{c}</b> <label><input type='checkbox' name='best-{c}'> "
                         f"entre las dos mejores</label></p><div class='text'>{e(post.text)}"
                         "</div><table>")
            for cid, title, scale in CRITERIA:
                radios = "".join(f"<label><input type='radio' name='{cid}-{c}' value='{v}' "
                                 f"required>{v}</label> " for v in range(1, 6))
                parts.append(f"<tr><td title='{e(scale)}'>{e(title)}</td><td>{radios}</td></tr>")
            parts.append("</table></div>")
    answers_format = json.dumps(ANSWERS_FORMAT)
    meta = json.dumps({"reviewer": form.reviewer, "run_id": form.run_id,
                       "criteria": list(CRITERION_IDS)})
    parts += [
        "<p><button type='submit'>Guardar respuestas</button> <span id='msg'></span></p>",
        f"<p>Al terminar, pulse «Guardar respuestas»: se descarga el archivo "
        f"<code>evaluacion_{e(form.reviewer)}.json</code>. Devuelva ese archivo JSON (no esta "
        "página) a quien le envió el formulario.</p>",
        "</form><script>",
        f"const META={meta};",
        "document.getElementById('f').addEventListener('submit',ev=>{ev.preventDefault();",
        "const f=ev.target,posts=[...document.querySelectorAll('.post')];const bySheet={};",
        "for(const p of posts){const s=p.dataset.sheet;bySheet[s]=(bySheet[s]||0)+"
        "(f['best-'+p.dataset.code].checked?1:0);}",
        "const bad=Object.entries(bySheet).filter(([s,n])=>n!==2).map(([s])=>s);",
        "if(bad.length){document.getElementById('msg').textContent="
        "'Marque exactamente dos mejores en la ficha '+bad.join(', ');return;}",
        f"const out={{format:{answers_format},reviewer:META.reviewer,run_id:META.run_id,",
        "level:f.level.value,answers:posts.map(p=>{const c=p.dataset.code;const a={code:c,"
        "best:f['best-'+c].checked};for(const k of META.criteria){a[k]=Number(f[k+'-'+c]"
        ".value)}return a;})};",
        "const b=new Blob([JSON.stringify(out,null,1)],{type:'application/json'});",
        "const l=document.createElement('a');l.href=URL.createObjectURL(b);",
        "l.download='evaluacion_'+META.reviewer+'.json';l.click();",
        "document.getElementById('msg').textContent='Guardado: devuelva el archivo descargado.';"
        "});</script></body></html>",
    ]
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
