"""The blind panel's forms as Markdown plus an answers file to fill, for a reader who
works with text files rather than the XLSX or the HTML page.

The forms are rebuilt from the run (run.json) and the key's shuffle seed (clave.json),
exactly as `benchmarks/blind_panel.py` built them: same posts, same codes, same order
(checked against the key). Per reviewer, written to --forms:

- evaluacion_<R>.md: the instructions, the criteria, every fact sheet and its coded posts;
- evaluacion_<R>.json: the answers in the format the HTML form saves
  (`audience-evaluation-answers/1`), every score empty, to be filled and returned.

    .venv/bin/python benchmarks/panel_markdown.py --run DIR --forms FORMS_DIR
    .venv/bin/audience evaluate scores FORMS_DIR/evaluacion_R01.json --key DIR/clave.json

Neither file names a writer.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from audience_assets.evaluation.forms import (
    ANSWERS_FORMAT,
    BEST_MARK,
    CRITERIA,
    CRITERION_IDS,
    INSTRUCTIONS,
    KEY_FILE,
    LEVELS,
    fact_line,
    make_forms,
)
from audience_assets.evaluation.runs import load_run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=Path, required=True, help="blind_panel.py's --out")
    parser.add_argument("--forms", type=Path, required=True, help="where the reader's files go")
    args = parser.parse_args(argv)
    run = load_run(args.run)
    key = json.loads((args.run / KEY_FILE).read_text(encoding="utf-8"))
    per_sheet = max(len({c["model"] for c in key["codes"].values()}), 2)
    forms, rebuilt = make_forms(run, len(key["reviewers"]), per_sheet, seed=key["seed"])
    if rebuilt["codes"] != key["codes"]:
        print("panel_markdown: the rebuilt forms differ from the key; not written",
              file=sys.stderr)
        return 2
    args.forms.mkdir(parents=True, exist_ok=True)
    for form in forms:
        stem = f"evaluacion_{form.reviewer}"
        md = [f"# Evaluación ciega de publicaciones — revisor {form.reviewer}\n",
              f"Ejecución: `{form.run_id}`\n", "## Instrucciones\n",
              *(line if line.startswith("  ") else f"- {line}" for line in INSTRUCTIONS),
              "",
              f"Escriba sus respuestas en `{stem}.json` (junto a este archivo): en cada "
              f"publicación, una nota entera de 1 a 5 en cada criterio "
              f"({', '.join(CRITERION_IDS)}); `\"best\": true` en exactamente dos "
              f"publicaciones de cada ficha (equivale a «{BEST_MARK}» en «Mejores dos»); y "
              f"`\"level\"`: su nivel de conocimiento de modelos de lenguaje "
              f"({', '.join(LEVELS)}). No cambie los códigos ni el resto del archivo.\n",
              "## Criterios (5 es siempre lo mejor)\n",
              *(f"- `{cid}` ({title}): {scale}" for cid, title, scale in CRITERIA), ""]
        answers = []
        for sheet in form.sheets:
            md += [f"## Ficha {sheet.number}\n", fact_line(sheet.sheet), ""]
            for post in sheet.posts:
                md += [f"### Código {post.code}\n", "```", post.text, "```", ""]
                answers.append({"code": post.code, "sheet": sheet.number, "best": False,
                                **{cid: None for cid in CRITERION_IDS}})
        (args.forms / f"{stem}.md").write_text("\n".join(md), encoding="utf-8")
        (args.forms / f"{stem}.json").write_text(json.dumps(
            {"format": ANSWERS_FORMAT, "reviewer": form.reviewer, "run_id": form.run_id,
             "level": "", "answers": answers}, ensure_ascii=False, indent=1) + "\n",
            encoding="utf-8")
        print(args.forms / f"{stem}.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
